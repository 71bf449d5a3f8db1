import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import { Pseudonymizer, pseudonymReference, isPseudonym } from '../../src/server/pseudonym.js'

describe('Pseudonymizer', () => {
  it('equals HMAC-SHA-256 (node:crypto) truncated to 16 bytes, for any key length and id', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 100 }), fc.string({ maxLength: 70 }), (key, id) => {
      expect(new Pseudonymizer(key).id(id)).toBe(pseudonymReference(key, id))
    }), { numRuns: 300 })
  })
  it('11-digit resident ids: 22 base64url characters, stable, and different per key', () => {
    const a = new Pseudonymizer(randomBytes(32)), b = new Pseudonymizer(randomBytes(32))
    const id = '12345678901'
    expect(isPseudonym(a.id(id))).toBe(true)
    expect(a.id(id)).toBe(a.id(id))
    expect(a.id(id)).not.toBe(b.id(id))
    expect(a.id('12345678902')).not.toBe(a.id(id))
  })
  it('rejects short keys', () => {
    expect(() => new Pseudonymizer(new Uint8Array(8))).toThrow()
  })
})
