/**
 * Progress for long commands: a cli-progress bar when stderr is a terminal, otherwise one plain
 * line every `intervalMs` (default 5 s) so logs and CI stay readable. Both show done/total,
 * the rate (items per second) and an ETA. Only counts are printed, never data.
 * @example
 * const p = createProgress({ label: 'build', total: fileBytes, unit: 'B', items: 'rows' })
 * p.update(bytesRead, rowsRead)   // cheap: call it as often as you like
 * p.stop()                        // prints the final line
 */
import cliProgress from 'cli-progress'

export interface ProgressOptions {
  label: string
  /** Total of the measured quantity (bytes of the source, rows…); 0 when unknown. */
  total: number
  /** Unit of `total`: 'B' shows MB. */
  unit?: 'B' | 'rows'
  /** Name of the counted items shown with the rate. */
  items?: string
  stream?: NodeJS.WriteStream
  intervalMs?: number
  /** No output at all (tests, --quiet). */
  quiet?: boolean
}

export interface Progress {
  /** `done` in the unit of `total`; `items` how many items were processed so far. */
  update(done: number, items: number): void
  stop(): void
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr
  if (opts.quiet) return { update() {}, stop() {} }
  const started = Date.now()
  const itemsName = opts.items ?? 'rows'
  const fmt = (n: number) => (opts.unit === 'B' ? `${(n / 1e6).toFixed(1)} MB` : `${n}`)
  const rate = (items: number) => Math.round(items / Math.max(0.001, (Date.now() - started) / 1000))
  const eta = (done: number) => {
    if (!opts.total || !done) return '?'
    const s = ((Date.now() - started) / 1000) * (opts.total - done) / done
    return `${Math.max(0, Math.round(s))}s`
  }
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream,
      format: `${opts.label} [{bar}] {percentage}% | {doneText}/{totalText} | {items} ${itemsName} | {rate} ${itemsName}/s | ETA {etaText}`,
      hideCursor: true,
      fps: 5,
    }, cliProgress.Presets.shades_classic)
    bar.start(opts.total || 1, 0, { doneText: fmt(0), totalText: fmt(opts.total), items: 0, rate: 0, etaText: '?' })
    let last = { done: 0, items: 0 }
    return {
      update(done, items) {
        last = { done, items }
        bar.update(Math.min(done, opts.total || 1), { doneText: fmt(done), totalText: fmt(opts.total), items, rate: rate(items), etaText: eta(done) })
      },
      stop() {
        bar.update(opts.total || 1, { doneText: fmt(last.done), totalText: fmt(opts.total), items: last.items, rate: rate(last.items), etaText: '0s' })
        bar.stop()
      },
    }
  }
  const interval = opts.intervalMs ?? 5000
  let next = started + interval
  let last = { done: 0, items: 0 }
  const line = (done: number, items: number, final: boolean) => {
    const pct = opts.total ? ` ${Math.min(100, Math.floor((100 * done) / opts.total))}%` : ''
    stream.write(`${opts.label}:${pct} ${fmt(done)}${opts.total ? `/${fmt(opts.total)}` : ''}, ${items} ${itemsName}, ${rate(items)} ${itemsName}/s${final ? `, ${((Date.now() - started) / 1000).toFixed(1)}s` : `, ETA ${eta(done)}`}\n`)
  }
  return {
    update(done, items) {
      last = { done, items }
      const now = Date.now()
      if (now >= next) {
        next = now + interval
        line(done, items, false)
      }
    },
    stop() { line(last.done, last.items, true) },
  }
}
