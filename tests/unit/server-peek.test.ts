// peekMatch (src/server/protocol.ts) admits a frame without decoding it: it must never say
// "a match frame of n queries" unless msgpackr decodes the bytes to exactly that.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Packr, Unpackr } from 'msgpackr'
import { encode } from '@msgpack/msgpack'
import { peekMatch } from '../../src/server/protocol.js'

const packr = new Packr({ useRecords: false }), unpackr = new Unpackr({ useRecords: false })

function truth(bytes: Uint8Array): number | undefined {
  let m: unknown
  try { m = unpackr.unpack(bytes) } catch { return undefined }
  if (!m || typeof m !== 'object' || Array.isArray(m) || m instanceof Uint8Array || m instanceof Map) return undefined
  const o = m as Record<string, unknown>
  return o.t === 'match' && Array.isArray(o.q) ? o.q.length : undefined
}

const value = fc.letrec(tie => ({
  v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('v'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 5 })),
})).v

describe('peekMatch', () => {
  it('counts the queries of match frames from both msgpack libraries, big ones included', () => {
    const q = Array.from({ length: 300 }, (_, i) => ({ qid: i, name: '山田 太郎', birth_date: 'S45.3.2', sex: 1, limit: 3 }))
    expect(peekMatch(packr.pack({ t: 'match', q }))).toBe(300)
    expect(peekMatch(encode({ q: q.slice(0, 5), t: 'match', extra: { a: [1, 2.5, null] } }))).toBe(5)
    expect(peekMatch(packr.pack({ t: 'match', q: [] }))).toBe(0)
    expect(peekMatch(packr.pack({ t: 'subscribe', ids: [] }))).toBeUndefined()
    expect(peekMatch(packr.pack({ t: 'match', q: 'x' }))).toBeUndefined()
    expect(peekMatch(packr.pack([{ t: 'match', q: [] }]))).toBeUndefined()
    const ok = packr.pack({ t: 'match', q: [{ name: 'a' }] })
    expect(peekMatch(ok.subarray(0, ok.length - 1))).toBeUndefined()
    expect(peekMatch(Buffer.concat([ok, Buffer.from([0])]))).toBeUndefined()
  })

  it('agrees with msgpackr on arbitrary maps, and never claims a frame msgpackr reads otherwise', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('t', 'q', 'x', 'qq'), value, { maxKeys: 4 }), fc.boolean(), fc.boolean(), (o, setT, setQ) => {
      if (setT) o.t = 'match'
      if (setQ && !Array.isArray(o.q)) o.q = [o.q]
      const bytes = packr.pack(o)
      const p = peekMatch(bytes)
      expect(p === undefined || p === truth(bytes)).toBe(true)
      // binary and undefined are packed as extensions by msgpackr: peekMatch declines those
      if (!containsSpecial(o)) expect(p).toBe(truth(bytes))
    }), { numRuns: 500 })
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), bytes => {
      const p = peekMatch(bytes)
      if (p !== undefined) expect(truth(bytes)).toBe(p)
    }), { numRuns: 2000 })
  })
})

function containsSpecial(v: unknown): boolean {
  if (v instanceof Uint8Array || v === undefined) return true
  if (Array.isArray(v)) return v.some(containsSpecial)
  if (v && typeof v === 'object') return Object.values(v).some(containsSpecial)
  return false
}
