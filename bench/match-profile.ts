// Where a query's time goes (`node dist/bench/match-profile.js SNAPSHOT QUERIES [copies] [seconds]`):
// per query, the JS validation (queryValues), copying the strings into the core, the core's
// normalisation alone, normalisation + probing + scoring, the core with its outputs
// (matchQueries), WasmMatcher.match (copy + core + reading outputs) and Engine.matchDetailed
// (all of it, results built); then per blocking-key type the probes, hits and block lengths, and
// the distribution of candidates examined. With copies > 1 the snapshot is replicated in memory
// (bench/match-replica.ts). One thread; figures are process CPU time (GC included) per query.
import { Snapshot } from '../src/store/snapshot.js'
import { Engine } from '../src/engine/engine.js'
import { queryValues } from '../src/engine/codec.js'
import { readQueries } from '../src/engine/evaluate.js'
import type { Query } from '../src/engine/types.js'
import { replicated } from './match-replica.js'

const KEY_NAMES = ['weak phases', 'date+氏 reading', 'date+名 reading', 'date+氏 key', 'date+名 key', 'reading+year', 'reading+md',
  'key+year', 'key+md', 'my_number', 'resident_id', 'name key', 'reading', 'date+sex+reading prefix', 'date+sex+reading suffix',
  'date+sex+key first', 'date+sex+key last']

const [dir, queriesPath, copiesArg, secondsArg] = process.argv.slice(2)
if (!dir || !queriesPath) { process.stderr.write('usage: match-profile SNAPSHOT QUERIES [copies] [seconds]\n'); process.exit(2) }
const copies = Number(copiesArg ?? 1)
const seconds = Number(secondsArg ?? 2)
const s = Snapshot.open(dir)
const c0 = process.cpuUsage()
const engine = Engine.open(copies > 1 ? replicated(s, copies) : s, { image: 'off' })
const lc = process.cpuUsage(c0)
process.stdout.write(`rows ${engine.size.rows}, postings ${engine.size.postings}, load ${((lc.user + lc.system) / 1e6).toFixed(1)} s CPU, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`)
const qs: Query[] = (await readQueries(queriesPath)).map((q) => q.query)
const m = engine.matcher
const core = m.core
const maxQ = core.MAX_QUERIES.value as number
const qCap = core.Q_CAP_UNITS.value as number
const values = qs.map((q) => queryValues(q)).filter((v): v is string[] => Array.isArray(v) && v.some((x) => x !== ''))
const chunks: string[][][] = []
for (let i = 0; i < values.length; i += maxQ) chunks.push(values.slice(i, i + maxQ))
const qChunks: Query[][] = []
for (let i = 0; i < qs.length; i += maxQ) qChunks.push(qs.slice(i, i + maxQ))

function copyIn(vs: string[][]): number {
  const chars = new Uint16Array(core.memory.buffer, core.qCharsPtr(), qCap)
  const offs = new Int32Array(core.memory.buffer, core.qOffsPtr(), maxQ * 7 + 1)
  let pos = 0
  for (let n = 0; n < vs.length; n++) {
    const v = vs[n]!
    for (let f = 0; f < 7; f++) {
      offs[n * 7 + f] = pos
      const x = v[f]!
      for (let j = 0; j < x.length; j++) chars[pos++] = x.charCodeAt(j)
    }
    offs[n * 7 + 7] = pos
  }
  return vs.length
}

/** CPU µs per query of `fn` over every chunk, repeated for `seconds` (after one warm-up pass). */
function perQuery(fn: (i: number) => number): number {
  for (let i = 0; i < chunks.length; i++) fn(i)
  let n = 0
  const t = performance.now(), c0 = process.cpuUsage()
  while (performance.now() - t < seconds * 1000) for (let i = 0; i < chunks.length; i++) n += fn(i)
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / n
}

const rows: { step: string; 'µs/query': string }[] = []
const add = (step: string, us: number) => rows.push({ step, 'µs/query': us.toFixed(2) })
add('queryValues (JS validation)', perQuery((i) => { for (const q of qChunks[i] ?? []) queryValues(q); return qChunks[i]?.length ?? 0 }))
add('copy strings into the core', perQuery((i) => copyIn(chunks[i]!)))
const tCopy = Number(rows[1]!['µs/query'])
add('core: normalise only (+copy)', perQuery((i) => { copyIn(chunks[i]!); core.matchProfile(chunks[i]!.length, 0); return chunks[i]!.length }))
add('core: normalise + probe + score (+copy)', perQuery((i) => { copyIn(chunks[i]!); core.matchProfile(chunks[i]!.length, 1); return chunks[i]!.length }))
add('core: matchQueries with outputs (+copy)', perQuery((i) => { copyIn(chunks[i]!); core.matchQueries(chunks[i]!.length); return chunks[i]!.length }))
add('WasmMatcher.match (copy, core, raw answers)', perQuery((i) => m.match(chunks[i]!).length))
add('Engine.matchDetailed (everything)', perQuery((i) => engine.matchDetailed(qChunks[i]!).length))
add('Engine.matchBatch (everything)', perQuery((i) => engine.matchBatch(qChunks[i]!).length))
console.table(rows)
process.stdout.write(`(copy alone ${tCopy.toFixed(2)} µs; subtract it from the core rows)\n`)

// Probe counters over one pass of every query.
core.matchStatsOn(1)
for (const ch of chunks) { copyIn(ch); core.matchProfile(ch.length, 1) }
core.matchStatsOn(0)
const st = new Float64Array(core.memory.buffer, core.matchStatsPtr(), 80)
const nq = values.length
const krows = []
for (let t = 1; t <= 16; t++) {
  const probes = st[t * 4]!, hits = st[t * 4 + 1]!, len = st[t * 4 + 2]!, max = st[t * 4 + 3]!
  krows.push({ key: KEY_NAMES[t], 'probes/query': (probes / nq).toFixed(3), 'non-empty %': probes ? (100 * hits / probes).toFixed(1) : '-', 'mean block': hits ? (len / hits).toFixed(1) : '-', 'rows/query': (len / nq).toFixed(2), longest: max })
}
console.table(krows)
process.stdout.write(`weak phase run by ${(100 * st[0]! / nq).toFixed(1)} % of ${nq} queries\n`)
const ex: number[] = []
for (const ch of qChunks) for (const d of engine.matchDetailed(ch)) ex.push(d.examined)
ex.sort((a, b) => a - b)
const q = (p: number) => ex[Math.min(ex.length - 1, Math.floor(ex.length * p))]
process.stdout.write(`candidates examined per query: mean ${(ex.reduce((a, b) => a + b, 0) / ex.length).toFixed(2)}, p50 ${q(0.5)}, p90 ${q(0.9)}, p99 ${q(0.99)}, p99.9 ${q(0.999)}, max ${ex[ex.length - 1]}\n`)
