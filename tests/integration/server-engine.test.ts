// The server on the real engine (EngineHost over a small synthetic LMDB snapshot): interop,
// scopes, and reload + delta under a concurrent query stream with zero failed queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { generateResidents } from '../../data/gen/residents-file.js'
import { generateQueries } from '../../data/gen/queries.js'
import { generateDelta } from '../../data/gen/delta.js'
import { buildSnapshot } from '../../src/store/snapshot.js'
import { EngineHost } from '../../src/engine/host.js'
import type { MatchHost } from '../../src/server/service.js'
import { adminPost, connect, pumpQueries, startTestServer, type TestServer } from './server-helpers.js'

let dir: string, host: MatchHost, t: TestServer
let queries: Record<string, string>[], truth: Map<string, string>, delta: Record<string, string>[]
const QUERY_FIELDS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id']

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nayose-server-engine-'))
  const csv = join(dir, 'residents.csv'), snap = join(dir, 'snap')
  await generateResidents(csv, { n: 2000, seed: 11 })
  await buildSnapshot(csv, snap, { synthetic: true, quiet: true })
  await generateQueries({ from: csv, n: 400, seed: 3, out: join(dir, 'q.csv'), truth: join(dir, 't.csv') } as never)
  await generateDelta({ from: csv, n: 60, seed: 5, out: join(dir, 'd.csv') } as never)
  await generateDelta({ from: csv, n: 60, seed: 6, out: join(dir, 'd2.csv') } as never)
  queries = (parse(readFileSync(join(dir, 'q.csv')), { columns: true }) as Record<string, string>[]).map(r => {
    const q: Record<string, string> = { qid: r.qid }
    for (const f of QUERY_FIELDS) if (r[f]) q[f] = r[f]
    return q
  })
  truth = new Map((parse(readFileSync(join(dir, 't.csv')), { columns: true }) as Record<string, string>[]).map(r => [r.qid, r.resident_id]))
  delta = parse(readFileSync(join(dir, 'd2.csv')), { columns: true }) as Record<string, string>[]
  host = await EngineHost.open(snap) as unknown as MatchHost
  t = await startTestServer(host, { basic: 'basic', raw: 'all,raw' })
}, 180_000)

afterAll(async () => {
  await t?.close()
  await host?.close?.()
  rmSync(dir, { recursive: true, force: true })
})

describe('server on the real engine', () => {
  it('answers a 64-query batch in order with pseudonyms, scoped persons and the snapshot version', async () => {
    const basic = await connect(t.url, t.tokens.basic), raw = await connect(t.url, t.tokens.raw)
    const batch = queries.slice(0, 64)
    const [b, r] = await Promise.all([basic.ask({ t: 'match', q: batch }), raw.ask({ t: 'match', q: batch })])
    expect(b.r.map((x: any) => x.qid)).toEqual(batch.map(q => q.qid))
    expect(b.r.every((x: any) => x.snapshot === host.engine.version)).toBe(true)
    expect(b.r.map((x: any) => x.grade)).toEqual(r.r.map((x: any) => x.grade))
    let confirmed = 0
    for (let i = 0; i < batch.length; i++) {
      const cb = b.r[i].candidates, cr = r.r[i].candidates
      for (let j = 0; j < cb.length; j++) {
        expect(cb[j].id).toMatch(/^[A-Za-z0-9_-]{22}$/)
        expect(cb[j].id).not.toBe(cr[j].id)
        expect(cb[j].person.resident_id).toBeUndefined()
        expect(cr[j].person.resident_id).toMatch(/^\d{11}$/)
        expect(Object.keys(cb[j].person).every(k => ['status', 'name', 'name_kana', 'birth_date', 'sex', 'address'].includes(k))).toBe(true)
      }
      if (r.r[i].grade === 'confirmed') { confirmed++; expect(cr[0].person.resident_id).toBe(truth.get(batch[i].qid)) }
    }
    expect(confirmed).toBeGreaterThan(0)
    basic.close(); raw.close()
  })

  it('reload and delta under a concurrent query stream: every query answered, none failed, versions swap mid-stream', async () => {
    const c = await connect(t.url, t.tokens.basic)
    // the reference answers (no swaps in between) tell input errors apart from failures
    const ref = await c.ask({ t: 'match', q: queries })
    const inputError = new Set(ref.r.filter((x: any) => x.grade === 'error').map((x: any) => x.qid))
    c.received.length = 0
    const pump = pumpQueries(c, queries)
    const admin = (path: string, body?: unknown) => adminPost(t, path, body)
    const v0 = host.engine.version
    expect((await admin('/admin/reload')).status).toBe(200)
    const d = await admin('/admin/delta', { path: join(dir, 'd.csv') })
    expect(d.status).toBe(200)
    const v2 = host.engine.version
    expect(v2).not.toBe(v0)
    expect((await admin('/admin/reload')).status).toBe(200)
    await new Promise(r => setTimeout(r, 200))
    const { results, sent } = await pump.stop()
    expect(results).toHaveLength(sent)
    results.forEach((r: any, i: number) => expect(r.qid).toBe(queries[i % queries.length].qid))
    const failed = results.filter((r: any) => r.grade === 'error' && !inputError.has(r.qid))
    expect(failed).toEqual([])
    const versions = new Set(results.map((r: any) => r.snapshot))
    expect(versions.size).toBeGreaterThanOrEqual(2)
    expect(versions.has(v2)).toBe(true)
    c.close()
  })

  it('arbitrary field values (any UTF-16, lone surrogates included) get exactly one answer each and never an INTERNAL error', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('', ' ', '　', '昭和45年3月2日', 'ｻﾄｳ ﾀﾛｳ', '東京都千代田区１－２－３', '000000000000', '1'))
    const query = fc.record({ name: value, name_kana: value, birth_date: value, sex: value, address: value, my_number: value, resident_id: value }, { requiredKeys: [] })
    await fc.assert(fc.asyncProperty(fc.array(query, { minLength: 1, maxLength: 20 }), async qs => {
      const m = await c.ask({ t: 'match', q: qs.map((q, i) => ({ ...q, qid: i })) })
      expect(m.t).toBe('result')
      expect(m.r.map((r: any) => r.qid)).toEqual(qs.map((_, i) => i))
      for (const r of m.r) expect(r.error?.code).not.toBe('INTERNAL')
    }), { numRuns: 30 })
    c.close()
  })

  it('pushes changes to subscribers when a delta changes a subscribed person', async () => {
    const targets = delta.filter(r => r.op === 'update' || r.op === 'remove').map(r => r.resident_id).slice(0, 5)
    expect(targets.length).toBeGreaterThan(0)
    const raw = await connect(t.url, t.tokens.raw)
    const m = await raw.ask({ t: 'match', q: targets.map((id, i) => ({ qid: i, resident_id: id })) })
    const ids = m.r.flatMap((r: any) => r.candidates.slice(0, 1).map((c: any) => c.id))
    expect(ids.length).toBeGreaterThan(0)
    const s = await raw.ask({ t: 'subscribe', ids })
    expect(s.ids).toEqual(ids)
    const n = raw.received.length
    const d = await fetch(`${t.http}/admin/delta`, { method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'text/csv' }, body: readFileSync(join(dir, 'd2.csv')) })
    expect(d.status).toBe(200)
    await raw.waitFor(n + 1)
    const change = raw.received[n] as any
    expect(change.t).toBe('change')
    expect(ids).toContain(change.id)
    expect(change.snapshot).toBe(host.engine.version)
    raw.close()
  })
})
