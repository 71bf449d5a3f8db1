// Scale check (`node dist/bench/match-scale.js SNAPSHOT QUERIES TRUTH [copies]`): the engine on a
// snapshot replicated `copies` times in memory — copy k keeps every name but gets other resident
// ids, another city, and birth dates shifted by a pseudo-random number of days (±10 years), so
// each birth date holds `copies` times as many people, as a larger snapshot would. Copy 0 is the
// original, so the truth file still applies. Prints load, RSS, q/s and the eval summary.
import { Snapshot } from '../src/store/snapshot.js'
import { Engine, type RowSource } from '../src/engine/engine.js'
import { evaluate, formatReport, readQueries, readTruth } from '../src/engine/evaluate.js'

const DATE_FIELD = 2
const ADDRESS_FIELD = 4

function patch(src: Uint8Array, out: Uint8Array, copy: number, row: number): Uint8Array {
  out.set(src)
  const dv = new DataView(out.buffer, out.byteOffset, src.length)
  if (copy === 0) return out.subarray(0, src.length)
  // resident_id: another 11-digit number per copy
  const rid = dv.getFloat64(4, true)
  dv.setFloat64(4, (rid + copy * 13_000_000_007) % 1e11, true)
  let p = 12
  const n = out[3]!
  for (let f = 0; f < n; f++) {
    const id = out[p]!, nSlots = out[p + 2]!, nInts = out[p + 3]!
    p += 4
    if (id === DATE_FIELD && nInts > 0) {
      const d = dv.getInt32(p, true)
      const h = Math.imul(row + 1, 0x9e3779b1) ^ Math.imul(copy, 0x85ebca6b)
      const shift = ((h >>> 0) % 7301) - 3650
      const t = Date.UTC(Math.floor(d / 10000), Math.floor(d / 100) % 100 - 1, d % 100) + shift * 86_400_000
      const x = new Date(t)
      dv.setInt32(p, x.getUTCFullYear() * 10000 + (x.getUTCMonth() + 1) * 100 + x.getUTCDate(), true)
    }
    p += 4 * nInts
    for (let k = 0; k < nSlots; k++) {
      const len = dv.getUint16(p, true)
      // another city per copy (first unit of the city slot shifted): copies live elsewhere
      if (id === ADDRESS_FIELD && k === 2 && len > 0) dv.setUint16(p + 2, dv.getUint16(p + 2, true) + copy, true)
      p += 2 + 2 * len
    }
  }
  return out.subarray(0, src.length)
}

function replicated(s: Snapshot, copies: number): RowSource {
  const n = s.rowCount()
  return {
    manifest: () => ({ version: `${s.manifest().version}x${copies}` }),
    rowCount: () => n * copies,
    *rows() {
      const buf = new Uint8Array(1 << 16)
      for (let k = 0; k < copies; k++) {
        for (const { row, bytes } of s.rows()) yield { row: k * n + row, bytes: patch(bytes, buf, k, row) }
      }
    },
    record: (id) => s.record(id),
  }
}

const [dir, queries, truthFile, copiesArg] = process.argv.slice(2)
if (!dir || !queries || !truthFile) { process.stderr.write('usage: match-scale SNAPSHOT QUERIES TRUTH [copies]\n'); process.exit(2) }
const copies = Number(copiesArg ?? 2)
const s = Snapshot.open(dir)
const c0 = process.cpuUsage(), t0 = performance.now()
const engine = Engine.open(replicated(s, copies))
const c1 = process.cpuUsage(c0)
process.stdout.write(`rows ${engine.size.rows}, postings ${engine.size.postings}, load ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c1.user + c1.system) / 1e6).toFixed(1)} s CPU, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`)
const qs = await readQueries(queries)
const truth = await readTruth(truthFile)
evaluate(engine, qs.slice(0, 5000), truth) // warm-up
const cq = process.cpuUsage()
const { report } = evaluate(engine, qs, truth)
const cq1 = process.cpuUsage(cq)
process.stdout.write(formatReport(report) + '\n')
process.stdout.write(`CPU per query: ${((cq1.user + cq1.system) / qs.length).toFixed(2)} µs (${Math.round(qs.length / ((cq1.user + cq1.system) / 1e6))} queries per CPU-second)\n`)
{
  // matchBatch alone, 3 s after the warm-up above: queries/s on one thread
  const plain = qs.map((q) => q.query)
  let done = 0
  const t = performance.now()
  while (performance.now() - t < 3000) for (let i = 0; i < plain.length; i += 1024) done += engine.matchBatch(plain.slice(i, i + 1024)).length
  process.stdout.write(`matchBatch, one thread: ${Math.round(done / ((performance.now() - t) / 1000))} queries/s\n`)
}
if (process.env.SHOW_MISSES) {
  const { results } = evaluate(engine, qs, truth)
  let shown = 0
  for (let i = 0; i < qs.length && shown < 8; i++) {
    const t = truth.get(qs[i]!.qid)
    const r = results[i]!
    if (!t?.residentId || t.category !== 'present' || r.grade === 'confirmed' || t.corruptions.length) continue
    shown++
    process.stdout.write(`${qs[i]!.qid} ${r.grade} ${r.candidates.slice(0, 3).map((c) => `${c.residentId === t.residentId ? 'T' : 'F'} ${c.score} ${c.probability.toFixed(4)} ${JSON.stringify(c.agreement)}`).join(' | ')}\n`)
  }
}
