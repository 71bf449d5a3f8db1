// Matching benchmark: load, queries/s single thread and with 2 workers, latency of one query,
// candidates examined per query (all queries, and common surnames). Seeded synthetic data:
// NAYOSE_BENCH_SNAPSHOT + NAYOSE_BENCH_QUERIES use an existing snapshot and queries CSV; by
// default 20 000 residents and 5 000 queries are generated into a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src/engine/engine.js'
import { EnginePool } from '../src/engine/pool.js'
import { readQueries } from '../src/engine/evaluate.js'
import type { Query } from '../src/engine/types.js'
import { buildSnapshot } from '../src/store/build.js'
import { generateResidents } from '../data/gen/residents-file.js'
import { generateQueries } from '../data/gen/queries.js'

const COMMON_SURNAMES = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村']
const BATCH = 1024

async function dataset(): Promise<{ dir: string; queries: string; cleanup: () => void }> {
  if (process.env.NAYOSE_BENCH_SNAPSHOT && process.env.NAYOSE_BENCH_QUERIES) {
    return { dir: process.env.NAYOSE_BENCH_SNAPSHOT, queries: process.env.NAYOSE_BENCH_QUERIES, cleanup: () => {} }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'nayose-bench-match-'))
  const residents = join(tmp, 'SYNTHETIC-residents.csv')
  await generateResidents(residents, { n: 20_000, seed: 'bench' } as Parameters<typeof generateResidents>[1])
  await generateQueries({ from: residents, n: 5_000, seed: 'bench', out: join(tmp, 'q.csv'), truth: join(tmp, 't.csv') })
  await buildSnapshot(residents, join(tmp, 'snap'), { quiet: true, synthetic: true })
  return { dir: join(tmp, 'snap'), queries: join(tmp, 'q.csv'), cleanup: () => rmSync(tmp, { recursive: true, force: true }) }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0
}

function timeBatches(engine: Engine, qs: Query[], seconds: number): { qps: number; examined: number[] } {
  let done = 0
  const examined: number[] = []
  const t0 = performance.now()
  while ((performance.now() - t0) / 1000 < seconds) {
    for (let i = 0; i < qs.length; i += BATCH) {
      const d = engine.matchDetailed(qs.slice(i, i + BATCH))
      if (examined.length < qs.length) for (const x of d) examined.push(x.examined)
      done += d.length
    }
  }
  return { qps: done / ((performance.now() - t0) / 1000), examined }
}

export async function run(): Promise<void> {
  const data = await dataset()
  try {
    const t0 = performance.now()
    const engine = Engine.openDir(data.dir)
    const loadS = (performance.now() - t0) / 1000
    const qs = (await readQueries(data.queries)).map((q) => q.query)
    const rss = process.memoryUsage().rss
    timeBatches(engine, qs, 1) // warm-up
    const single = timeBatches(engine, qs, 3)
    const common = qs.filter((q) => COMMON_SURNAMES.some((s) => q.name?.startsWith(s)))
    const commonRun = common.length ? timeBatches(engine, common, 1) : { qps: 0, examined: [0] }
    // one query per call (latency path)
    const lat: number[] = []
    for (let i = 0; i < Math.min(2000, qs.length); i++) {
      const t = performance.now(); engine.match(qs[i]!); lat.push((performance.now() - t) * 1000)
    }
    const sanity = engine.matchBatch(qs.slice(0, 100))
    if (!sanity.some((r) => r.grade === 'confirmed')) throw new Error('sanity: expected confirmed answers')
    engine.close()
    // two workers, each with its own engine
    const pool = await EnginePool.open(data.dir, 2)
    let done = 0
    const tp = performance.now()
    while ((performance.now() - tp) / 1000 < 3) {
      const inflight: Promise<unknown>[] = []
      for (let i = 0; i < qs.length; i += BATCH) inflight.push(pool.run(qs.slice(i, i + BATCH)).then((r) => { done += r.results.length }))
      await Promise.all(inflight)
    }
    const poolQps = done / ((performance.now() - tp) / 1000)
    await pool.close()
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
    console.table([
      { case: 'load', value: `${loadS.toFixed(2)} s, ${engine.size.live} rows, ${engine.size.postings} postings, RSS ${(rss / 2 ** 20).toFixed(0)} MiB` },
      { case: `matchBatch, 1 thread (batches of ${BATCH})`, value: `${Math.round(single.qps)} queries/s` },
      { case: 'matchBatch, 2 workers', value: `${Math.round(poolQps)} queries/s (${(poolQps / single.qps).toFixed(2)}×)` },
      { case: 'match, one query per call', value: `median ${quantile(lat, 0.5).toFixed(1)} µs, p99 ${quantile(lat, 0.99).toFixed(1)} µs` },
      { case: 'candidates per query (all)', value: `mean ${mean(single.examined).toFixed(1)}, p99 ${quantile(single.examined, 0.99)}` },
      { case: `candidates per query (${COMMON_SURNAMES.slice(0, 3).join('/')}…, ${common.length} queries)`, value: `mean ${mean(commonRun.examined).toFixed(1)}, p99 ${quantile(commonRun.examined, 0.99)}` },
    ])
  } finally {
    data.cleanup()
  }
}
