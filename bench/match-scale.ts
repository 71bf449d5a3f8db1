// Scale check (`node dist/bench/match-scale.js SNAPSHOT QUERIES TRUTH [copies]`): the engine on a
// snapshot replicated `copies` times in memory (bench/match-replica.ts: each birth date holds
// `copies` times as many people, as a larger snapshot would; copy 0 is the original, so the
// truth file still applies). Prints load, RSS, q/s and the eval summary. With a fifth argument
// `ratio`, also loads the plain snapshot and times both alternately: the throughput ratio.
import { Snapshot } from '../src/store/snapshot.js'
import { Engine } from '../src/engine/engine.js'
import { replicated } from './match-replica.js'
import { evaluate, formatReport, readQueries, readTruth } from '../src/engine/evaluate.js'

const [dir, queries, truthFile, copiesArg, mode] = process.argv.slice(2)
if (!dir || !queries || !truthFile) { process.stderr.write('usage: match-scale SNAPSHOT QUERIES TRUTH [copies] [ratio]\n'); process.exit(2) }
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
if (mode === 'ratio') {
  // The same queries on the plain snapshot in this process, timed alternately with the replica
  // (5 rounds of 2 s each, CPU time): the throughput ratio under the same machine conditions.
  const one = Engine.open(replicated(s, 1))
  const plain = qs.map((q) => q.query)
  const cpuPerQuery = (e: Engine): number => {
    let done = 0
    const t = performance.now(), c = process.cpuUsage()
    while (performance.now() - t < 2000) for (let i = 0; i < plain.length; i += 1024) done += e.matchBatch(plain.slice(i, i + 1024)).length
    const u = process.cpuUsage(c)
    return (u.user + u.system) / done
  }
  cpuPerQuery(one)
  const a: number[] = [], b: number[] = []
  for (let r = 0; r < 5; r++) { a.push(cpuPerQuery(one)); b.push(cpuPerQuery(engine)) }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[2]!
  process.stdout.write(`alternating rounds, CPU µs per query: 1 copy ${a.map((x) => x.toFixed(2)).join(' ')}; ${copies} copies ${b.map((x) => x.toFixed(2)).join(' ')}\n`)
  process.stdout.write(`throughput ${copies} copies / 1 copy (medians): ${(100 * med(a) / med(b)).toFixed(1)} % (${Math.round(1e6 / med(b))} vs ${Math.round(1e6 / med(a))} queries per CPU-second)\n`)
  one.close()
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
