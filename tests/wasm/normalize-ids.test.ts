// my_number / resident_id goldens against both the WASM core (through the batch API) and the TS
// reference; the check digit against an independent statement of 施行令 第8条; differential tests.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyUnit, table } from './golden-tables.js'
import { WasmNormalizer, type Field, type Normalized } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'

const wasm = WasmNormalizer.create()
const impls: Array<[string, (field: Field, values: string[]) => Normalized[]]> = [
  ['wasm', (f, v) => wasm.normalize(f, v)],
  ['reference', (f, v) => reference.normalize(f, v)],
]
const golden = table('../golden/ids.tsv')

/** 施行令 第8条 as written: weights 2,3,4,5,6,7,2,3,4,5,6 from the right of the first 11 digits. */
function checkDigit(first11: string): number {
  const w = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]           // left to right
  const r = [...first11].reduce((s, c, i) => s + Number(c) * w[i]!, 0) % 11
  return r <= 1 ? 0 : 11 - r
}

it('has the hand-checked cases', () => expect(golden.length).toBeGreaterThanOrEqual(25))

for (const [name, run] of impls) describe(name, () => {
  it.each(golden.map((r, i) => [i + 1, r[0]!, r[1]!, r[2]!] as const))('golden %i: %s %s → %s', (_, field, input, expected) => {
    const [out] = run(field as Field, [input])
    if (expected.startsWith('!')) expect(out).toEqual({ error: { code: expected.slice(1), message: expect.any(String) } })
    else expect(out).toEqual({ value: expected })
  })

  it('accepts exactly one check digit for any 11 digits', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 11, maxLength: 11 }), (d) => {
      const all = Array.from({ length: 10 }, (_, k) => d + k)
      const out = run('my_number', all)
      const ok = out.map((o, k) => ('value' in o ? k : -1)).filter((k) => k >= 0)
      expect(ok).toEqual([checkDigit(d)])
      for (const o of out) if (!('value' in o)) expect(o).toMatchObject({ error: { code: 'BAD_CHECK_DIGIT' } })
    }), { numRuns: 200 })
  })
})

describe('wasm and reference agree', () => {
  const unit = fc.constantFrom(...'0123456789０１２３４５６７８９ 　-－‐ーx'.split(''))
  for (const field of ['my_number', 'resident_id'] as const) it(field, () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit, maxLength: 18 }), fc.string({ unit: anyUnit, maxLength: 14 })), { minLength: 1, maxLength: 40 }), (xs) => {
      expect(wasm.normalize(field, xs)).toEqual(reference.normalize(field, xs))
    }), { numRuns: 150 })
  })
})
