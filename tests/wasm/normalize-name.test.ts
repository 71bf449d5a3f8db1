// Name goldens, meet/apart pairs and the NFKC differential test, run against both the WASM core
// and the TS reference.
import { describe, expect, it } from 'vitest'
import { table } from './golden-tables.js'
import { WasmNormalizer, type NameResult, type Normalized } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'
import { COMPAT_RANGES } from '../../src/normalize/reference/name.js'

const wasm = WasmNormalizer.create()
const impls: Array<[string, (values: string[]) => Normalized[]]> = [
  ['wasm', (v) => wasm.normalize('name', v)],
  ['reference', (v) => reference.normalize('name', v)],
]
/** True once H3's kanji variant table is compiled in (variants.ts is the identity until then). */
const variantTable = (wasm.normalize('name', ['髙'])[0] as NameResult).key === '高'

const golden = table('../golden/name.tsv')
const meet = table('../cases/name-meet.tsv')
const apart = table('../cases/name-apart.tsv')

it('has the hand-checked cases', () => {
  expect(golden.length).toBeGreaterThanOrEqual(70)
  expect(meet.length + apart.length).toBeGreaterThanOrEqual(50)
})

for (const [name, run] of impls) describe(name, () => {
  const got = run(golden.map((r) => r[0]!))
  it.each(golden.map((r, i) => [i + 1, r, got[i]] as const))('golden %i', (_, row, out) => {
    const [, key, exact, split, exactSplit] = row
    if (key!.startsWith('!')) {
      expect(out).toEqual({ error: { code: key!.slice(1), message: expect.any(String) } })
      return
    }
    const r = out as NameResult
    expect(r.exact).toBe(exact)
    if (key !== '*') expect(r.key).toBe(key)
    const s = Number(split)
    if (key !== '*') {
      expect(r.surname).toBe(s < 0 ? '' : r.key.slice(0, s))
      expect(r.given).toBe(s < 0 ? '' : r.key.slice(s))
    } else {
      expect(r.surname + r.given).toBe(s < 0 ? '' : r.key)
    }
    expect(r.exact.length).toBeGreaterThan(Number(exactSplit))
  })

  const a = run(meet.map((r) => r[1]!)) as NameResult[], b = run(meet.map((r) => r[2]!)) as NameResult[]
  it.each(meet.map((r, i) => [r[0]!, r[1]!, r[2]!, r[3] ?? '', i] as const))('%s: %s meets %s %s', (level, _a, _b, note, i) => {
    if (note.includes('variant-table') && !variantTable) return    // depends on H3's table
    expect(a[i]!.key).toBe(b[i]!.key)
    if (level === 'exact') expect(a[i]!.exact).toBe(b[i]!.exact)
  })
  it.runIf(variantTable)('the variant table folds the common name variants', () => {
    expect(meet.filter((r) => (r[3] ?? '').includes('variant-table')).length).toBeGreaterThan(20)
  })

  const pa = run(apart.map((r) => r[1]!)) as NameResult[], pb = run(apart.map((r) => r[2]!)) as NameResult[]
  it.each(apart.map((r, i) => [r[0]!, r[1]!, r[2]!, i] as const))('%s: %s stays apart from %s', (level, _a, _b, i) => {
    expect(pa[i]!.exact).not.toBe(pb[i]!.exact)
    if (level === 'key') expect(pa[i]!.key).not.toBe(pb[i]!.key)
  })
})

describe('CJK compatibility ideographs and radicals fold exactly as NFKC does', () => {
  const cps: number[] = []
  for (const [lo, hi] of COMPAT_RANGES) for (let cp = lo; cp <= hi; cp++) cps.push(cp)
  const inputs = cps.map((cp) => String.fromCodePoint(cp))
  const out = wasm.normalize('name', inputs) as NameResult[]
  it(`covers ${cps.length} code points`, () => expect(cps.length).toBeGreaterThan(1300))
  it('WASM exact form = normalize(NFKC) for every one', () => {
    const bad = inputs.filter((s, i) => out[i]!.exact !== s.normalize('NFKC'))
    expect(bad.map((s) => s.codePointAt(0)!.toString(16))).toEqual([])
  })
  it('inside a name and next to an IVS as well', () => {
    const got = wasm.normalize('name', inputs.map((s) => `山${s}\u{E0100}田`)) as NameResult[]
    expect(got.filter((r, i) => r.exact !== `山${inputs[i]!.normalize('NFKC')}田`)).toEqual([])
  })
})
