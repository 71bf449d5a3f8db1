import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateResidents } from '../../data/gen/residents-file.js'
import { generateQueries, QUERY_COLUMNS, TRUTH_COLUMNS } from '../../data/gen/queries.js'
import { recountQueries, type QueryRecount } from '../../data/gen/recount.js'
import { CORRUPTION_DEFAULTS } from '../../data/gen/corruptions.js'
import iconv from 'iconv-lite'

const dir = mkdtempSync(join(tmpdir(), 'nayose-genq-'))
const residents = join(dir, 'r.csv')
const Q = 4000
let q: QueryRecount

beforeAll(async () => {
  // More 同姓同名同生年月日 than the default, so that category has members in a small file.
  await generateResidents(residents, { n: 8000, seed: 21, sameNameRate: 0.003 })
  await generateQueries({ from: residents, n: Q, seed: 4, out: join(dir, 'q.csv'), truth: join(dir, 't.csv') })
  q = await recountQueries(residents, join(dir, 'q.csv'), join(dir, 't.csv'))
})

describe('gen queries', () => {
  it('writes the query and truth headers and lines them up', () => {
    expect(readFileSync(join(dir, 'q.csv'), 'utf8').split('\r\n')[0]).toBe(QUERY_COLUMNS.join(','))
    expect(readFileSync(join(dir, 't.csv'), 'utf8').split('\r\n')[0]).toBe(TRUTH_COLUMNS.join(','))
    expect(q.queries).toBe(Q)
    expect(q.aligned).toBe(true)
    // Corruptions work on characters, never on halves of a surrogate pair (𠮷 and other 外字).
    expect(readFileSync(join(dir, 'q.csv'), 'utf8')).not.toContain('\uFFFD')
    expect(q.presentMissing).toBe(0)
  })

  it('has every category at its share: 20 % not present, 2 % look-alikes', () => {
    const share = (c: string) => (q.categories[c] ?? 0) / Q
    expect(share('absent') + share('look-alike')).toBeCloseTo(0.2, 3)
    expect(share('look-alike')).toBeCloseTo(0.02, 3)
    expect(share('twin')).toBeGreaterThan(0.005)
    expect(share('same-name-same-birth')).toBeGreaterThan(0.001)
  })

  it('absent people and look-alikes are really absent', () => {
    expect(q.absentChecked).toBeGreaterThan(100)
    expect(q.absentFoundInSnapshot).toBe(0)
    expect(q.absentMyNumberInSnapshot).toBe(0)
  })

  it('each corruption is applied at its documented rate (within sampling tolerance)', () => {
    let checked = 0
    for (const [name, c] of Object.entries(q.corruptions)) {
      expect(c.configured).toBe(CORRUPTION_DEFAULTS[name as keyof typeof CORRUPTION_DEFAULTS])
      if (c.eligible < 150) continue
      const sd = Math.sqrt((c.configured * (1 - c.configured)) / c.eligible)
      expect(Math.abs(c.rate - c.configured), name).toBeLessThan(4 * sd + 0.01)
      checked++
    }
    expect(checked).toBeGreaterThan(12)
  })

  it('is deterministic by seed; corruptions can be switched off', async () => {
    const o = (s: number, name: string, corruptions?: string) =>
      generateQueries({ from: residents, n: 500, seed: s, out: join(dir, `${name}.csv`), truth: join(dir, `${name}.t.csv`), corruptions })
    await o(7, 'a'); await o(7, 'b'); await o(8, 'c'); await o(7, 'clean', 'all=0')
    const read = (n: string) => readFileSync(join(dir, n), 'utf8')
    expect(read('a.csv')).toBe(read('b.csv'))
    expect(read('a.t.csv')).toBe(read('b.t.csv'))
    expect(read('a.csv')).not.toBe(read('c.csv'))
    const clean = read('clean.t.csv').split('\r\n').slice(1).filter(Boolean)
    expect(clean.every((l) => l.endsWith(','))).toBe(true)
    // Without corruptions a present query is the registered record's name, reading, birth date, sex and address.
    const rows = new Map(read('r.csv').split('\r\n').slice(1).map((l) => [l.split(',')[0], l.split(',')]))
    const queries = read('clean.csv').split('\r\n').slice(1).filter(Boolean).map((l) => l.split(','))
    const truth = clean.map((l) => l.split(','))
    let present = 0
    queries.forEach((qq, i) => {
      const id = truth[i]![1]
      if (!id) return
      const r = rows.get(id)!
      expect([qq[1], qq[2], qq[3], qq[4], qq[5]]).toEqual([r[2], r[3], r[9], r[10], r[11]])
      present++
    })
    expect(present).toBe(400)
  })

  it('CP932: every corruption writes only what CP932 holds (no ゔ, no U+2212 hyphen)', async () => {
    const r = join(dir, 'sjis.csv')
    await generateResidents(r, { n: 3000, seed: 22, encoding: 'cp932', foreignHouseholdRate: 0.3 })
    const all = Object.keys(CORRUPTION_DEFAULTS).map((k) => `${k}=0.5`).join(',')
    await generateQueries({ from: r, n: 1500, seed: 5, out: join(dir, 'sq.csv'), truth: join(dir, 'st.csv'), encoding: 'cp932', corruptions: all })
    const text = iconv.decode(readFileSync(join(dir, 'sq.csv')), 'cp932')
    expect(text).not.toContain('\uFFFD')
    expect(text.split('\r\n').filter(Boolean).length).toBe(1501)
    expect(text).toMatch(/[ぁ-ん]/)
  })
})
