// Streaming a query file through a running server: what `nayose collate QUERIES.csv --server
// ws://… --token … --out RESULTS.csv` runs (the collate command, src/cli/commands/collate.ts,
// calls collateViaServer when --server is given). Pipelined: up to `window` frames of `batch`
// queries in flight on one connection; results are written in input order; BUSY and
// RATE_LIMITED answers are retried after a pause, never written as results.
import { closeSync, existsSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs'
import WebSocket from 'ws'
import { NayoseError } from '../errors.js'
import { COLLATE_HEADER, collateLine } from '../engine/collate-format.js'
import type { EngineResult } from '../engine/types.js'
import { openCsv, type Encoding } from '../io/csv.js'
import { createProgress } from '../io/progress.js'
import { packr, unpackr, QUERY_FIELDS, WireCode, type WireResult } from './protocol.js'

/** Exactly the in-process collate columns (src/engine/collate-format.ts). */
export const COLLATE_COLUMNS = COLLATE_HEADER

export interface ServerCollateOptions {
  /** ws://host:port[/ws] or wss://… */
  server: string
  token: string
  out: string
  resume?: boolean
  encoding?: Encoding
  /** queries per frame (default 64) */
  batch?: number
  /** frames in flight (default 16) */
  window?: number
  quiet?: boolean
}

export interface ServerCollateSummary {
  rows: number
  skipped: number
  grades: Record<string, number>
  retried: number
  seconds: number
}

interface Row { qid: string; query?: Record<string, string>; error?: string; result?: WireResult }
interface Frame { rows: Row[]; pending: number }
interface Sent { frame: Frame; idx: number[] }

const RETRY_CODES = new Set<string>([WireCode.BUSY, WireCode.RATE_LIMITED])

/** ws URL of the server's WebSocket endpoint. */
export function wsUrl(server: string): string {
  const u = new URL(server.replace(/^http/, 'ws'))
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/ws'
  return u.toString()
}

/**
 * One CSV line per result, formatted by the in-process collate's own function. `resident_id` and
 * `candidates` hold raw resident ids when the client's scope returns them, otherwise the
 * client's pseudonymous ids.
 */
export function resultLine(qid: string, r: WireResult | undefined, error?: string): string {
  if (!r) {
    const [code, ...rest] = (error ?? 'BAD_ROW: unreadable row').split(': ')
    return collateLine(qid, { grade: 'error', candidates: [], snapshot: '', error: { code, message: rest.join(': ') } })
  }
  const er: EngineResult = {
    grade: r.grade, snapshot: r.snapshot, error: r.error,
    candidates: r.candidates.map(c => ({ residentId: c.person?.resident_id ?? c.id, score: c.score, probability: c.probability, agreement: c.agreement })),
  }
  return collateLine(qid, er)
}

/** Complete data rows already in `out`; cuts a partial last line off so appending is safe. */
function resumePoint(out: string): number {
  if (!existsSync(out)) return -1
  const size = statSync(out).size
  if (size === 0) return -1
  const fd = openSync(out, 'r+')
  try {
    const buf = Buffer.alloc(size)
    readSync(fd, buf, 0, size, 0)
    let lastNl = buf.lastIndexOf(10)
    if (lastNl < 0) { ftruncateSync(fd, 0); return -1 }
    if (lastNl !== size - 1) ftruncateSync(fd, lastNl + 1)
    // rows never contain raw newlines unless quoted; count record ends outside quotes
    let rows = 0, inQuote = false
    for (let i = 0; i <= lastNl; i++) {
      const b = buf[i]
      if (b === 34) inQuote = !inQuote
      else if (b === 10 && !inQuote) rows++
    }
    return rows - 1 // minus the header
  } finally { closeSync(fd) }
}

/**
 * Streams `queriesCsv` through the server at `opts.server`; writes `opts.out`.
 * @example await collateViaServer('q.csv', { server: 'ws://127.0.0.1:8787', token, out: 'r.csv' })
 */
export async function collateViaServer(queriesCsv: string, opts: ServerCollateOptions): Promise<ServerCollateSummary> {
  const t0 = performance.now()
  const batch = Math.max(1, opts.batch ?? 64), window = Math.max(1, opts.window ?? 16)
  const done0 = opts.resume ? resumePoint(opts.out) : -1
  const skip = Math.max(0, done0)
  const fd = openSync(opts.out, done0 >= 0 ? 'a' : 'w')
  if (done0 < 0) writeSync(fd, COLLATE_COLUMNS.join(',') + '\n')

  const reader = await openCsv(queriesCsv, { encoding: opts.encoding })
  const hasQid = reader.header.includes('qid')
  const fields = reader.header.filter(h => (QUERY_FIELDS as readonly string[]).includes(h))
  if (fields.length === 0) throw new NayoseError('BAD_HEADER', `${queriesCsv} names none of the query fields (${QUERY_FIELDS.join(', ')})`)
  const progress = createProgress({ label: 'collate', total: reader.size, unit: 'B', items: 'queries', quiet: opts.quiet })

  const ws = new WebSocket(wsUrl(opts.server), { headers: { authorization: `Bearer ${opts.token}` }, maxPayload: 256 << 20 })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new NayoseError(res.statusCode === 401 ? 'UNAUTHENTICATED' : 'SERVER_ERROR', `server refused the connection: HTTP ${res.statusCode}`)))
    ws.once('error', e => reject(new NayoseError('CANNOT_CONNECT', `cannot connect to ${opts.server}: ${e.message}`)))
  })

  const grades: Record<string, number> = {}
  const frames: Frame[] = [] // not yet written, in input order
  const sent: Sent[] = []    // FIFO: answers come back in the order frames were sent
  let written = 0, skipped = 0, retried = 0, failure: Error | undefined
  let wake: (() => void) | undefined
  const notify = () => { const w = wake; wake = undefined; w?.() }

  const send = (frame: Frame, idx: number[]) => {
    sent.push({ frame, idx })
    ws.send(packr.pack({ t: 'match', q: idx.map(i => frame.rows[i].query) }))
  }

  const writeReady = () => {
    let text = ''
    while (frames.length && frames[0].pending === 0) {
      for (const row of frames.shift()!.rows) {
        const grade = row.result?.grade ?? 'error'
        grades[grade] = (grades[grade] ?? 0) + 1
        text += resultLine(row.qid, row.result, row.error)
        written++
      }
    }
    if (text) writeSync(fd, text)
    progress.update(reader.bytesRead(), written + skip)
  }

  ws.on('message', (data: Buffer) => {
    let m: { t?: string; r?: WireResult[]; code?: string; message?: string }
    try { m = unpackr.unpack(data) } catch { failure = new NayoseError('BAD_MSGPACK', 'server sent a frame that is not msgpack'); ws.close(); return }
    if (m.t === 'error') { failure = new NayoseError(m.code ?? 'SERVER_ERROR', `server: ${m.message ?? ''}`); ws.close(); return notify() }
    if (m.t !== 'result' || !Array.isArray(m.r)) return
    const s = sent.shift()
    if (!s || m.r.length !== s.idx.length) { failure = new NayoseError('PROTOCOL', 'server answered a different number of queries than sent'); ws.close(); return notify() }
    const retry: number[] = []
    s.idx.forEach((i, j) => {
      const r = m.r![j]
      if (r.error && RETRY_CODES.has(r.error.code)) retry.push(i)
      else { s.frame.rows[i].result = r; s.frame.pending-- }
    })
    if (retry.length) { retried += retry.length; setTimeout(() => { if (ws.readyState === WebSocket.OPEN) send(s.frame, retry) }, 50) }
    writeReady()
    notify()
  })
  ws.on('close', (code, reason) => {
    if (!failure && (frames.length || sent.length)) failure = new NayoseError('DISCONNECTED', `server closed the connection (${code} ${reason.toString()}); rerun with --resume to continue`)
    notify()
  })

  const flushFrame = async (frame: Frame) => {
    frames.push(frame)
    const idx: number[] = []
    frame.rows.forEach((r, i) => { if (r.query) idx.push(i) })
    frame.pending = idx.length
    if (idx.length) send(frame, idx)
    else writeReady()
    while (!failure && sent.length >= window) await new Promise<void>(r => { wake = r })
  }

  let cur: Frame = { rows: [], pending: 0 }
  let n = 0
  for await (const row of reader.rows) {
    if (failure) break
    n++
    if (n <= skip) { skipped++; continue }
    // Same rule as in-process collate: no qid column → data row number (1 = first row after the header)
    const qid = hasQid ? (row.fields.qid ?? '') : String(n)
    if (row.error) cur.rows.push({ qid, error: `${row.error.code}: ${row.error.message}` })
    else {
      const q: Record<string, string> = { qid }
      for (const f of fields) if (row.fields[f]) q[f] = row.fields[f]
      cur.rows.push({ qid, query: q })
    }
    if (cur.rows.length >= batch) { await flushFrame(cur); cur = { rows: [], pending: 0 } }
  }
  if (!failure && cur.rows.length) await flushFrame(cur)
  while (!failure && frames.length) await new Promise<void>(r => { wake = r })
  ws.close()
  progress.stop()
  closeSync(fd)
  if (failure) throw failure
  return { rows: written, skipped, grades, retried, seconds: (performance.now() - t0) / 1000 }
}
