import { describe, expect, it } from 'vitest'
import { dateError, dayOf, formatDate, isoOf, wareki } from '../../data/gen/dates.js'
import { enlargeSmallKana, kanaTypo, longVowelVariants, toHalfWidth, toHiragana } from '../../data/gen/kana.js'
import { renotate } from '../../data/gen/corruptions.js'
import { kanjiNumber } from '../../data/gen/addresses.js'
import { parseCorruptions, CORRUPTION_DEFAULTS } from '../../data/gen/corruptions.js'
import { Rng } from '../../data/gen/rng.js'

describe('dates', () => {
  it.each([
    ['1989-01-07', '昭和64年1月7日', 'S64.1.7'],
    ['1989-01-08', '平成元年1月8日', 'H1.1.8'],
    ['2019-04-30', '平成31年4月30日', 'H31.4.30'],
    ['2019-05-01', '令和元年5月1日', 'R1.5.1'],
    ['1970-03-02', '昭和45年3月2日', 'S45.3.2'],
    ['1926-12-25', '昭和元年12月25日', 'S1.12.25'],
    ['1926-12-24', '大正15年12月24日', 'T15.12.24'],
  ])('%s is %s', (iso, kanji, letter) => {
    const d = dayOf(iso)
    expect(isoOf(d)).toBe(iso)
    expect(formatDate(d, 'wareki-kanji')).toBe(kanji)
    expect(formatDate(d, 'wareki-letter')).toBe(letter)
  })

  it('writes the other notations', () => {
    const d = dayOf('1970-03-02')
    expect(formatDate(d, 'compact')).toBe('19700302')
    expect(formatDate(d, 'slash')).toBe('1970/3/2')
    expect(formatDate(d, 'kanji-year')).toBe('1970年3月2日')
    expect(wareki(d).name).toBe('昭和')
  })

  it('rejects impossible dates', () => expect(dayOf('2023-02-29')).toBeNaN())

  it('date errors give a different valid date that is a swap or one digit off', () => {
    const rng = new Rng(5)
    const latest = dayOf('2026-10-01')
    for (let i = 0; i < 500; i++) {
      const d = dayOf('1950-01-01') + rng.int(20000)
      const e = dateError(rng, d, latest)
      expect(e.day).not.toBe(d)
      expect(e.day).toBeLessThanOrEqual(latest)
      const a = isoOf(d), b = isoOf(e.day)
      if (e.kind === 'swap') expect(b).toBe(`${a.slice(0, 4)}-${a.slice(8, 10)}-${a.slice(5, 7)}`)
      else expect([...a].filter((c, j) => c !== b[j]).length).toBeLessThanOrEqual(2)
    }
  })
})

describe('kana', () => {
  it('converts scripts and widths', () => {
    expect(toHiragana('サトウ　タロウ')).toBe('さとう　たろう')
    expect(toHalfWidth('サトウ　タロウ')).toBe('ｻﾄｳ ﾀﾛｳ')
    expect(toHalfWidth('ガッコウ')).toBe('ｶﾞｯｺｳ')
    expect(enlargeSmallKana('キョウコ')).toBe('キヨウコ')
  })

  it('long vowels: オオノ/オーノ/オウノ', () => {
    expect(new Set(longVowelVariants('オオノ'))).toEqual(new Set(['オウノ', 'オーノ']))
    expect(longVowelVariants('ユウコ')).toEqual(['ユーコ'])
    expect(longVowelVariants('タナカ')).toEqual([])
  })

  it('a typo is one edit and keeps the separator', () => {
    const rng = new Rng(9)
    for (let i = 0; i < 300; i++) {
      const t = kanaTypo(rng, 'ヤマダ　タロウ')
      expect(t).not.toBe('ヤマダ　タロウ')
      expect(t).toContain('　')
      expect(Math.abs([...t].length - 7)).toBeLessThanOrEqual(1)
    }
  })
})

describe('addresses', () => {
  it('kanji numbers', () => {
    expect(kanjiNumber(1)).toBe('一')
    expect(kanjiNumber(10)).toBe('十')
    expect(kanjiNumber(23)).toBe('二十三')
  })

  it('renotation swaps ケ/ヶ/が between kanji', () => {
    const rng = new Rng(4)
    const seen = new Set<string>()
    for (let i = 0; i < 300; i++) {
      const r = renotate(rng, '神奈川県茅ヶ崎市旭ヶ丘4丁目10番10号')
      const m = /茅(.)崎市旭(.)丘/.exec(r.replace(/^神奈川県\s?/, '神奈川県'))
      if (m) seen.add(m[1]! + m[2]!)
    }
    expect([...seen].some((x) => x.includes('が'))).toBe(true)
    expect([...seen].some((x) => x.includes('ケ'))).toBe(true)
  })

  it('renotation changes the string but keeps its digits', () => {
    const rng = new Rng(2)
    const a = '東京都新宿区西新宿二丁目8番1号'
    const digits = (s: string) => s.normalize('NFKC').replace(/二丁目/, '2丁目').replace(/\D+/g, ' ').trim()
    for (let i = 0; i < 200; i++) {
      const r = renotate(rng, a)
      expect(r).not.toBe(a)
      expect(digits(r)).toBe('2 8 1')
    }
  })
})

describe('corruption switches', () => {
  it('parses rates over the defaults, all=0 first', () => {
    const r = parseCorruptions('all=0,kana-only=0.5')
    expect(r['kana-only']).toBe(0.5)
    expect(r.hiragana).toBe(0)
    expect(parseCorruptions(undefined)).toEqual(CORRUPTION_DEFAULTS)
    expect(() => parseCorruptions('nope=0.1')).toThrow(/unknown corruption/)
    expect(() => parseCorruptions('typo=2')).toThrow()
  })
})

describe('csv output', () => {
  it('quotes when needed and refuses broken surrogates and unencodable CP932', async () => {
    const { CsvChunkWriter, csvField } = await import('../../data/gen/csv-out.js')
    const { mkdtempSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "x"')).toBe('"say ""x"""')
    const dir = mkdtempSync(join(tmpdir(), 'nayose-csv-'))
    const ok = new CsvChunkWriter(join(dir, 'ok.csv'), ['a', 'b'], 'cp932')
    await ok.write(['髙橋', '?'])
    await ok.close()
    expect(readFileSync(join(dir, 'ok.csv')).length).toBe('a,b\r\n'.length + 4 + 1 + 1 + 2)
    const broken = new CsvChunkWriter(join(dir, 'b.csv'), ['a'], 'utf8')
    await broken.write(['𠮷'.slice(0, 1)])
    await expect(broken.close()).rejects.toMatchObject({ code: 'NOT_ENCODABLE' })
    const sjis = new CsvChunkWriter(join(dir, 's.csv'), ['a'], 'cp932')
    await sjis.write(['𠮷田'])
    await expect(sjis.close()).rejects.toMatchObject({ code: 'NOT_ENCODABLE' })
  })
})

describe('foreign names', () => {
  it('every listed name survives CP932 (the generator draws them in both encodings)', async () => {
    const { NATIONALITIES } = await import('../../data/gen/foreign.js')
    const { cp932Encodable } = await import('../../data/gen/encoding.js')
    const bad = NATIONALITIES.flatMap((n) => [...n.surnames, ...n.male, ...n.female].flat()).filter((s) => s && !cp932Encodable(s))
    expect(bad).toEqual([])
  })
})
