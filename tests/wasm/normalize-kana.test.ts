// Kana goldens and meet/apart pairs, run against both the WASM core and the TS reference.
import { describe, expect, it } from 'vitest'
import { table } from './golden-tables.js'
import { WasmNormalizer, type KanaResult, type Normalized } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'

const wasm = WasmNormalizer.create()
const impls: Array<[string, (values: string[]) => Normalized[]]> = [
  ['wasm', (v) => wasm.normalize('kana', v)],
  ['reference', (v) => reference.normalize('kana', v)],
]
const LEVELS = ['strict', 'loose', 'looser'] as const

const golden = table('../golden/kana.tsv')
const meet = table('../cases/kana-meet.tsv')
const apart = table('../cases/kana-apart.tsv')

it('has the hand-checked cases', () => {
  expect(golden.length).toBeGreaterThanOrEqual(150)
  expect(meet.length + apart.length).toBeGreaterThanOrEqual(60)
})

for (const [name, run] of impls) describe(name, () => {
  const got = run(golden.map((r) => r[0]!))
  it.each(golden.map((r, i) => [i + 1, r, got[i]] as const))('golden %i', (_, row, out) => {
    const [, strict, loose, looser, split] = row
    if (strict!.startsWith('!')) {
      expect(out).toEqual({ error: { code: strict!.slice(1), message: expect.any(String) } })
      return
    }
    expect(out).toEqual({ strict, loose, looser, split: (split ?? '-1,-1,-1').split(',').map(Number) })
  })

  const keysA = run(meet.map((r) => r[1]!)) as KanaResult[], keysB = run(meet.map((r) => r[2]!)) as KanaResult[]
  it.each(meet.map((r, i) => [r[0]!, r[1]!, r[2]!, i] as const))('%s: %s meets %s', (level, _a, _b, i) => {
    const from = LEVELS.indexOf(level as typeof LEVELS[number])
    expect(from).toBeGreaterThanOrEqual(0)
    for (const l of LEVELS.slice(from)) expect(keysA[i]![l]).toBe(keysB[i]![l])
  })

  const apartA = run(apart.map((r) => r[1]!)) as KanaResult[], apartB = run(apart.map((r) => r[2]!)) as KanaResult[]
  it.each(apart.map((r, i) => [r[0]!, r[1]!, r[2]!, i] as const))('%s: %s stays apart from %s', (level, _a, _b, i) => {
    const to = LEVELS.indexOf(level as typeof LEVELS[number])
    expect(to).toBeGreaterThanOrEqual(0)
    for (const l of LEVELS.slice(0, to + 1)) expect(apartA[i]![l]).not.toBe(apartB[i]![l])
  })
})
