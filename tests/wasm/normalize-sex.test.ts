// Sex goldens against both the WASM core (through the batch API) and the TS reference, and a
// differential test of the two.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyUnit, table } from './golden-tables.js'
import { WasmNormalizer, type Normalized } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'

const wasm = WasmNormalizer.create()
const impls: Array<[string, (values: string[]) => Normalized[]]> = [
  ['wasm', (v) => wasm.normalize('sex', v)],
  ['reference', (v) => reference.normalize('sex', v)],
]
const golden = table('../golden/sex.tsv')

it('has the hand-checked cases', () => expect(golden.length).toBeGreaterThanOrEqual(20))

for (const [name, run] of impls) describe(name, () => {
  const got = run(golden.map((r) => r[0]!))
  it.each(golden.map((r, i) => [i + 1, r[0]!, r[1]!, got[i]] as const))('golden %i: %s → %s', (_, _input, expected, out) => {
    if (expected.startsWith('!')) expect(out).toEqual({ error: { code: expected.slice(1), message: expect.any(String) } })
    else expect(out).toEqual({ sex: Number(expected) })
  })
})

it('wasm and reference agree on short strings', () => {
  const unit = fc.constantFrom(...'12０１２３MFmfＭＦｍｆ男女性 　不明x'.split(''))
  fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit, maxLength: 4 }), fc.string({ unit: anyUnit, maxLength: 4 })), { minLength: 1, maxLength: 40 }), (xs) => {
    expect(wasm.normalize('sex', xs)).toEqual(reference.normalize('sex', xs))
  }), { numRuns: 200 })
})
