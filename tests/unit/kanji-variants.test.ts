import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM module without types
import { readVariantPairs } from '../../data/codegen/kanji-variants.mjs'

// data/tables/kanji-variants.tsv: the variant table compiled into the WASM core.
const root = new URL('../../', import.meta.url).pathname
const text = readFileSync(`${root}data/tables/kanji-variants.tsv`, 'utf8')
const lines = text.split('\n').filter((l) => l !== '')
const comments = lines.filter((l) => l.startsWith('#'))
const [header, ...rows] = lines.filter((l) => !l.startsWith('#')).map((l) => l.split('\t'))
const canon = new Map(rows.map(([v, c]) => [v!, c!]))
const fold = (s: string) => [...s].map((c) => canon.get(c) ?? c).join('')

describe('kanji-variants.tsv', () => {
  it('names its source, version and licence', () => {
    const head = comments.join('\n')
    expect(head).toContain('@mandel59/mojidata 1.8.1')
    expect(head).toContain('CC BY-SA 2.1 JP')
    expect(head).toContain('NOTICE-MJ.md')
    expect(header).toEqual(['variant', 'canonical', 'relation'])
  })

  it('has one code point per column, a known relation, no duplicates', () => {
    expect(rows.length).toBeGreaterThan(10_000)
    const bad = rows.filter((r) => r.length !== 3 || [...r[0]!].length !== 1 || [...r[1]!].length !== 1 ||
      !['koseki', '2842'].includes(r[2]!) || r[0] === r[1] ||
      // compatibility ideographs are folded before the table is consulted
      r[0]!.normalize('NFKC') !== r[0] || r[1]!.normalize('NFKC') !== r[1])
    expect(bad.map((r) => r.join(' '))).toEqual([])
    expect(canon.size).toBe(rows.length)
  })

  it('has no chains: every canonical maps to itself', () => {
    const chained = rows.filter(([, c]) => canon.has(c!)).map((r) => r.join('→'))
    expect(chained).toEqual([])
  })

  it.each([
    ['髙', '高'], ['﨑', '崎'], ['嵜', '崎'], ['邉', '辺'], ['邊', '辺'], ['齋', '斎'], ['齊', '斉'],
    ['濱', '浜'], ['澤', '沢'], ['廣', '広'], ['德', '徳'], ['嶋', '島'], ['嶌', '島'], ['櫻', '桜'],
    ['國', '国'], ['眞', '真'], ['冨', '富'], ['龍', '竜'], ['瀨', '瀬'], ['渕', '淵'], ['曾', '曽'],
    ['槇', '槙'], ['藪', '薮'], ['惠', '恵'], ['寬', '寛'], ['黑', '黒'], ['舘', '館'], ['𠮷', '吉'],
  ])('%s folds to %s', (v, c) => {
    expect(fold(v)).toBe(c)
    expect(fold(c)).toBe(c)
  })

  it('folds whole names', () => {
    expect(fold('髙橋')).toBe(fold('高橋'))
    expect(fold('渡邉')).toBe(fold('渡辺'))
    expect(fold('渡邊')).toBe(fold('渡辺'))
    expect(fold('齋藤')).toBe('斎藤')
    expect(fold('山﨑')).toBe('山崎')
  })

  it.each([
    ['斎', '斉'], ['齋', '齊'], ['籐', '藤'], ['崎', '埼'], ['﨑', '埼'], ['着', '著'], ['切', '功'],
    ['師', '帥'], ['売', '殻'], ['書', '昼'], ['広', '宏'], ['沢', '択'], ['島', '鳥'], ['匡', '往'],
    ['莫', '草'], ['已', '以'], ['侮', '奴'],
  ])('%s and %s stay apart', (a, b) => {
    expect(fold(a)).not.toBe(fold(b))
  })

  it('never puts two 常用漢字 under one canonical', () => {
    // A few 常用漢字 that are each their own canonical.
    for (const c of '高崎辺斎斉浜沢広徳島桜国真富竜瀬曽恵寛黒館藤佐木田') expect(canon.has(c)).toBe(false)
  })

  it('is what the code generator compiles, sorted and unique', () => {
    const pairs: [number, number][] = readVariantPairs(root)
    expect(pairs).toHaveLength(rows.length)
    for (let i = 1; i < pairs.length; i++) expect(pairs[i]![0]).toBeGreaterThan(pairs[i - 1]![0])
  })
})
