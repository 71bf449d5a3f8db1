// Match row format (ARCHITECTURE §3): encode/decode round trip, tombstones, header layout.
import { expect, it } from 'vitest'
import fc from 'fast-check'
import { HEADER_BYTES, decodeMatchRow, encodeMatchRow, isDeleted, residentIdOf, tombstone, type MatchRow } from '../../src/store/match-row.js'

const field = fc.record({
  id: fc.integer({ min: 0, max: 11 }),
  status: fc.integer({ min: -128, max: 0 }),
  slots: fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 6 }),
  ints: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 3 }),
})
const row = fc.record({
  flags: fc.constant(0),
  status: fc.integer({ min: 0, max: 3 }),
  residentId: fc.stringMatching(/^[0-9]{11}$/),
  fields: fc.array(field, { maxLength: 12 }),
})

it('decode(encode(row)) is row, for any fields (UTF-16 units, surrogates and IVS included)', () => {
  fc.assert(fc.property(row, (r: MatchRow) => {
    const bytes = encodeMatchRow(r)
    expect(decodeMatchRow(bytes)).toEqual(r)
    expect(residentIdOf(bytes)).toBe(r.residentId)
  }))
})

it('lays the header out as ARCHITECTURE §3 says', () => {
  const bytes = encodeMatchRow({ flags: 0, status: 2, residentId: '00000000042', fields: [{ id: 3, status: 0, slots: [], ints: [2] }, { id: 0, status: -4, slots: ['髙'], ints: [] }] })
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  expect([bytes[0], bytes[1], bytes[2], bytes[3]]).toEqual([1, 0, 2, 2])
  expect(dv.getFloat64(4, true)).toBe(42)
  expect([bytes[12], dv.getInt8(13), bytes[14], bytes[15], dv.getInt32(16, true)]).toEqual([3, 0, 0, 1, 2])
  expect([bytes[20], dv.getInt8(21), bytes[22], bytes[23], dv.getUint16(24, true), dv.getUint16(26, true)]).toEqual([0, -4, 1, 0, 1, 0x9ad9])
  expect(bytes.length).toBe(28)
})

it('a tombstone keeps the id, drops the fields and is marked deleted', () => {
  const bytes = encodeMatchRow({ flags: 0, status: 0, residentId: '12345678901', fields: [{ id: 0, status: 0, slots: ['山田太郎', '山田太郎'], ints: [2, 2] }] })
  const t = tombstone(bytes)
  expect(isDeleted(bytes)).toBe(false)
  expect(isDeleted(t)).toBe(true)
  expect(t.length).toBe(HEADER_BYTES)
  expect(decodeMatchRow(t)).toEqual({ flags: 1, status: 0, residentId: '12345678901', fields: [] })
})
