// The core's blocking keys and caps, through the Engine on rows made in memory (the store's own
// RowEncoder, no LMDB): one wrong field never hides the person, and an overflowing block never
// yields `confirmed`.
import { describe, expect, it } from 'vitest'
import { RowEncoder } from '../../src/store/build.js'
import { Engine, type RowSource } from '../../src/engine/engine.js'
import type { ResidentRecord } from '../../src/engine/types.js'

function source(records: ResidentRecord[]): RowSource {
  const enc = new RowEncoder(records.length)
  const rows = enc.encode(records, {}).map((b, row) => {
    if (!(b instanceof Uint8Array)) throw new Error(`record ${row} rejected: ${JSON.stringify(b)}`)
    return { row, bytes: b }
  })
  const byId = new Map(records.map((r) => [r.resident_id, r]))
  return { manifest: () => ({ version: 'test-1' }), rowCount: () => rows.length, rows: () => rows, record: (id) => byId.get(id) }
}

const id = (i: number) => String(30000000000 + i)
// Synthetic noise: people born on the same day with other names, and the same name on other days.
function noise(n: number): ResidentRecord[] {
  const sur = ['佐藤', '鈴木', '田中', '山本', '小林'], given = ['一郎', '花子', '健太', '美咲', '翔']
  const kana = ['サトウ', 'スズキ', 'タナカ', 'ヤマモト', 'コバヤシ'], gk = ['イチロウ', 'ハナコ', 'ケンタ', 'ミサキ', 'ショウ']
  const out: ResidentRecord[] = []
  for (let i = 0; i < n; i++) {
    const s = i % 5, g = Math.floor(i / 5) % 5
    out.push({
      resident_id: id(1000 + i), name: `${sur[s]} ${given[g]}`, name_kana: `${kana[s]} ${gk[g]}`,
      birth_date: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`, sex: i % 2 ? '1' : '2',
      address: `東京都世田谷区太子堂${1 + (i % 5)}丁目${1 + (i % 30)}番${1 + (i % 9)}号`, status: 'resident',
    })
  }
  return out
}

const HERO: ResidentRecord = {
  resident_id: id(1), name: '勅使河原 雅之', name_kana: 'テシガワラ マサユキ', birth_date: '1972-04-18', sex: '1',
  address: '長野県松本市中央2丁目5番8号', status: 'resident',
}

describe('blocking keys', () => {
  const engine = Engine.open(source([HERO, ...noise(400)]))
  const base = { name: '勅使河原 雅之', name_kana: 'テシガワラ マサユキ', birth_date: '1972-04-18', sex: '1', address: '長野県松本市中央2丁目5番8号' }
  const cases: [string, object][] = [
    ['reading typo, no space, kana only', { name: undefined, name_kana: 'テシガワラマサユク' }],
    ['reading typo in the first units', { name: undefined, name_kana: 'デシガワラ マサユキ' }],
    ['wrong kanji and no reading', { name: '勅使川原 雅之', name_kana: undefined }],
    ['wrong day', { birth_date: '1972-04-19' }],
    ['wrong year digit', { birth_date: '1962-04-18' }],
    ['no birth date', { birth_date: undefined }],
    ['name without space', { name: '勅使河原雅之', name_kana: undefined }],
    ['moved', { address: '大阪府大阪市北区梅田1丁目1番1号' }],
  ]
  it.each(cases)('%s → found', (_label, change) => {
    const r = engine.match({ ...base, ...change })
    expect(r.candidates[0]?.residentId).toBe(HERO.resident_id)
    expect(['confirmed', 'probable']).toContain(r.grade)
  })

  it('a wrong field is never confirmed', () => {
    expect(engine.match({ ...base, birth_date: '1972-04-19' }).grade).toBe('probable')
    expect(engine.match({ ...base, address: '大阪府大阪市北区梅田1丁目1番1号' }).grade).toBe('probable')
    expect(engine.match({ ...base, sex: '2' }).grade).toBe('probable')
  })

  it('day/month swap is `near`', () => {
    const swapped = { ...HERO, resident_id: id(2), name: '勅使河原 雅人', name_kana: 'テシガワラ マサト', birth_date: '1972-04-08' }
    const e = Engine.open(source([swapped, ...noise(50)]))
    const r = e.match({ name: '勅使河原 雅人', birth_date: '1972-08-04', sex: '1', address: HERO.address })
    expect(r.candidates[0]?.residentId).toBe(id(2))
    expect(r.candidates[0]?.agreement.birth).toBe('near')
  })
})

describe('caps', () => {
  // 同姓同名同生年月日 in two towns, among other people.
  const pair: ResidentRecord[] = [
    { resident_id: id(5001), name: '佐藤 花子', name_kana: 'サトウ ハナコ', birth_date: '1980-01-01', sex: '2', address: '東京都世田谷区太子堂1丁目2番3号', status: 'resident' },
    { resident_id: id(5002), name: '佐藤 花子', name_kana: 'サトウ ハナコ', birth_date: '1980-01-01', sex: '2', address: '大阪府大阪市北区梅田3丁目2番1号', status: 'resident' },
  ]
  const q = { name: '佐藤 花子', birth_date: '1980-01-01', sex: '2', address: '大阪府大阪市北区梅田3-2-1' }

  it('with room, the one at the given address is confirmed', () => {
    const r = Engine.open(source([...pair, ...noise(200)])).match(q)
    expect(r.grade).toBe('confirmed')
    expect(r.candidates[0]!.residentId).toBe(id(5002))
  })

  it('a block over its cap is filtered, and an overflow forbids confirmed and none', () => {
    const r = Engine.open(source([...pair, ...noise(200)]), { params: { blockCap: 1 } }).match(q)
    expect(r.grade).not.toBe('confirmed')
    expect(r.grade).not.toBe('none')
  })
})
