// The JS ↔ WASM batch path: chunking, resubmission when outChars fills, per-item limits, views,
// whole records.
import { describe, expect, it } from 'vitest'
import { WasmNormalizer, normalizeRecords, normalizeRecordsRaw, decodeItem, type KanaResult, type NameResult } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'

const n = WasmNormalizer.create()

describe('WasmNormalizer', () => {
  it('exposes the ABI capacities', () => {
    expect(n.inCapUnits).toBe(1 << 20)
    expect(n.maxBatch).toBe(16384)
    expect(n.maxItemUnits).toBe(1024)
  })

  it('an item over MAX_ITEM_UNITS fails alone with TOO_LONG; its neighbours are fine', () => {
    const long = 'ア'.repeat(1025), ok = 'イ'.repeat(1024)
    const out = n.normalize('kana', ['ア', long, ok, 'ウ'])
    expect(out[0]).toMatchObject({ strict: 'ア' })
    expect(out[1]).toEqual({ error: { code: 'TOO_LONG', message: expect.any(String) } })
    expect((out[2] as KanaResult).strict).toBe(ok)
    expect((out[3] as KanaResult).strict).toBe('ウ')
    expect(reference.normalize('kana', [long])[0]).toEqual(out[1])
  })

  it('more items than MAX_BATCH go in several batches, in order', () => {
    const values = Array.from({ length: 40000 }, (_, i) => (i % 2 ? 'やまだ ' : 'ｻﾄｳ ') + 'タ'.repeat(i % 7))
    const out = n.normalize('kana', values) as KanaResult[]
    expect(out.length).toBe(values.length)
    expect(out.findIndex((r, i) => r.strict !== (i % 2 ? 'ヤマダ' : 'サトウ') + 'タ'.repeat(i % 7))).toBe(-1)
  })

  it('chunks inChars by units, and resubmits the rest when outChars fills', () => {
    // Some BMP compatibility ideographs fold to supplementary ones (U+FA6C → U+242EE): every
    // unit in becomes 2 in the exact form and, unless the variant table folds it further, 2 in
    // the key; 1024-unit items fill inChars exactly, and the last of them no longer fits outChars.
    const wide: string[] = []
    for (let cp = 0xF900; cp <= 0xFAFF; cp++) {
      const c = String.fromCharCode(cp)
      if (c.normalize('NFKC').length === 2 && (n.normalize('name', [c])[0] as NameResult).key.length === 2) wide.push(c)
    }
    expect(wide.length).toBeGreaterThan(1)
    const values = Array.from({ length: 2500 }, (_, i) => wide[i % 2]!.repeat(1024))
    const seen: number[] = []
    const ok = n.run('name', values, (v) => { seen.push(v.count) })
    expect(ok).toBe(values.length)
    expect(seen[0]).toBe(1023)          // inChars held 1024 items; outChars took 1023; the rest went again
    expect(seen.reduce((a, b) => a + b, 0)).toBe(values.length)
    const out = n.normalize('name', values) as NameResult[]
    expect(out.findIndex((r, i) => r.exact !== wide[i % 2]!.normalize('NFKC').repeat(1024))).toBe(-1)
  })

  it('surrogate pairs and IVS sequences survive every chunk boundary', () => {
    const values = Array.from({ length: 20000 }, (_, i) => (i % 3 ? '𠮷田' : '葛\u{E0100}城') + ' 花子')
    const out = n.normalize('name', values) as NameResult[]
    expect(out.findIndex((r, i) => r.exact !== (i % 3 ? '𠮷田' : '葛城') + '花子')).toBe(-1)
  })

  it('normalizeInto leaves results in WASM memory and counts the good ones', () => {
    expect(n.normalizeInto('kana', ['ヤマダ', '山田', 'ｻﾄｳ'])).toBe(2)
  })

  it('rejects an unknown field', () => {
    expect(() => n.normalize('colour' as never, ['x'])).toThrow(TypeError)
  })

  it('an empty list is an empty answer', () => {
    expect(n.normalize('name', [])).toEqual([])
  })
})

describe('normalizeRecords', () => {
  const records = [
    { name: '山田　太郎', name_kana: 'ﾔﾏﾀﾞ ﾀﾛｳ', birth_date: '1970-03-02', sex: '1', address: '', my_number: '' },
    { name: '佐藤 花子', name_kana: '', birth_date: 'S45.3.2' },
    { name: '山田2', name_kana: '山田' },
  ]
  it('normalises each column of each record; empty columns are absent', () => {
    const out = normalizeRecords(records)
    expect(out.length).toBe(3)
    expect(out[0]!.name).toMatchObject({ key: '山田太郎', surname: '山田', given: '太郎' })
    expect(out[0]!.name_kana).toMatchObject({ strict: 'ヤマダタロウ' })
    expect(out[0]!.address).toBeUndefined()
    expect(out[0]!.my_number).toBeUndefined()
    expect(out[1]!.name_kana).toBeUndefined()
    expect(out[1]!.name).toMatchObject({ key: '佐藤花子' })
    expect(out[2]!.name).toEqual({ error: { code: 'BAD_NAME', message: expect.any(String) } })
    expect(out[2]!.name_kana).toEqual({ error: { code: 'BAD_KANA', message: expect.any(String) } })
  })

  it('the raw form maps batch items back to records', () => {
    const got: string[] = []
    const ok = normalizeRecordsRaw(records, (column, rows, view) => {
      for (let k = 0; k < view.count; k++) if (column === 'name') got[rows[view.first + k]!] = JSON.stringify(decodeItem(view, k))
    }, { columns: ['name'] })
    expect(ok).toBe(2)
    expect(JSON.parse(got[1]!)).toMatchObject({ key: '佐藤花子' })
  })
})
