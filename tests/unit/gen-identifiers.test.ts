import { describe, expect, it } from 'vitest'
import { checkDigit, IdFactory, isValidMyNumber, isValidResidentId } from '../../data/gen/identifiers.js'
import { AliasTable, Permutation, Rng } from '../../data/gen/rng.js'

describe('identifiers', () => {
  it('computes the statutory my_number check digit', () => {
    // Worked example: weights 2..7 then 2..6 from the right, 11 − (sum mod 11).
    expect(checkDigit('12345678901')).toBe(8)
    expect(isValidMyNumber('123456789018')).toBe(true)
    expect(isValidMyNumber('123456789017')).toBe(false)
    expect(isValidMyNumber('12345678901')).toBe(false)
  })

  it('gives 0 when the remainder is 0 or 1', () => {
    for (let i = 0; i < 2000; i++) {
      const body = String(10_000_000_000 + i * 7919)
      let sum = 0
      for (let n = 1; n <= 11; n++) sum += Number(body[11 - n]) * (n <= 6 ? n + 1 : n - 5)
      if (sum % 11 <= 1) expect(checkDigit(body)).toBe(0)
      else expect(checkDigit(body)).toBe(11 - (sum % 11))
    }
  })

  it('permutation is a bijection of its domain', () => {
    const p = new Permutation(1000, 'k')
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) seen.add(p.apply(i))
    expect(seen.size).toBe(1000)
    expect(Math.max(...seen)).toBe(999)
  })

  it('ids are unique, valid, and not sequential-looking', () => {
    const ids = new IdFactory('t')
    const rs = new Set<string>(), ms = new Set<string>()
    for (let i = 0; i < 20000; i++) {
      const r = ids.residentId(i), m = ids.myNumber(i)
      expect(isValidResidentId(r)).toBe(true)
      expect(isValidMyNumber(m)).toBe(true)
      rs.add(r); ms.add(m)
    }
    expect(rs.size).toBe(20000)
    expect(ms.size).toBe(20000)
    const a = Number(ids.residentId(0).slice(0, 10)), b = Number(ids.residentId(1).slice(0, 10))
    expect(Math.abs(a - b)).toBeGreaterThan(1000)
  })
})

describe('rng', () => {
  it('is deterministic by seed and stream', () => {
    const a = new Rng(1, 's'), b = new Rng(1, 's'), c = new Rng(2, 's')
    const xa = Array.from({ length: 10 }, () => a.u32())
    expect(Array.from({ length: 10 }, () => b.u32())).toEqual(xa)
    expect(Array.from({ length: 10 }, () => c.u32())).not.toEqual(xa)
  })

  it('alias table draws in proportion to weights', () => {
    const t = new AliasTable([1, 3, 6]), r = new Rng(3)
    const n = [0, 0, 0]
    for (let i = 0; i < 60000; i++) n[t.draw(r)]!++
    expect(n[0]! / 60000).toBeCloseTo(0.1, 1)
    expect(n[2]! / 60000).toBeCloseTo(0.6, 1)
  })
})
