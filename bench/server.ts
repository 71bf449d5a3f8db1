// `npm run bench:server`: the server in this process, load from a separate process
// (bench/server-load.ts) at fixed offered rates, for 1-query and 64-query frames. Reports
// achieved q/s, p50/p99/p99.9 latency and the maximum sustainable rate.
//   node dist/bench/server.js [--snapshot DIR --queries FILE.csv|json] [--workers N] [--frames 1,64] [--seconds 3] [--quick] [--audit-sync off] [--rates1 1000,2000] [--rates64 10000,25000]
// Without --snapshot (or without the engine in the build) it runs an id-lookup stand-in: those
// figures are transport + protocol + pseudonyms + audit only, and are labelled so.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance as nodePerf } from 'node:perf_hooks'
import { NayoseServer } from '../src/server/app.js'
import { DEFAULT_WORKERS, addClient, emptyConfig } from '../src/server/config.js'
import { openBenchHost, readQueries } from './server-engine.js'
import type { MatchHost } from '../src/server/service.js'
import { AuditLog } from '../src/store/audit.js'
import { StandinBenchHost } from './server-standin.js'

interface Row { cpuUsPerQuery?: number; mainUsPerQuery?: number; mainBusy?: number; workerBusy?: number; loadCpuUsPerQuery?: number; perFrame: number; offered: number; window?: number; achieved: number; frames: number; unanswered: number; busy: number; errors: number; p50: number; p99: number; p999: number; max: number }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function load(args: Record<string, unknown>): Promise<Row> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'server-load.js')
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', d => { out += d })
    p.on('exit', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`)))
  })
}

/** CPU seconds of this process's main (uWS) thread, from /proc (Linux; 10 ms ticks). */
function mainThreadCpu(): number {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const after = f.slice(f.lastIndexOf(')') + 2).split(' ')
    return (Number(after[11]) + Number(after[12])) / 100
  } catch { return NaN }
}
const pc = (x: number) => `${Math.round(100 * x)} %`
const workerCount = (h: MatchHost) => (h.engine as { threads?: unknown[] }).threads?.length ?? 0
const ms = (x: number) => Number.isFinite(x) ? x.toFixed(2) : '–'

async function main(): Promise<void> {
  const seconds = Number(arg('seconds') ?? 3)
  const quick = process.argv.includes('--quick')
  const snapshot = arg('snapshot')
  let host: MatchHost, label: string, queries: unknown[]
  if (snapshot) {
    const file = arg('queries')
    if (!file) throw new Error('--snapshot needs --queries FILE (a CSV from `nayose gen queries`, or a JSON array of SPEC §2 queries)')
    const opened = await openBenchHost(snapshot, Number(arg('workers') ?? DEFAULT_WORKERS))
    host = opened.host
    queries = readQueries(file)
    label = `real engine via ${opened.how}, snapshot ${host.engine.version}, ${queries.length} distinct queries`
  } else {
    const s = new StandinBenchHost(100_000)
    host = s
    queries = s.queries(10_000)
    label = 'STAND-IN matcher (id lookup): transport + protocol + pseudonyms + audit only'
  }
  const dir = mkdtempSync(join(tmpdir(), 'nayose-bench-'))
  const config = emptyConfig(join(dir, 'audit'))
  const token = addClient(config, 'bench', 'basic')
  const sync = arg('audit-sync') !== 'off'
  config.audit.sync = sync
  const audit = AuditLog.open(config.audit.path, { sync, indexThread: true })
  const server = await NayoseServer.start({ host, config, audit, port: 0, defaultMetrics: false })
  const qfile = join(dir, 'queries.json')
  writeFileSync(qfile, JSON.stringify(queries))
  const base = { url: `ws://127.0.0.1:${server.port}/ws`, token, queries: qfile, seconds }
  process.stderr.write(`bench:server — ${label}; node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}; ${seconds} s per case; audit fsync ${sync ? 'on' : 'off (commit to the OS only)'}\n`)

  const rss = process.memoryUsage().rss
  process.stderr.write(`  server RSS after loading: ${(rss / 2 ** 20).toFixed(0)} MiB (uWS thread + ${workerCount(host)} match worker engine(s))\n`)
  if (snapshot && arg('warm') !== 'off') {
    // a long-running server has its snapshot pages mapped: touch every query's records once
    // (first touch of a record page costs ~15 µs more than a warm read)
    const t = performance.now()
    const w = await load({ ...base, perFrame: 64, rate: 0, window: 16, seconds: Math.max(1, Math.ceil(queries.length / 15_000)) })
    process.stderr.write(`  warm-up: ${w.achieved} q/s for ${((performance.now() - t) / 1000).toFixed(1)} s (not reported); RSS now ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`)
  }

  const rows: Row[] = []
  const run = async (perFrame: number, rate: number, window = 0) => {
    const cpu0 = process.cpuUsage(), main0 = mainThreadCpu()
    const elu0 = nodePerf.eventLoopUtilization()
    const threads = (host.engine as { threads?: { performance: { eventLoopUtilization(a?: unknown): { active: number; idle: number; utilization: number } } }[] }).threads ?? []
    const welu0 = threads.map(t => t.performance.eventLoopUtilization())
    const r = await load({ ...base, perFrame, rate, window })
    const cpu = process.cpuUsage(cpu0)
    // server CPU (this process: uWS + protocol + matching + audit) per answered query, warm-up included
    r.cpuUsPerQuery = (cpu.user + cpu.system) / Math.max(1, r.achieved * (seconds + 0.5))
    r.mainUsPerQuery = 1e6 * (mainThreadCpu() - main0) / Math.max(1, r.achieved * (seconds + 0.5))
    r.mainBusy = nodePerf.eventLoopUtilization(elu0).utilization
    r.workerBusy = threads.length ? threads.reduce((a, t, i) => a + t.performance.eventLoopUtilization(welu0[i]).utilization, 0) / threads.length : undefined
    rows.push(r)
    process.stderr.write(`  ${String(perFrame).padStart(2)}/frame ${rate ? `offered ${String(rate).padStart(6)} q/s` : `closed loop, ${window} frames in flight`}: achieved ${r.achieved} q/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, p99.9 ${ms(r.p999)} ms, server CPU ${r.cpuUsPerQuery!.toFixed(1)} µs/query (uWS thread ${r.mainUsPerQuery!.toFixed(1)}), busy: uWS thread ${pc(r.mainBusy!)}${r.workerBusy !== undefined ? `, workers ${pc(r.workerBusy)}` : ''}, load generator CPU ${r.loadCpuUsPerQuery?.toFixed(1)} µs/query${r.busy ? `, busy answers ${r.busy}` : ''}${r.errors ? `, errors ${r.errors}` : ''}\n`)
    return r
  }
  const sustainable = (r: Row) => r.achieved >= 0.97 * r.offered && r.p99 <= 50 && r.unanswered === 0 && r.busy === 0
  const summary: string[] = []
  const list = (name: string, dflt: number[]) => arg(name)?.split(',').map(Number) ?? dflt
  const steps1 = list('rates1', quick ? [5000, 10000] : [1000, 2000, 5000, 10000, 20000, 40000])
  const steps64 = list('rates64', quick ? [50000, 100000] : [10000, 25000, 50000, 100000, 150000, 200000])
  const sizes = list('frames', [1, 64])
  // closed-loop depth (frames in flight): --window1 (default 64), --window64 (default 16); the
  // server admits up to max_in_flight queries per connection (4096 by default)
  const window1 = Number(arg('window1') ?? 64), window64 = Number(arg('window64') ?? 16)
  for (const [perFrame, steps, window] of ([[1, steps1, window1], [64, steps64, window64]] as [number, number[], number][]).filter(([p]) => sizes.includes(p))) {
    let best = 0
    for (const rate of steps) {
      const r = await run(perFrame, rate)
      if (sustainable(r)) best = rate
      else break
    }
    const closed = await run(perFrame, 0, window)
    summary.push(`${perFrame}/frame: max sustainable offered rate ${best} q/s (achieved ≥ 97%, p99 ≤ 50 ms, no busy); closed-loop max ${closed.achieved} q/s`)
  }
  process.stdout.write(`\n${label}; audit fsync ${sync ? 'on' : 'off'}\n\n| frame | offered q/s | achieved q/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/query (all threads) | of which uWS thread | uWS thread busy | workers busy |\n|---|---|---|---|---|---|---|---|---|---|\n`)
  for (const r of rows) process.stdout.write(`| ${r.perFrame} | ${r.offered || `closed loop (${r.window} in flight)`} | ${r.achieved} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${r.cpuUsPerQuery!.toFixed(1)} | ${r.mainUsPerQuery!.toFixed(1)} | ${pc(r.mainBusy!)} | ${r.workerBusy !== undefined ? pc(r.workerBusy) : '–'} |\n`)
  process.stdout.write('\n' + summary.map(s => `- ${s}`).join('\n') + '\n')
  await server.shutdown(1)
  await audit.close()
  await host.close?.()
  rmSync(dir, { recursive: true, force: true })
}

main().catch(e => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
