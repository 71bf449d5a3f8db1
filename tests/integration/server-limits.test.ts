// Limits that protect the server and other clients: slow readers, rate limits, graceful shutdown.
import { describe, expect, it } from 'vitest'
import { addClient } from '../../src/server/config.js'
import { StandinHost, residents } from './server-standin.js'
import { connect, startTestServer } from './server-helpers.js'

const rows = residents(100)
const byId = (i: number) => ({ qid: i, resident_id: rows[i % 100].resident_id })

describe('limits', () => {
  it('closes a reader that stops reading (1008) instead of buffering without bound; others keep their answers', async () => {
    const t = await startTestServer(new StandinHost(rows), { basic: 'all' }, { max_buffered_bytes: 32 * 1024, max_queued_bytes: 128 * 1024, max_in_flight: 100_000, max_queries_per_frame: 1000 })
    try {
      const slow = await connect(t.url, t.tokens.basic)
      const other = await connect(t.url, t.tokens.basic)
      ;(slow.ws as any)._socket.pause() // stop reading: the kernel buffers fill, then the server's
      for (let f = 0; f < 200; f++) slow.send({ t: 'match', q: Array.from({ length: 500 }, (_, i) => byId(i)) })
      const r = await other.ask({ t: 'match', q: [byId(1)] })
      expect(r.r[0].grade).toBe('confirmed')
      await new Promise(res => setTimeout(res, 500))
      ;(slow.ws as any)._socket.resume()
      expect(await slow.closed).toBe(1008)
      expect(slow.received.length).toBeLessThan(200)
      expect((await other.ask({ t: 'match', q: [byId(2)] })).r[0].grade).toBe('confirmed')
      other.close()
    } finally { await t.close() }
  })

  it('closes a connection that does not authenticate within auth_timeout_s, with UNAUTHENTICATED', async () => {
    const t = await startTestServer(new StandinHost(rows), { basic: 'basic' }, { auth_timeout_s: 1 })
    try {
      const c = await connect(t.url)
      expect(await c.closed).toBe(1008)
      expect(c.received).toEqual([expect.objectContaining({ t: 'error', code: 'UNAUTHENTICATED' })])
    } finally { await t.close() }
  })

  it('answers RATE_LIMITED past a client rate limit, with the qid, in order', async () => {
    const host = new StandinHost(rows)
    const t = await startTestServer(host, { basic: 'basic' })
    try {
      const token = addClient(t.config, 'limited', 'basic', 50)
      t.server.updateConfig(t.config)
      const c = await connect(t.url, token)
      const m = await c.ask({ t: 'match', q: Array.from({ length: 80 }, (_, i) => byId(i)) })
      expect(m.r).toHaveLength(80)
      expect(m.r.slice(0, 50).every((r: any) => r.grade === 'confirmed')).toBe(true)
      expect(m.r.slice(50).every((r: any) => r.error.code === 'RATE_LIMITED')).toBe(true)
      expect(m.r.map((r: any) => r.qid)).toEqual(Array.from({ length: 80 }, (_, i) => i))
      c.close()
    } finally { await t.close() }
  })

  it('closes the connections of a client revoked while connected', async () => {
    const t = await startTestServer(new StandinHost(rows), { a: 'basic', b: 'basic' })
    try {
      const a = await connect(t.url, t.tokens.a), b = await connect(t.url, t.tokens.b)
      t.config.clients.a.revoked_at = new Date().toISOString()
      t.server.updateConfig(t.config)
      expect(await a.closed).toBe(1008)
      expect((await b.ask({ t: 'match', q: [byId(1)] })).r[0].grade).toBe('confirmed')
      const again = await connect(t.url).catch(() => undefined)
      expect((await again!.ask({ t: 'auth', token: t.tokens.a })).code).toBe('UNAUTHENTICATED')
      b.close()
    } finally { await t.close() }
  })

  it('graceful shutdown answers every accepted query before closing with 1001', async () => {
    const t = await startTestServer(new StandinHost(rows), { basic: 'basic' })
    const c = await connect(t.url, t.tokens.basic)
    for (let f = 0; f < 50; f++) c.send({ t: 'match', q: Array.from({ length: 20 }, (_, i) => byId(f * 20 + i)) })
    await c.waitFor(1)
    const stopping = t.close()
    expect(await c.closed).toBe(1001)
    await stopping
    const all = c.received.flatMap((m: any) => m.r)
    expect(all.map((r: any) => r.qid)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(all.every((r: any) => r.grade === 'confirmed' || r.error?.code === 'SHUTTING_DOWN')).toBe(true)
  })
})
