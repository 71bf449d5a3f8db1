// Date goldens, meet/apart pairs and properties, run against both the WASM core (through the batch
// API) and the TS reference; plus a differential test of the two on random strings.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyUnit, table } from './golden-tables.js'
import { WasmNormalizer, errorResult, type Normalized } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'

const REASON: Record<string, number> = { FORMAT: -10, INVALID: -11, ERA: -12, RANGE: -13 }
const wasm = WasmNormalizer.create()
const impls: Array<[string, (values: string[]) => Normalized[]]> = [
  ['wasm', (v) => wasm.normalize('date', v)],
  ['reference', (v) => reference.normalize('date', v)],
]
const golden = table('../golden/date.tsv')
const meet = table('../cases/date-meet.tsv')
const apart = table('../cases/date-apart.tsv')

// Era letter, Gregorian year of 元年 minus one, first day: the official boundaries
const ERAS: Array<[string, string, number, number]> = [
  ['M', '明治', 1867, 18680125], ['T', '大正', 1911, 19120730], ['S', '昭和', 1925, 19261225],
  ['H', '平成', 1988, 19890108], ['R', '令和', 2018, 20190501],
]
const fw = (s: string) => s.replace(/[0-9A-Za-z./-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xFEE0))
const pad = (n: number) => String(n).padStart(2, '0')
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`
/** Every notation of one real day. */
function notations(y: number, m: number, d: number): string[] {
  const v = y * 10000 + m * 100 + d
  let e = ERAS.length - 1
  while (ERAS[e]![3] > v) e--
  const [letter, kanji, base] = ERAS[e]!
  const ey = y - base
  const out = [iso(y, m, d), `${y}${pad(m)}${pad(d)}`, `${y}/${m}/${d}`, `${y}.${m}.${d}`, `${y}年${m}月${d}日`,
    `${kanji}${ey === 1 ? '元' : ey}年${m}月${d}日`, `${letter}${ey}.${m}.${d}`, `${letter.toLowerCase()}${pad(ey)}/${pad(m)}/${pad(d)}`,
    `${kanji[0]}${ey}.${m}.${d}`, `${e + 1}${pad(ey)}${pad(m)}${pad(d)}`, fw(`${letter}${ey}.${m}.${d}`), fw(iso(y, m, d)), ` ${y}/${pad(m)}/${pad(d)} 0:00:00`]
  return out
}

it('has the hand-checked cases', () => {
  expect(golden.length).toBeGreaterThanOrEqual(80)
  expect(meet.length + apart.length).toBeGreaterThanOrEqual(30)
})

for (const [name, run] of impls) describe(name, () => {
  const got = run(golden.map((r) => r[0]!))
  it.each(golden.map((r, i) => [i + 1, r[0]!, r[1]!, got[i]] as const))('golden %i: %s → %s', (_, _input, expected, out) => {
    if (expected.startsWith('!')) expect(out).toEqual(errorResult(REASON[expected.slice(1)]!))
    else expect(out).toEqual({ date: expected })
  })

  const a = run(meet.map((r) => r[0]!)), b = run(meet.map((r) => r[1]!))
  it.each(meet.map((r, i) => [r[0]!, r[1]!, i] as const))('%s meets %s', (_x, _y, i) => {
    expect(a[i]).toHaveProperty('date')
    expect(b[i]).toEqual(a[i])
  })
  const c = run(apart.map((r) => r[0]!)), d = run(apart.map((r) => r[1]!))
  it.each(apart.map((r, i) => [r[0]!, r[1]!, i] as const))('%s stays apart from %s', (_x, _y, i) => {
    expect(c[i]).toHaveProperty('date')
    expect(d[i]).not.toEqual(c[i])
  })

  it('reads every notation of any real day from 1868-01-25 to 2099 as that day', () => {
    fc.assert(fc.property(fc.date({ min: new Date(Date.UTC(1868, 0, 25)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }), (t) => {
      const y = t.getUTCFullYear(), m = t.getUTCMonth() + 1, dd = t.getUTCDate()
      const forms = notations(y, m, dd)
      for (const r of run(forms)) expect(r).toEqual({ date: iso(y, m, dd) })
    }), { numRuns: 300 })
  })

  it('never shifts an impossible day', () => {
    fc.assert(fc.property(fc.integer({ min: 1869, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 31 }), (y, m, dd) => {
      const real = new Date(Date.UTC(y, m - 1, dd)).getUTCMonth() === m - 1
      const [r] = run([`${y}/${m}/${dd}`])
      expect(r).toEqual(real ? { date: iso(y, m, dd) } : errorResult(REASON.INVALID!))
    }), { numRuns: 300 })
  })
})

describe('wasm and reference agree', () => {
  const alphabet = fc.constantFrom(...'0123456789０１２３４５６７８９-/.年月日元生 　T:SHRMTshrmt昭和平成令大正明治一二三四五六七八九十〇百千㍼㍻ー−‐・西暦まれX'.split(''))
  it('on strings of date characters', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: alphabet, maxLength: 14 }), { minLength: 1, maxLength: 50 }), (xs) => {
      expect(wasm.normalize('date', xs)).toEqual(reference.normalize('date', xs))
    }), { numRuns: 300 })
  })
  it('on arbitrary Unicode', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: anyUnit, maxLength: 20 }), { minLength: 1, maxLength: 50 }), (xs) => {
      expect(wasm.normalize('date', xs)).toEqual(reference.normalize('date', xs))
    }), { numRuns: 100 })
  })
})
