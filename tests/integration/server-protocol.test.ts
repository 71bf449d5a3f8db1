// The streaming protocol (SPEC §4) over a real uWS server on 127.0.0.1, spoken by an interop
// client (ws + @msgpack/msgpack). The matcher is the in-test stand-in; everything else is real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode, decode } from '@msgpack/msgpack'
import { pseudonymReference } from '../../src/server/pseudonym.js'
import { StandinHost, residents } from './server-standin.js'
import { InteropClient, connect, startTestServer, type TestServer } from './server-helpers.js'

const rows = residents(200)
const host = new StandinHost(rows)
let t: TestServer

beforeAll(async () => {
  t = await startTestServer(host, { basic: 'basic', raw: 'all,raw', tiny: 'none' }, { max_queries_per_frame: 100, max_payload_bytes: 64 * 1024, max_in_flight: 150 })
})
afterAll(async () => { await t.close() })

const key = (name: string) => Buffer.from(t.config.clients[name].pseudonym_key, 'hex')
const byId = (i: number) => ({ qid: `q${i}`, resident_id: rows[i].resident_id })

describe('WebSocket protocol', () => {
  it('authenticates at upgrade and answers a batch in order, one result per query, with per-client pseudonyms and scoped persons', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const qs = [byId(3), { qid: 7, resident_id: '99999999999' }, byId(5), { name: rows[8].name, birth_date: rows[8].birth_date }]
    const m = await c.ask({ t: 'match', q: qs })
    expect(m.t).toBe('result')
    expect(m.r.map((r: any) => r.qid)).toEqual(['q3', 7, 'q5', undefined])
    expect(m.r.map((r: any) => r.grade)).toEqual(['confirmed', 'none', 'confirmed', 'ambiguous'])
    const cand = m.r[0].candidates[0]
    expect(cand.id).toBe(pseudonymReference(key('basic'), rows[3].resident_id))
    expect(Object.keys(cand.person).sort()).toEqual(['address', 'birth_date', 'name', 'name_kana', 'sex', 'status'])
    expect(JSON.stringify(m)).not.toContain(rows[3].resident_id)
    expect(m.r[0].snapshot).toBe(host.engine.version)
    expect(m.r[3].candidates.length).toBe(3) // default limit
    c.close()
  })

  it('gives different ids to different clients and raw ids only to raw-scoped clients', async () => {
    const a = await connect(t.url, t.tokens.basic), b = await connect(t.url, t.tokens.raw), n = await connect(t.url, t.tokens.tiny)
    const [ra, rb, rn] = await Promise.all([a, b, n].map(c => c.ask({ t: 'match', q: [byId(4)] })))
    expect(ra.r[0].candidates[0].id).not.toBe(rb.r[0].candidates[0].id)
    expect(rb.r[0].candidates[0].person.resident_id).toBe(rows[4].resident_id)
    expect(rb.r[0].candidates[0].person.my_number).toBe(rows[4].my_number)
    expect(rb.r[0].candidates[0].person.household_id).toBe(rows[4].household_id)
    expect(ra.r[0].candidates[0].person.resident_id).toBeUndefined()
    expect(ra.r[0].candidates[0].person.my_number).toBeUndefined()
    expect(rn.r[0].candidates[0].person).toEqual({ status: 'resident' })
    for (const c of [a, b, n]) c.close()
  })

  it('accepts {t:"auth"} as the first frame instead of the header', async () => {
    const c = await connect(t.url)
    expect((await c.ask({ t: 'auth', token: t.tokens.basic })).t).toBe('auth')
    expect((await c.ask({ t: 'match', q: [byId(1)] })).r[0].grade).toBe('confirmed')
    c.close()
  })

  it('serves nothing before auth: an error, then a close', async () => {
    const c = await connect(t.url)
    c.send({ t: 'match', q: [byId(1)] })
    expect(await c.closed).toBe(1008)
    expect(c.received).toEqual([expect.objectContaining({ t: 'error', code: 'UNAUTHENTICATED' })])

    const d = await connect(t.url)
    d.send({ t: 'auth', token: 'nyz_wrong' })
    expect(await d.closed).toBe(1008)
    expect(d.received).toEqual([expect.objectContaining({ t: 'error', code: 'UNAUTHENTICATED' })])
  })

  it('refuses a bad bearer token at upgrade with 401', async () => {
    const c = new InteropClient(t.url, 'nyz_not-a-token')
    const status = await new Promise<number>(resolve => c.ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!)))
    expect(status).toBe(401)
  })

  it('answers a bad query alone: wrong types, unknown fields, non-maps and engine errors fail without their neighbours', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const qs = [byId(1), { qid: 'a', name: 5 }, { qid: 'b', shoe_size: '27' }, 'not a map', { qid: 'c', birth_date: 'S45.3.2x' }, { qid: 'd', limit: 0, resident_id: rows[2].resident_id }, byId(2), { qid: { x: 1 } }]
    const m = await c.ask({ t: 'match', q: qs })
    expect(m.r).toHaveLength(qs.length)
    expect(m.r.map((r: any) => r.grade)).toEqual(['confirmed', 'error', 'error', 'error', 'error', 'error', 'confirmed', 'error'])
    expect(m.r.map((r: any) => r.error?.code)).toEqual([undefined, 'BAD_TYPE', 'BAD_FIELD', 'BAD_QUERY', 'BAD_DATE', 'BAD_TYPE', undefined, 'BAD_TYPE'])
    expect(m.r.map((r: any) => r.qid)).toEqual(['q1', 'a', 'b', undefined, 'c', 'd', 'q2', undefined])
    c.close()
  })

  it('answers INTERNAL only for the query the engine throws on, and keeps serving', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const m = await c.ask({ t: 'match', q: [byId(3), { qid: 1, name: 'THROW', birth_date: '2000-01-01' }, byId(4)] })
    expect(m.r.map((r: any) => r.grade)).toEqual(['confirmed', 'error', 'confirmed'])
    expect(m.r[1].error.code).toBe('INTERNAL')
    expect((await c.ask({ t: 'match', q: [byId(1)] })).r[0].grade).toBe('confirmed')
    c.close()
  })

  it('answers unknown message types, wrong shapes, text frames and bad msgpack with an error and keeps the connection', async () => {
    const c = await connect(t.url, t.tokens.basic)
    expect(await c.ask({ t: 'hello' })).toMatchObject({ t: 'error', code: 'UNKNOWN_TYPE' })
    expect(await c.ask({ t: 'match', q: 'x' })).toMatchObject({ t: 'error', code: 'BAD_MESSAGE' })
    expect(await c.ask([1, 2, 3])).toMatchObject({ t: 'error', code: 'BAD_MESSAGE' })
    let n = c.received.length
    c.sendRaw(Buffer.from([0x82, 0xa1, 0x74]))
    await c.waitFor(n + 1)
    expect(c.received[n]).toMatchObject({ t: 'error', code: 'BAD_MSGPACK' })
    n = c.received.length
    c.sendRaw('{"t":"match"}')
    await c.waitFor(n + 1)
    expect(c.received[n]).toMatchObject({ t: 'error', code: 'TEXT_FRAME' })
    expect((await c.ask({ t: 'match', q: [byId(1)] })).r[0].grade).toBe('confirmed')
    c.close()
  })

  it('random bytes never crash the server, always get an error answer, and never cost another client its answers', async () => {
    const victim = await connect(t.url, t.tokens.basic)
    const fuzz = await connect(t.url, t.tokens.basic)
    let expected = 0
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async bytes => {
      let isValid = true
      try { const v = decode(bytes) as any; isValid = v && typeof v === 'object' && v.t === 'match' && Array.isArray(v.q) } catch { isValid = false }
      fc.pre(!isValid)
      fuzz.sendRaw(bytes)
      expected++
      victim.send({ t: 'match', q: [byId(expected % 100)] })
    }), { numRuns: 150 })
    await fuzz.waitFor(expected)
    await victim.waitFor(expected)
    expect(fuzz.received).toHaveLength(expected)
    for (const m of fuzz.received) expect(m).toMatchObject({ t: expect.stringMatching(/^(error|result|subscribed|unsubscribed)$/) })
    expect(victim.received.every((m: any) => m.t === 'result' && m.r[0].grade === 'confirmed')).toBe(true)
    expect(fuzz.closeCode).toBeUndefined()
    fuzz.close(); victim.close()
  })

  it('answers TOO_LARGE to a frame over max_payload_bytes, closes past 4× that; others are unaffected', async () => {
    const other = await connect(t.url, t.tokens.basic)
    const big = await connect(t.url, t.tokens.basic)
    expect(await big.ask({ t: 'match', q: [{ qid: 1, name: 'x'.repeat(70 * 1024) }] })).toMatchObject({ t: 'error', code: 'TOO_LARGE' })
    expect((await big.ask({ t: 'match', q: [byId(1)] })).r[0].grade).toBe('confirmed')
    big.send({ t: 'match', q: [{ qid: 1, name: 'x'.repeat(300 * 1024) }] })
    expect([1006, 1009]).toContain(await big.closed)
    expect((await other.ask({ t: 'match', q: [byId(1)] })).r[0].grade).toBe('confirmed')
    other.close()
  })

  it('answers BUSY for queries past max_queries_per_frame, never dropping one', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const qs = Array.from({ length: 130 }, (_, i) => byId(i % 200))
    const m = await c.ask({ t: 'match', q: qs })
    expect(m.r).toHaveLength(130)
    expect(m.r.slice(0, 100).every((r: any) => r.grade === 'confirmed')).toBe(true)
    expect(m.r.slice(100).every((r: any) => r.error?.code === 'BUSY')).toBe(true)
    expect(m.r.map((r: any) => r.qid)).toEqual(qs.map(q => q.qid))
    c.close()
  })

  it('answers BUSY past max_in_flight when frames pile up, and every query gets exactly one answer in order', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const frames = 20
    for (let f = 0; f < frames; f++) c.send({ t: 'match', q: Array.from({ length: 50 }, (_, i) => ({ qid: f * 50 + i, resident_id: rows[i].resident_id })) })
    const got = await c.waitFor(frames)
    const all = got.flatMap((m: any) => m.r)
    expect(all.map((r: any) => r.qid)).toEqual(Array.from({ length: frames * 50 }, (_, i) => i))
    expect(all.every((r: any) => r.grade === 'confirmed' || r.error?.code === 'BUSY')).toBe(true)
    c.close()
  })

  it('subscribe: pushes changes for ids the client was given, rejects others, and records the push in the audit log', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const m = await c.ask({ t: 'match', q: [byId(10)] })
    const id = m.r[0].candidates[0].id
    const s = await c.ask({ t: 'subscribe', ids: [id, 'AAAAAAAAAAAAAAAAAAAAAA', rows[11].resident_id, 42] })
    expect(s).toMatchObject({ t: 'subscribed', ids: [id] })
    expect(s.errors.map((e: any) => e.code)).toEqual(['UNKNOWN_ID', 'UNKNOWN_ID', 'BAD_TYPE'])
    const file = join(t.dir, 'delta.csv')
    writeFileSync(file, `resident_id,op,status,address\n${rows[10].resident_id},update,deceased,東京都\n${rows[12].resident_id},update,moved_out,大阪府\n`)
    const n = c.received.length
    const res = await fetch(`${t.http}/admin/delta`, { method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ path: file }) })
    expect(res.status).toBe(200)
    await c.waitFor(n + 1)
    const ch = c.received[n] as any
    expect(ch).toMatchObject({ t: 'change', id, kind: 'deceased', snapshot: host.engine.version })
    expect(ch.person.status).toBe('deceased')
    expect(ch.person.resident_id).toBeUndefined()
    const entries = t.audit.forResident(rows[10].resident_id)
    expect(entries.some(e => e.via === 'change' && e.client === 'basic')).toBe(true)
    c.close()
  })

  it('raw-scoped clients may subscribe by resident_id', async () => {
    const c = await connect(t.url, t.tokens.raw)
    const s = await c.ask({ t: 'subscribe', ids: [rows[20].resident_id] })
    expect(s).toMatchObject({ t: 'subscribed', ids: [rows[20].resident_id], errors: [] })
    const u = await c.ask({ t: 'unsubscribe', ids: [rows[20].resident_id] })
    expect(u).toMatchObject({ t: 'unsubscribed', ids: [rows[20].resident_id] })
    c.close()
  })
})

describe('audit', () => {
  it('records every disclosure (client, qid, pseudonym, fields) before the result arrives', async () => {
    const c = await connect(t.url, t.tokens.basic)
    const rid = rows[150].resident_id
    const m = await c.ask({ t: 'match', q: [{ qid: 'audit-1', resident_id: rid }] })
    const entries = t.audit.forResident(rid)
    expect(entries).toContainEqual(expect.objectContaining({ client: 'basic', qid: 'audit-1', id: m.r[0].candidates[0].id, via: 'ws', fields: ['status', 'name', 'name_kana', 'birth_date', 'sex', 'address'] }))
    c.close()
  })
})

describe('HTTP', () => {
  it('GET /health reports snapshot, uptime and uws native', async () => {
    const h = await (await fetch(`${t.http}/health`)).json()
    expect(h).toMatchObject({ status: 'ok', snapshot: host.engine.version, uws: 'native' })
    expect(typeof h.uptime_s).toBe('number')
  })

  it('GET /metrics is Prometheus text with queries by grade, latency, connections and snapshot', async () => {
    const text = await (await fetch(`${t.http}/metrics`)).text()
    expect(text).toMatch(/nayose_queries_total\{grade="confirmed",transport="ws"\} \d+/)
    expect(text).toContain('nayose_frame_latency_seconds_bucket')
    expect(text).toContain('nayose_connections')
    expect(text).toContain(`nayose_snapshot_info{version="${host.engine.version}"} 1`)
  })

  it('POST /match takes JSON or msgpack with a bearer token and answers in kind', async () => {
    const body = { q: [byId(30), { qid: 'x', sex: [] }] }
    const j = await fetch(`${t.http}/match`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.basic}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(j.status).toBe(200)
    const jr = await j.json()
    expect(jr.r.map((r: any) => r.grade)).toEqual(['confirmed', 'error'])
    const m = await fetch(`${t.http}/match`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.basic}`, 'content-type': 'application/msgpack' }, body: encode({ t: 'match', ...body }) })
    expect(m.headers.get('content-type')).toBe('application/msgpack')
    const mr = decode(new Uint8Array(await m.arrayBuffer())) as any
    expect(mr.r[0].candidates[0].id).toBe(jr.r[0].candidates[0].id)
    const no = await fetch(`${t.http}/match`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(no.status).toBe(401)
    const big = await fetch(`${t.http}/match`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.basic}`, 'content-type': 'application/json' }, body: 'x'.repeat(70 * 1024) })
    expect(big.status).toBe(413)
  })

  it('admin routes need the admin token; reload swaps the version; audit lists disclosures', async () => {
    expect((await fetch(`${t.http}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${t.tokens.raw}` } })).status).toBe(401)
    const before = host.engine.version
    const r = await fetch(`${t.http}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${t.admin}` } })
    expect(await r.json()).toEqual({ from: before, to: host.engine.version })
    const rid = rows[30].resident_id
    const a = await (await fetch(`${t.http}/admin/audit/${rid}`, { headers: { authorization: `Bearer ${t.admin}` } })).json()
    expect(a.resident_id).toBe(rid)
    expect(a.entries.some((e: any) => e.via === 'http' && e.client === 'basic')).toBe(true)
    expect((await fetch(`${t.http}/admin/audit/${rid}`)).status).toBe(401)
  })

  it('POST /admin/delta accepts the CSV itself as text/csv', async () => {
    const csv = `resident_id,op,status,address\n${rows[40].resident_id},update,moved_out,北海道\n`
    const r = await fetch(`${t.http}/admin/delta`, { method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'text/csv' }, body: csv })
    expect(r.status).toBe(200)
    expect(await r.json()).toMatchObject({ applied: 1, version: host.engine.version })
    expect(host.engine.person(rows[40].resident_id)?.status).toBe('moved_out')
  })

  it('a malformed resident id in the audit route is a 400, not a crash', async () => {
    const r = await fetch(`${t.http}/admin/audit/%E0%A4%A`, { headers: { authorization: `Bearer ${t.admin}` } })
    expect(r.status).toBe(400)
    expect((await r.json()).code).toBe('BAD_RESIDENT_ID')
    expect((await fetch(`${t.http}/health`)).status).toBe(200)
  })

  it('unknown routes are 404', async () => {
    expect((await fetch(`${t.http}/nope`)).status).toBe(404)
  })
})
