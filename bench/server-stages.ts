// Per-query cost of each stage of answering a frame, on one thread, with the real engine:
// decode, validation, matchBatch, record reads for shown candidates, pseudonyms, scope, packing,
// audit. `node dist/bench/server-stages.js SNAPSHOT QUERIES.csv [perFrame=64]`. The first of
// three passes over 400 frames warms the pages and caches and is not reported.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBenchHost, readQueries } from './server-engine.js'
import { Pseudonymizer } from '../src/server/pseudonym.js'
import { SCOPE_PRESETS, disclosedFields, scopePerson } from '../src/server/scope.js'
import { checkQuery, packr, unpackr } from '../src/server/protocol.js'
import { AuditLog, packGroup } from '../src/store/audit.js'
import type { Query, ResidentRecord } from '../src/engine/types.js'

async function main(): Promise<void> {
  const [snap, file, perArg] = process.argv.slice(2)
  if (!snap || !file) throw new Error('usage: server-stages SNAPSHOT QUERIES.csv [perFrame]')
  const per = Number(perArg ?? 64)
  const { host } = await openBenchHost(snap, 0)
  const e = host.engine
  const qs = readQueries(file)
  const frames: Uint8Array[] = []
  for (let i = 0; i < 400; i++) frames.push(packr.pack({ t: 'match', q: qs.slice(i * per, (i + 1) * per).map((q, j) => ({ ...q, qid: j })) }))
  const scope = { fields: [...SCOPE_PRESETS.basic], raw_ids: false }
  const fields = disclosedFields(scope)
  const ps = new Pseudonymizer(randomBytes(32))
  const dir = mkdtempSync(join(tmpdir(), 'nayose-stages-'))
  const audit = AuditLog.open(dir, { sync: false })
  const T: Record<string, number> = { decode: 0, validate: 0, matchBatch: 0, records: 0, pseudonyms: 0, scope: 0, pack: 0, 'audit group': 0 }
  let nq = 0
  for (let pass = 0; pass < 3; pass++) for (const f of frames) {
    if (pass === 1 && f === frames[0]) { for (const k in T) T[k] = 0; nq = 0 }
    let t = performance.now(), t2 = 0
    const lap = (k: string) => { t2 = performance.now(); T[k] += t2 - t; t = t2 }
    const m = unpackr.unpack(f) as { q: unknown[] }; lap('decode')
    const q = m.q.map(checkQuery) as Query[]; lap('validate')
    const er = e.matchBatch(q); lap('matchBatch')
    const recs: (ResidentRecord | undefined)[] = []
    for (const r of er) for (const c of r.candidates) recs.push(e.person(c.residentId))
    lap('records')
    const ids: string[] = []
    for (const r of er) for (const c of r.candidates) ids.push(ps.id(c.residentId))
    lap('pseudonyms')
    const persons = recs.map(r => r ? scopePerson(r, scope) : { status: 'removed' }); lap('scope')
    let k = 0
    const flat: (string | number | null)[] = []
    const res = er.map(r => ({ qid: r.qid, grade: r.grade, snapshot: r.snapshot, candidates: r.candidates.map(c => { const o = { id: ids[k], score: c.score, probability: c.probability, agreement: c.agreement, person: persons[k] }; flat.push(c.residentId, r.qid ?? null, ids[k]); k++; return o }) }))
    packr.pack({ t: 'result', r: res }); lap('pack')
    void audit.recordFlat('bench', fields, 'ws', flat, packGroup('bench', fields, 'ws', flat)); lap('audit group')
    nq += q.length
  }
  process.stdout.write(`${per} queries per frame, ${nq} queries measured (snapshot ${e.version})\n`)
  for (const [k, v] of Object.entries(T)) process.stdout.write(`  ${k.padEnd(12)} ${(1000 * v / nq).toFixed(2)} µs/query\n`)
  await audit.close()
  await host.close?.()
  rmSync(dir, { recursive: true, force: true })
}

main().catch(e => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
