// Per-row CPU of the collate worker's own stages (`node dist/bench/collate-rows.js SNAPSHOT QUERIES [rows] [rounds]`):
// on the first `rows` data rows of a query file (UTF-8, cut in batches of 2048 as the splitter
// does), process CPU time per row of: decode + parse (src/collate/parse.ts parseUtf8), building the Query
// objects, Engine.matchBatch, and formatting + writing the output rows into a scratch buffer
// (src/collate/format.ts). Stages are timed batch by batch (as the worker runs them), `rounds`
// times over all batches; the median round is printed. One thread; restores the snapshot's index image (`image: 'read'`).
import { readFileSync } from 'node:fs'
import { Engine } from '../src/engine/engine.js'
import type { EngineResult, Query } from '../src/engine/types.js'
import { parseUtf8, queryBuilder, type ParsedRow } from '../src/collate/parse.js'
import { errorLine, resultLine } from '../src/collate/format.js'
import { QUERY_COLUMNS } from '../src/collate/pipeline.js'

const [dir, file, rowsArg, roundsArg] = process.argv.slice(2)
if (!dir || !file) { process.stderr.write('usage: collate-rows SNAPSHOT QUERIES [rows] [rounds]\n'); process.exit(2) }
const want = Number(rowsArg ?? 100000)
const rounds = Number(roundsArg ?? 5)
const BATCH = 2048

const all = readFileSync(file)
let p = all.indexOf(10) + 1
const header = all.subarray(0, p - 1).toString('utf8').replace(/\r$/, '').split(',')
const batches: Uint8Array[] = []
let rows = 0
while (rows < want && p < all.length) {
  let q = p
  let k = 0
  while (k < BATCH && rows + k < want && q < all.length) { const e = all.indexOf(10, q); q = e < 0 ? all.length : e + 1; k++ }
  batches.push(new Uint8Array(all.subarray(p, q)))
  rows += k
  p = q
}
const columns = header.length
const qidColumn = header.indexOf('qid')
const fields: [string, number][] = []
for (const f of QUERY_COLUMNS) { const c = header.indexOf(f); if (c >= 0) fields.push([f, c]) }

const toQuery = queryBuilder(fields)
const engine = Engine.openDir(dir, { image: 'read' })
process.stdout.write(`engine ${engine.version}: ${engine.size.live} residents, from ${engine.loadInfo.from}; ${rows} rows in ${batches.length} batches\n`)

let scratch = Buffer.allocUnsafe(1 << 22)
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system }

function buildQueries(rs: ParsedRow[]): { qids: string[]; good: Query[]; at: number[] } {
  const qids: string[] = new Array(rs.length)
  const good: Query[] = []
  const at: number[] = []
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!
    qids[i] = qidColumn >= 0 ? (r.fields[qidColumn] ?? '') : String(i + 1)
    if (r.error) continue
    const q = toQuery(r.fields)
    at.push(i)
    good.push(q)
  }
  return { qids, good, at }
}

function format(rs: ParsedRow[], b: { qids: string[]; at: number[] }, results: EngineResult[]): number {
  let used = 0
  let k = 0
  for (let i = 0; i < rs.length; i++) {
    const line = b.at[k] === i ? resultLine(b.qids[i]!, results[k++]!) : errorLine(b.qids[i]!, rs[i]!.error!.code, rs[i]!.error!.message, engine.version)
    if (used + line.length * 3 > scratch.length) { const bigger = Buffer.allocUnsafe(scratch.length * 2); scratch.copy(bigger, 0, 0, used); scratch = bigger }
    used += scratch.write(line, used)
  }
  return used
}

const names = ['decode+parse', 'queries', 'matchBatch', 'format+write']
const per: number[][] = names.map(() => [])
let bytesOut = 0
for (let round = 0; round < rounds; round++) {
  const acc = names.map(() => 0)
  bytesOut = 0
  for (const b of batches) {
    // stage by stage within each batch, as the worker runs them
    let t = cpu()
    const parsed = parseUtf8(b, columns)
    let u = cpu(); acc[0] += u - t; t = u
    const built = buildQueries(parsed)
    u = cpu(); acc[1] += u - t; t = u
    const results = engine.matchBatch(built.good)
    u = cpu(); acc[2] += u - t; t = u
    bytesOut += format(parsed, built, results)
    u = cpu(); acc[3] += u - t
  }
  for (let s = 0; s < names.length; s++) per[s]!.push(acc[s]!)
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
let own = 0
for (let s = 0; s < names.length; s++) {
  const us = med(per[s]!) / rows
  if (names[s] !== 'matchBatch') own += us
  process.stdout.write(`${names[s]!.padEnd(14)} ${us.toFixed(3)} µs CPU/row  (rounds: ${per[s]!.map((x) => (x / rows).toFixed(2)).join(' ')})\n`)
}
process.stdout.write(`collate's own (all but matchBatch) ${own.toFixed(3)} µs CPU/row; ${bytesOut} output bytes per round\n`)
