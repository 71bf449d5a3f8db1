// The result path's shortcuts must give exactly what the plain code gave: resident ids as text,
// agreements and levels shared per level code, the gate's name rule.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ridText } from '../../src/engine/engine.js'
import { agreementOf, agreementOfCode, decodeLevels, levelsOf, passesGate, Q_ADDRESS, Q_DATE, Q_NAME, Q_SEX } from '../../src/engine/grade.js'

const plain = (v: number) => (v >= 1e10 ? String(v) : String(v).padStart(11, '0'))

describe('ridText', () => {
  it('is the 11-digit zero-padded id', () => {
    expect(ridText(20000000001)).toBe('20000000001')
    expect(ridText(1)).toBe('00000000001')
    expect(ridText(0)).toBe('00000000000')
    expect(ridText(99999999999)).toBe('99999999999')
    expect(ridText(1000000000)).toBe('01000000000')
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (v) => ridText(v) === plain(v)), { numRuns: 20000 })
  })
  it('falls back to plain text outside 11 digits', () => {
    expect(ridText(123456789012)).toBe('123456789012')
    expect(ridText(1.5)).toBe(plain(1.5))
  })
})

describe('shared levels and agreements', () => {
  it('equal the freshly decoded ones for every level code', () => {
    for (let name = 0; name <= 8; name++) for (let kana = 0; kana <= 8; kana++) for (let birth = 0; birth <= 3; birth++)
      for (let sex = 0; sex <= 2; sex++) for (let address = 0; address <= 6; address++) for (let id = 0; id <= 2; id++) {
        const code = name | (kana << 4) | (birth << 8) | (sex << 10) | (address << 12) | (id << 16)
        expect(levelsOf(code)).toEqual(decodeLevels(code))
        expect(agreementOfCode(code)).toEqual(agreementOf(decodeLevels(code)))
      }
  })
  it('are frozen and reused', () => {
    const code = 0 | (2 << 4) | (0 << 8) | (0 << 10) | (1 << 12)
    expect(agreementOfCode(code)).toBe(agreementOfCode(code | (1 << 16)))
    expect(Object.isFrozen(agreementOfCode(code))).toBe(true)
    expect(levelsOf(code)).toBe(levelsOf(code))
    expect(() => { (agreementOfCode(code) as { name: string }).name = 'differ' }).toThrow()
  })
  it('the gate takes names exact, variant, kana and alt only', () => {
    const all4 = Q_NAME | Q_DATE | Q_SEX | Q_ADDRESS
    const ok = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((name) => passesGate(all4, { name, kana: 8, birth: 0, sex: 0, address: 0, id: 2 }))
    expect(ok).toEqual([true, true, true, true, false, false, false, false, false])
  })
})
