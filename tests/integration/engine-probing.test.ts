// Candidate gathering past the small-list deduplication (48 candidates): 70 synthetic people
// share a surname, birth date and sex, so a surname-only query finds each of them through several
// keys; each must be examined once, and the candidate limit must still flag truncation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSnapshot } from '../../src/store/build.js'
import { Engine } from '../../src/engine/engine.js'
import { HEADER } from './engine-fixture.js'

const tmp = mkdtempSync(join(tmpdir(), 'nayose-probing-'))
const N = 70
const GIVEN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十']
const KANA = ['イチ', 'ニ', 'サン', 'シ', 'ゴ', 'ロク', 'ナナ', 'ハチ', 'ク', 'ジュウ']
let engine: Engine
let capped: Engine

beforeAll(async () => {
  const rows: string[] = []
  for (let i = 0; i < N; i++) {
    const g = GIVEN[i % 10]! + GIVEN[Math.floor(i / 10)]! + '郎', k = KANA[i % 10]! + KANA[Math.floor(i / 10)]! + 'ロウ'
    rows.push(`${30000000001 + i},,森 ${g},モリ ${k},,,,,,1990-06-15,1,東京都千代田区霞が関1丁目${1 + (i % 9)}番${1 + i}号,H${i},resident,`)
  }
  const csv = join(tmp, 'people-synthetic.csv')
  writeFileSync(csv, [HEADER, ...rows].join('\n') + '\n')
  await buildSnapshot(csv, join(tmp, 'snap'), { quiet: true })
  engine = Engine.openDir(join(tmp, 'snap'), { image: 'off' })
  capped = Engine.openDir(join(tmp, 'snap'), { image: 'off', params: { maxCandidates: 50 } })
}, 60_000)
afterAll(() => { engine?.close(); capped?.close(); rmSync(tmp, { recursive: true, force: true }) })

describe('candidate gathering', () => {
  it('a surname-only query examines every one of the 70 once', () => {
    const [d] = engine.matchDetailed([{ name: '森', name_kana: 'モリ', birth_date: '1990-06-15', sex: '1', limit: 16 }])
    expect(d!.examined).toBe(N)
    const ids = d!.result.candidates.map((c) => c.residentId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(d!.result.grade).not.toBe('confirmed')
  })

  it('a full query is still confirmed among them, each row once', () => {
    const [d] = engine.matchDetailed([{ name: '森 三五郎', name_kana: 'モリ サンゴロウ', birth_date: '1990-06-15', sex: '1', address: '東京都千代田区霞が関1丁目7番43号' }])
    expect(d!.result.grade).toBe('confirmed')
    expect(d!.result.candidates[0]!.residentId).toBe(String(30000000001 + 42))
    expect(d!.examined).toBeLessThanOrEqual(N)
  })

  it('weak keys: an unsplit name with a wrong first kanji is found through its last unit', () => {
    const q = { name: '林三五郎', birth_date: '1990-06-15', sex: '1', address: '東京都千代田区霞が関1丁目7番43号' }
    const [d] = engine.matchDetailed([q])
    expect(d!.result.candidates[0]!.residentId).toBe(String(30000000001 + 42))
    expect(d!.result.grade).toBe('probable')
    expect(d!.examined).toBe(N)           // every row ends in 郎
  })

  it('weak keys: a split query does not probe the last unit (its 名 is a strong key already)', () => {
    const q = { name: '林 三五郎', birth_date: '1990-06-15', sex: '1', address: '東京都千代田区霞が関1丁目7番43号' }
    const [d] = engine.matchDetailed([q])
    expect(d!.result.candidates[0]!.residentId).toBe(String(30000000001 + 42))
    expect(d!.result.grade).toBe('probable')
    expect(d!.examined).toBe(1)
  })

  it('the candidate limit truncates: never confirmed or none', () => {
    const [d] = capped.matchDetailed([{ name: '森', name_kana: 'モリ', birth_date: '1990-06-15', sex: '1' }])
    expect(d!.examined).toBe(50)
    expect(['probable', 'ambiguous']).toContain(d!.result.grade)
    const [f] = capped.matchDetailed([{ name: '森 三五郎', name_kana: 'モリ サンゴロウ', birth_date: '1990-06-15', sex: '1', address: '東京都千代田区霞が関1丁目7番43号' }])
    expect(f!.result.grade).not.toBe('none')
  })
})
