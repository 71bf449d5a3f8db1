import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateResidents } from '../../data/gen/residents-file.js'
import { RESIDENT_COLUMNS, ResidentGenerator } from '../../data/gen/residents.js'
import { recountResidents, type ResidentRecount } from '../../data/gen/recount.js'
import { cp932Encodable } from '../../data/gen/encoding.js'

// Realism checks on a 20 000-resident sample: each fails when the generator drifts.
const dir = mkdtempSync(join(tmpdir(), 'nayose-gen-'))
const N = 20000
let r: ResidentRecount

beforeAll(async () => {
  await generateResidents(join(dir, 'r.csv'), { n: N, seed: 11 })
  r = await recountResidents(join(dir, 'r.csv'))
})

describe('gen residents', () => {
  it('writes exactly n rows with SPEC columns in SPEC order', () => {
    const text = readFileSync(join(dir, 'r.csv'), 'utf8')
    expect(text.split('\r\n')[0]).toBe(RESIDENT_COLUMNS.join(','))
    expect(r.rows).toBe(N)
  })

  it('identifiers are unique with valid check digits', () => {
    expect(r.duplicateResidentIds).toBe(0)
    expect(r.badResidentIds).toBe(0)
    expect(r.duplicateMyNumbers).toBe(0)
    expect(r.badMyNumbers).toBe(0)
    expect(r.share.noMyNumber).toBeGreaterThan(0.01)
    expect(r.share.noMyNumber).toBeLessThan(0.06)
  })

  it('common surnames are common: 佐藤 ≈ 1.5 %, 佐藤 and 鈴木 lead', () => {
    const sato = r.topSurnames.find((t) => t.surname === '佐藤')
    expect(sato?.share).toBeGreaterThan(0.009)
    expect(sato?.share).toBeLessThan(0.022)
    expect(r.topSurnames.slice(0, 3).map((t) => t.surname)).toEqual(expect.arrayContaining(['佐藤', '鈴木']))
    // A long tail: the top 10 together stay far below half of all people.
    expect(r.topSurnames.reduce((s, t) => s + t.share, 0)).toBeLessThan(0.2)
  })

  it('households average about 2.2 people', () => {
    expect(r.meanHouseholdSize).toBeGreaterThan(1.9)
    expect(r.meanHouseholdSize).toBeLessThan(2.5)
  })

  it('ages follow the pyramid (under 15, 65 and over)', () => {
    expect(Math.abs(r.share.under15 - r.pyramid.under15)).toBeLessThan(0.025)
    expect(Math.abs(r.share.over65 - r.pyramid.over65)).toBeLessThan(0.035)
  })

  it('registered names: a few % variant kanji, some without reading, some 旧氏, 2–3 % foreign', () => {
    expect(r.share.variantName).toBeGreaterThan(0.02)
    expect(r.share.variantName).toBeLessThan(0.12)
    expect(r.share.noKana).toBeGreaterThan(0.03)
    expect(r.share.noKana).toBeLessThan(0.07)
    expect(r.share.formerSurname).toBeGreaterThan(0.01)
    expect(r.share.foreign).toBeGreaterThan(0.015)
    expect(r.share.foreign).toBeLessThan(0.035)
    expect(r.share.aliasAmongForeign).toBeGreaterThan(0.05)
  })

  it('statuses at realistic rates', () => {
    expect(r.share.status.deceased).toBeGreaterThan(0.008)
    expect(r.share.status.deceased).toBeLessThan(0.025)
    expect(r.share.status.moved_out).toBeGreaterThan(0.01)
    expect(r.share.status.moved_out).toBeLessThan(0.05)
  })

  it('twins at the default rate (~1 % of deliveries)', () => {
    expect(r.twinDeliveryRate).toBeGreaterThan(0.004)
    expect(r.twinDeliveryRate).toBeLessThan(0.02)
  })

  it('twin and same-name-same-birth rates follow their options', async () => {
    const f = join(dir, 'hi.csv')
    const M = 10000
    await generateResidents(f, { n: M, seed: 12, twinRate: 0.1, sameNameRate: 0.01 })
    const x = await recountResidents(f)
    expect(x.twinDeliveryRate).toBeGreaterThan(0.07)
    expect(x.twinDeliveryRate).toBeLessThan(0.13)
    // 1 % of residents injected as doubles: ~100 groups, plus the few that occur by chance.
    expect(x.sameNameGroups).toBeGreaterThan(0.007 * M)
    expect(x.sameNameGroups).toBeLessThan(0.013 * M + r.sameNameGroups)
    const none = join(dir, 'none.csv')
    await generateResidents(none, { n: M, seed: 12, twinRate: 0, sameNameRate: 0 })
    const y = await recountResidents(none)
    expect(y.twinPairs).toBe(0)
    expect(y.sameNameGroups).toBeLessThan(x.sameNameGroups / 4)
  })

  it('--area keeps every address in one municipality or prefecture', () => {
    const addresses = (area: string) => [...new ResidentGenerator({ n: 500, seed: 3, area }).rows()].map((row) => row[11]!)
    expect(addresses('131041').every((a) => /^東京都\s?新宿区/.test(a))).toBe(true)
    expect(addresses('大阪府').every((a) => a.startsWith('大阪府'))).toBe(true)
    expect(() => new ResidentGenerator({ n: 1, seed: 1, area: '99' })).toThrow(/no municipality/)
  })

  it('is deterministic by seed', () => {
    const take = (seed: number) => {
      const g = new ResidentGenerator({ n: 2000, seed })
      return [...g.rows()].map((row) => row.join(','))
    }
    const a = take(5)
    expect(take(5)).toEqual(a)
    expect(take(6)).not.toEqual(a)
  })

  it('CP932 output round-trips through iconv-lite and never writes ?', async () => {
    const f = join(dir, 'sjis.csv')
    await generateResidents(f, { n: 5000, seed: 13, encoding: 'cp932' })
    const bytes = readFileSync(f)
    const text = iconv.decode(bytes, 'cp932')
    expect(text).not.toContain('\uFFFD')
    expect(text).not.toContain('?')
    expect(iconv.encode(text, 'cp932').equals(bytes)).toBe(true)
    expect(text.split('\r\n').length).toBe(5000 + 2)
    for (const line of text.split('\r\n').slice(1, 200)) expect(cp932Encodable(line)).toBe(true)
  })
})
