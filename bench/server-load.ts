// Load generator for bench/server.ts, run as a separate process: offers a fixed rate of frames
// (open loop: send times are scheduled, latency is measured from the scheduled time so a stalled
// server cannot hide its queueing), or a closed loop with a fixed window of frames in flight.
// Prints one JSON line with achieved q/s and latency percentiles.
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { Packr, Unpackr } from 'msgpackr'

interface Args { url: string; token: string; queries: string; perFrame: number; rate: number; seconds: number; window: number }

const opts = { useRecords: false }
const packr = new Packr(opts), unpackr = new Unpackr(opts)

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Args
  const queries = JSON.parse(readFileSync(a.queries, 'utf8')) as Record<string, unknown>[]
  const ws = new WebSocket(a.url, { headers: { authorization: `Bearer ${a.token}` }, maxPayload: 1 << 30 })
  await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej) })
  // pre-encode frames: the generator should spend its CPU sending, not packing
  const frames: Uint8Array[] = []
  for (let i = 0; i < 256; i++) {
    const q = []
    for (let j = 0; j < a.perFrame; j++) q.push({ ...queries[(i * a.perFrame + j) % queries.length], qid: j })
    frames.push(packr.pack({ t: 'match', q }))
  }
  const sentAt: number[] = []
  let head = 0, sent = 0, answered = 0, queriesAnswered = 0, errors = 0, busy = 0
  const lat: number[] = []
  let warm = true
  const t0 = performance.now()
  let cpu0 = process.cpuUsage()
  const warmEnd = t0 + 500, end = warmEnd + a.seconds * 1000
  let measuredFrom = 0, measuredQueries = 0, lastAnswer = 0
  let finish: () => void
  const finished = new Promise<void>(r => { finish = r })
  const sendOne = (at: number) => { sentAt.push(at); ws.send(frames[sent++ & 255]) }
  ws.on('message', (data: Buffer) => {
    const m = unpackr.unpack(data) as { t: string; r?: { grade: string; error?: { code: string } }[] }
    if (m.t !== 'result') { errors++; return }
    const now = performance.now()
    const at = sentAt[head]; sentAt[head++] = 0
    if (head > 1 << 20) { sentAt.splice(0, head); head = 0 }
    answered++
    queriesAnswered += m.r!.length
    let refused = 0
    for (const r of m.r!) if (r.error) { if (r.error.code === 'BUSY' || r.error.code === 'RATE_LIMITED') refused++; else errors++ }
    busy += refused
    // achieved = queries answered other than busy/rate-limited (a refusal is not throughput)
    if (at >= warmEnd && lat.length === 0) cpu0 = process.cpuUsage()
    if (at >= warmEnd && at < end) { lat.push(now - at); measuredQueries += m.r!.length - refused; lastAnswer = now }
    if (a.rate === 0 && now < end) sendOne(now) // closed loop: keep `window` frames in flight
    if (now >= end && answered === sent) finish()
  })
  if (a.rate === 0) {
    for (let i = 0; i < a.window; i++) sendOne(performance.now())
  } else {
    const interval = 1000 * a.perFrame / a.rate // ms between frames
    let next = t0
    // sleep until the next scheduled send (a setImmediate loop would spin a whole core, which on a
    // 2-core machine starves the server); frames due meanwhile go out together, and their latency
    // still counts from their scheduled time
    const tick = () => {
      const now = performance.now()
      while (next <= now && next < end) { sendOne(next); next += interval }
      if (next < end) setTimeout(tick, Math.max(0, next - performance.now()))
    }
    setTimeout(tick, 0)
  }
  const guard = setTimeout(() => finish(), (a.seconds + 20) * 1000)
  await finished
  clearTimeout(guard)
  measuredFrom = warmEnd
  const span = (Math.max(lastAnswer, end) - measuredFrom) / 1000
  const cpu = process.cpuUsage(cpu0)
  const sorted = Float64Array.from(lat).sort()
  ws.close()
  process.stdout.write(JSON.stringify({
    perFrame: a.perFrame, offered: a.rate, window: a.rate === 0 ? a.window : undefined,
    achieved: Math.round(measuredQueries / span),
    loadCpuUsPerQuery: Number(((cpu.user + cpu.system) / Math.max(1, measuredQueries)).toFixed(1)), frames: lat.length, unanswered: sent - answered, busy, errors,
    p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), p999: pct(sorted, 0.999), max: sorted[sorted.length - 1],
  }) + '\n')
  process.exit(0)
}

main().catch(e => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
