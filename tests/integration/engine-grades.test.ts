// The engine on a tiny hand-made snapshot of synthetic people, built by the real store
// (buildSnapshot → LMDB → match rows → WASM). Each case pins one grade promise of SPEC §3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSnapshot } from '../../src/store/build.js'
import { Snapshot } from '../../src/store/snapshot.js'
import { Engine } from '../../src/engine/engine.js'
import type { EngineResult, Query } from '../../src/engine/types.js'

import { HEADER, PEOPLE } from './engine-fixture.js'

const tmp = mkdtempSync(join(tmpdir(), 'nayose-engine-'))
let engine: Engine

beforeAll(async () => {
  const csv = join(tmp, 'people-synthetic.csv')
  writeFileSync(csv, [HEADER, ...PEOPLE].join('\n') + '\n')
  await buildSnapshot(csv, join(tmp, 'snap'), { quiet: true })
  engine = Engine.openDir(join(tmp, 'snap'))
}, 60_000)
afterAll(() => engine?.close())

const m = (q: Query): EngineResult => engine.match(q)
const ids = (r: EngineResult) => r.candidates.map((c) => c.residentId)

const TARO = { name: '山田 太郎', name_kana: 'ヤマダ タロウ', birth_date: '1970-03-02', sex: '1', address: '東京都千代田区霞が関1丁目3番1号' }

describe('engine grades', () => {
  it('loads every row and builds postings', () => {
    expect(engine.size.live).toBe(PEOPLE.length)
    expect(engine.size.postings).toBeGreaterThan(PEOPLE.length * 4)
  })

  it('exact four fields → confirmed', () => {
    const r = m({ qid: 'q1', ...TARO })
    expect(r.qid).toBe('q1')
    expect(r.grade).toBe('confirmed')
    expect(r.candidates[0]!.residentId).toBe('20000000001')
    expect(r.candidates[0]!.agreement).toEqual({ name: 'exact', kana: 'exact', birth: 'exact', sex: 'exact', address: 'exact' })
    expect(r.candidates[0]!.probability).toBeGreaterThan(0.999)
    expect(r.snapshot).toBe(engine.version)
  })

  it('variant kanji, kana only, hiragana, half-width, 和暦, 男, 漢数字 → still confirmed', () => {
    const hi = { name: '高橋 一郎', birth_date: 'S35.1.20', sex: '男', address: '大阪府大阪市北区梅田二丁目4番9号' }
    const r1 = m(hi)
    expect(r1.grade).toBe('confirmed')
    expect(r1.candidates[0]!.agreement.name).toBe('variant')
    for (const kana of ['ヤマダ タロウ', 'やまだ たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダタロウ']) {
      const r = m({ name_kana: kana, birth_date: '昭和45年3月2日', sex: 'M', address: '千代田区霞が関1-3-1' })
      expect(r.grade, kana).toBe('confirmed')
      expect(r.candidates[0]!.residentId).toBe('20000000001')
      expect(r.candidates[0]!.agreement.name).toBe('kana')
    }
    // a kana name written in the name field counts as a reading
    expect(m({ name: 'ﾔﾏﾀﾞ ﾀﾛｳ', birth_date: '19700302', sex: '1', address: '東京都千代田区霞が関1-3-1' }).grade).toBe('confirmed')
  })

  it('kana-only query meets a kanji-only record through the reading dictionary', () => {
    const r = m({ name_kana: 'ササキ ケイコ', birth_date: '1958-06-30', sex: '2', address: '広島県広島市中区大手町1-1-1' })
    expect(r.grade).toBe('confirmed')
    expect(r.candidates[0]!.residentId).toBe('20000000011')
    expect(r.candidates[0]!.agreement).toMatchObject({ name: 'kana', kana: 'missing' })
    // a reading the dictionary does not give the name is no agreement
    const w = m({ name_kana: 'ササキ ハナコ', birth_date: '1958-06-30', sex: '2', address: '広島県広島市中区大手町1-1-1' })
    expect(w.grade).not.toBe('confirmed')
  })

  it('wrong day → found with birth near, not confirmed', () => {
    const r = m({ ...TARO, birth_date: '1970-03-03' })
    expect(r.grade).toBe('probable')
    expect(r.candidates[0]!.residentId).toBe('20000000001')
    expect(r.candidates[0]!.agreement.birth).toBe('near')
    const swap = m({ ...TARO, name: '佐々木 恵子', name_kana: undefined, birth_date: '1958-30-06', sex: '2', address: '広島県広島市中区大手町1丁目1番1号' })
    expect(swap.grade).toBe('error') // 30 is no month: a bad date fails the query, never a guess
  })

  it('moved address → probable', () => {
    const r = m({ ...TARO, address: '埼玉県さいたま市浦和区高砂3丁目1番1号' })
    expect(r.grade).toBe('probable')
    expect(r.candidates[0]!.residentId).toBe('20000000001')
    expect(r.candidates[0]!.agreement.address).toBe('differ')
  })

  it('absent look-alike (same name, birth, sex; other address) is never confirmed', () => {
    const r = m({ name: '渡辺 健', name_kana: 'ワタナベ ケン', birth_date: '1965-12-24', sex: '1', address: '沖縄県那覇市泉崎1丁目2番2号' })
    expect(r.grade).not.toBe('confirmed')
  })

  it('同姓同名同生年月日 without address → ambiguous, both listed', () => {
    const r = m({ name: '田中 誠', birth_date: '1980-10-10', sex: '1' })
    expect(r.grade).toBe('ambiguous')
    expect(ids(r).sort()).toEqual(['20000000005', '20000000006'])
    // with the address, one of them is confirmed
    const c = m({ name: '田中 誠', birth_date: '1980-10-10', sex: '1', address: '福岡県福岡市博多区博多駅前2-1-1' })
    expect(c.grade).toBe('confirmed')
    expect(ids(c)[0]).toBe('20000000006')
  })

  it('twins, query without the given name → ambiguous listing both', () => {
    const r = m({ name: '伊藤', birth_date: '2001-04-01', sex: '1', address: '京都府京都市左京区北白川1丁目2番3号' })
    expect(r.grade).toBe('ambiguous')
    expect(ids(r).slice(0, 2).sort()).toEqual(['20000000007', '20000000008'])
  })

  it('married surname (旧氏 in the query) → found', () => {
    const r = m({ name: '小林 美咲', birth_date: '1990-08-08', sex: '2', address: '神奈川県横浜市西区みなとみらい2-2-1' })
    expect(['confirmed', 'probable']).toContain(r.grade)
    expect(ids(r)[0]).toBe('20000000009')
  })

  it('bad date → error alone in its batch', () => {
    const rs = engine.matchBatch([{ qid: 1, ...TARO }, { qid: 2, ...TARO, birth_date: '1970-02-30' }, { qid: 3, ...TARO, sex: 'X' }, { qid: 4, foo: 1 } as Query, { qid: 5, ...TARO }])
    expect(rs.map((r) => r.grade)).toEqual(['confirmed', 'error', 'error', 'error', 'confirmed'])
    expect(rs[1]!.error!.code).toBe('BAD_DATE')
    expect(rs[2]!.error!.code).toBe('BAD_SEX')
    expect(rs[3]!.error!.code).toBe('BAD_FIELD')
    expect(rs.map((r) => r.qid)).toEqual([1, 2, 3, 4, 5])
  })

  it('nobody fits → none, disclosing no one', () => {
    const r = m({ name: '存在 しない', birth_date: '1999-09-09', sex: '2', address: '東京都港区芝公園4-2-8' })
    expect(r.grade).toBe('none')
    expect(r.candidates).toEqual([])
  })

  it('matchDetailed answers as matchBatch does, with the candidates examined; errors examine nobody', () => {
    const qs: Query[] = [{ qid: 'a', ...TARO }, { qid: 'b', ...TARO, birth_date: 'not a date' }, {}, { ...TARO, limit: 99 }]
    const d = engine.matchDetailed(qs)
    expect(d.map((x) => x.result)).toEqual(engine.matchBatch(qs))
    expect(d.map((x) => x.result.grade)).toEqual(['confirmed', 'error', 'error', 'error'])
    expect(d[0]!.examined).toBeGreaterThanOrEqual(1)
    expect(d.slice(1).map((x) => x.examined)).toEqual([0, 0, 0])
    expect(d[2]!.result.error?.code).toBe('EMPTY_QUERY')
    expect(d[3]!.result.error?.code).toBe('BAD_LIMIT')
  })

  it('person() reads the display record from the snapshot', () => {
    expect(engine.person('20000000001')?.name).toBe('山田 太郎')
  })
})
