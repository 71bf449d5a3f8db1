// The server with match workers (src/server/pool.ts): the same answers as matching on the uWS
// thread, reload + delta under a concurrent stream with zero failed queries, and a worker that
// dies mid-stream: every query still gets exactly one answer (WORKER_FAILED for the ones it
// held), a replacement is started and later queries are matched normally.
// The workers run dist/src/server/match-worker.js: `npm test` builds first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { decode, encode } from '@msgpack/msgpack'
import { generateResidents } from '../../data/gen/residents-file.js'
import { generateQueries } from '../../data/gen/queries.js'
import { generateDelta } from '../../data/gen/delta.js'
import { buildSnapshot } from '../../src/store/snapshot.js'
import { openEngineHost } from '../../src/server/run.js'
import type { PoolEngine } from '../../src/server/pool.js'
import type { MatchHost } from '../../src/server/service.js'
import { NayoseServer } from '../../src/server/app.js'
import { AuditLog } from '../../src/store/audit.js'
import { adminPost, connect, pumpQueries, startTestServer, type TestServer } from './server-helpers.js'

let dir: string, host: MatchHost, inproc: MatchHost, t: TestServer
let queries: Record<string, string>[], truth: Map<string, string>
const QUERY_FIELDS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id']

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nayose-server-workers-'))
  const csv = join(dir, 'residents.csv'), snap = join(dir, 'snap')
  await generateResidents(csv, { n: 2000, seed: 12 })
  await buildSnapshot(csv, snap, { synthetic: true, quiet: true })
  cpSync(snap, join(dir, 'snap-copy'), { recursive: true })
  await generateQueries({ from: csv, n: 400, seed: 4, out: join(dir, 'q.csv'), truth: join(dir, 't.csv') } as never)
  await generateDelta({ from: csv, n: 60, seed: 7, out: join(dir, 'd.csv') } as never)
  queries = (parse(readFileSync(join(dir, 'q.csv')), { columns: true }) as Record<string, string>[]).map(r => {
    const q: Record<string, string> = { qid: r.qid }
    for (const f of QUERY_FIELDS) if (r[f]) q[f] = r[f]
    return q
  })
  truth = new Map((parse(readFileSync(join(dir, 't.csv')), { columns: true }) as Record<string, string>[]).map(r => [r.qid, r.resident_id]))
  host = await openEngineHost(snap, 2)
  inproc = await openEngineHost(join(dir, 'snap-copy'), 0)
  t = await startTestServer(host, { basic: 'basic', raw: 'all,raw' })
}, 180_000)

afterAll(async () => {
  await t?.close()
  await host?.close?.()
  await inproc?.close?.()
  rmSync(dir, { recursive: true, force: true })
})

const pool = () => host.engine as unknown as PoolEngine

describe('server with match workers', () => {
  it('runs two worker threads and answers exactly as matching on the server thread', async () => {
    expect(pool().threads).toHaveLength(2)
    expect(await (await fetch(`${t.http}/health`)).json()).toMatchObject({ status: 'ok', snapshot: host.engine.version, match_workers: 2 })
    // a second server on the same config (same client keys) matching on its own thread
    const audit2 = AuditLog.open(join(dir, 'audit2'))
    const s2 = await NayoseServer.start({ host: inproc, config: t.config, audit: audit2, port: 0, defaultMetrics: false })
    const a = await connect(t.url, t.tokens.raw), b = await connect(`ws://127.0.0.1:${s2.port}/ws`, t.tokens.raw)
    const batch = [...queries.slice(0, 100), { qid: 'bad', birth_date: '1970-02-30' }, { qid: 'x', nope: 1 } as never]
    const [ra, rb] = await Promise.all([a.ask({ t: 'match', q: batch }), b.ask({ t: 'match', q: batch })])
    expect(ra.r).toHaveLength(batch.length)
    expect(ra.r.map((r: any) => r.snapshot)).toEqual(rb.r.map((r: any) => r.snapshot))
    // same grades, candidates (pseudonyms: same client key), persons and errors
    expect(ra.r).toEqual(rb.r)
    let confirmed = 0
    for (let i = 0; i < 100; i++) if (ra.r[i].grade === 'confirmed') { confirmed++; expect(ra.r[i].candidates[0].person.resident_id).toBe(truth.get(batch[i].qid as string)) }
    expect(confirmed).toBeGreaterThan(0)
    expect(ra.r[100].error.code).toBe('BAD_DATE')
    expect(ra.r[101].error.code).toBe('BAD_FIELD')
    // odd frames get the same answers from both (the worker path admits match frames by shape)
    const odd: (Uint8Array | Record<string, unknown>)[] = [
      Uint8Array.from([0x81, 0xa1, 0x74]), { t: 'match', q: 'x' }, { t: 'match', q: [] }, { q: [{ name: 'a' }], t: 'match', extra: [1, { y: null }] },
      { t: 'match', q: [7, { name: new Uint8Array([1, 2]) }, { qid: 'z', name: 'x'.repeat(600) }, { qid: 'w', limit: 99, name: '佐藤' }] },
    ]
    for (const f of odd) {
      const [x, y] = await Promise.all([a, b].map(cl => {
        const n = cl.received.length
        if (f instanceof Uint8Array) cl.sendRaw(f); else cl.send(f)
        return cl.waitFor(n + 1).then(() => cl.received[n])
      }))
      expect(x).toEqual(y)
    }
    a.close(); b.close()
    await s2.shutdown(1)
    await audit2.close()
  })

  it('answers POST /match (JSON and msgpack) through the workers like the WebSocket', async () => {
    const batch = queries.slice(200, 220)
    const c = await connect(t.url, t.tokens.raw)
    const ws = await c.ask({ t: 'match', q: batch })
    c.close()
    const json = await (await fetch(`${t.http}/match`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.raw}`, 'content-type': 'application/json' }, body: JSON.stringify({ q: batch }) })).json() as any
    expect(json.t).toBe('result')
    expect(json.r).toEqual(ws.r)
    const res = await fetch(`${t.http}/match`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.raw}`, 'content-type': 'application/msgpack' }, body: encode({ t: 'match', q: batch }) })
    expect(res.headers.get('content-type')).toBe('application/msgpack')
    expect((decode(new Uint8Array(await res.arrayBuffer())) as any).r).toEqual(ws.r)
    const rid = ws.r.find((r: any) => r.candidates.length)!.candidates[0].person.resident_id
    expect(t.audit.forResident(rid).some(e => e.client === 'raw' && e.via === 'http')).toBe(true)
  })

  it('records every disclosure made through a worker in the audit log before sending it', async () => {
    const c = await connect(t.url, t.tokens.raw)
    const m = await c.ask({ t: 'match', q: queries.slice(100, 130) })
    const shown = m.r.flatMap((r: any) => r.candidates.map((x: any) => x.person.resident_id))
    expect(shown.length).toBeGreaterThan(0)
    for (const rid of shown) expect(t.audit.forResident(rid).some(e => e.client === 'raw' && e.via === 'ws')).toBe(true)
    c.close()
  })

  it('reload and delta under a concurrent stream: every query answered, none failed, versions swap mid-stream', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const ref = await c.ask({ t: 'match', q: queries })
    const inputError = new Set(ref.r.filter((x: any) => x.grade === 'error').map((x: any) => x.qid))
    c.received.length = 0
    const pump = pumpQueries(c, queries)
    const admin = (path: string, body?: unknown) => adminPost(t, path, body)
    const v0 = host.engine.version
    const first = pool()
    expect((await admin('/admin/reload')).status).toBe(200)
    const d = await admin('/admin/delta', { path: join(dir, 'd.csv') })
    expect(d.status).toBe(200)
    const v2 = host.engine.version
    expect(v2).not.toBe(v0)
    expect(pool()).not.toBe(first)
    expect(pool().threads).toHaveLength(2)
    await new Promise(r => setTimeout(r, 200))
    const { results, sent } = await pump.stop()
    expect(results).toHaveLength(sent)
    results.forEach((r: any, i: number) => expect(r.qid).toBe(queries[i % queries.length].qid))
    expect(results.filter((r: any) => r.grade === 'error' && !inputError.has(r.qid))).toEqual([])
    const versions = new Set(results.map((r: any) => r.snapshot))
    expect(versions.has(v0)).toBe(true)
    expect(versions.has(v2)).toBe(true)
    // the retired version's workers have exited
    await new Promise(r => setTimeout(r, 300))
    expect(first.threads).toHaveLength(0)
    c.close()
  })

  it('a worker terminated mid-stream: every query answered once (WORKER_FAILED for its own), a replacement serves the rest', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const ref = await c.ask({ t: 'match', q: queries })
    c.received.length = 0
    const per = 32, frames = 40
    for (let f = 0; f < frames; f++) c.send({ t: 'match', q: Array.from({ length: per }, (_, i) => ({ ...queries[(f * per + i) % queries.length], qid: `${f}:${i}` })) })
    const victim = pool().threads[0]
    await victim.terminate()
    await c.waitFor(frames, 30_000)
    const results = c.received.flatMap((m: any) => m.r)
    expect(results).toHaveLength(frames * per)
    results.forEach((r: any, i: number) => expect(r.qid).toBe(`${Math.floor(i / per)}:${i % per}`))
    // an error is either the query's own input error (as in the reference run) or WORKER_FAILED
    results.forEach((r: any, i: number) => {
      const expected = ref.r[(Math.floor(i / per) * per + i % per) % queries.length]
      if (r.error?.code !== 'WORKER_FAILED') expect(r.error?.code).toBe(expected.error?.code)
    })
    // a replacement comes up and answers
    for (let i = 0; i < 100 && pool().readyWorkers < 2; i++) await new Promise(r => setTimeout(r, 100))
    expect(pool().readyWorkers).toBe(2)
    const after = await c.ask({ t: 'match', q: queries.slice(0, 64) })
    expect(after.r.filter((r: any) => r.error?.code === 'WORKER_FAILED')).toEqual([])
    expect(after.r.filter((r: any) => r.grade === 'confirmed').length).toBeGreaterThan(0)
    c.close()
  })
})
