// `nayose match` and `nayose eval` end to end: real snapshot on disk, the CLI as a child process.
import { beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSnapshot } from '../../src/store/build.js'
import { HEADER, PEOPLE } from './engine-fixture.js'

const tmp = mkdtempSync(join(tmpdir(), 'nayose-match-cli-'))
const snap = join(tmp, 'snap')
const bin = new URL('../../bin/nayose.js', import.meta.url).pathname
const nayose = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' })

beforeAll(async () => {
  writeFileSync(join(tmp, 'people-synthetic.csv'), [HEADER, ...PEOPLE].join('\n') + '\n')
  await buildSnapshot(join(tmp, 'people-synthetic.csv'), snap, { quiet: true })
}, 60_000)

describe('nayose match', () => {
  it('--json prints the SPEC §3 result', () => {
    const out = execFileSync('node', [bin, 'match', '--snapshot', snap, '--name', '山田 太郎', '--birth', 'S45.3.2', '--sex', '男', '--address', '東京都千代田区霞が関1-3-1', '--json'], { encoding: 'utf8' })
    const r = JSON.parse(out)
    expect(r.grade).toBe('confirmed')
    expect(r.candidates[0].residentId).toBe('20000000001')
    expect(r.candidates[0].agreement).toEqual({ name: 'exact', kana: 'missing', birth: 'exact', sex: 'exact', address: 'exact' })
  })

  it('explains each field in words with its weight', () => {
    const r = nayose('match', '--snapshot', snap, '--kana', 'ﾔﾏﾀﾞ ﾀﾛｳ', '--birth', '1970-03-03', '--sex', '1', '--address', '東京都千代田区霞が関1-3-1')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^grade: probable/)
    expect(r.stdout).toMatch(/name\s+kana\s+\+\d+\.\d bits\s+the same reading/)
    expect(r.stdout).toMatch(/birth\s+near\s+[+-]\d+\.\d bits\s+one digit off/)
    expect(r.stdout).not.toContain('山田') // ids and codes only
  })

  it('--params overrides the grade thresholds', () => {
    writeFileSync(join(tmp, 'strict.json'), JSON.stringify({ grade: { confirmed: 1.01 } }))
    const args = ['match', '--snapshot', snap, '--name', '山田 太郎', '--birth', '1970-03-02', '--sex', '1', '--address', '東京都千代田区霞が関1-3-1', '--json']
    expect(JSON.parse(nayose(...args).stdout).grade).toBe('confirmed')
    expect(JSON.parse(nayose(...args, '--params', join(tmp, 'strict.json')).stdout).grade).toBe('probable')
    writeFileSync(join(tmp, 'bad.json'), JSON.stringify({ nonsense: 1 }))
    expect(nayose(...args, '--params', join(tmp, 'bad.json')).stderr).toContain('BAD_PARAMS')
  })

  it('a bad query exits 1 with the error code', () => {
    const r = nayose('match', '--snapshot', snap, '--name', '山田 太郎', '--birth', '1970-02-30')
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('BAD_DATE')
  })
})

describe('nayose eval', () => {
  it('prints grades, precision, mislinks and throughput', () => {
    writeFileSync(join(tmp, 'q.csv'), [
      'qid,name,name_kana,birth_date,sex,address',
      'a,山田 太郎,,1970-03-02,1,東京都千代田区霞が関1-3-1',
      'b,田中 誠,,1980-10-10,1,',
      'c,渡辺 健,,1965-12-24,1,沖縄県那覇市泉崎1-2-2',
      'd,存在 しない,,1999-09-09,2,東京都港区芝公園4-2-8',
    ].join('\n') + '\n')
    writeFileSync(join(tmp, 't.csv'), [
      'qid,resident_id,category,corruptions',
      'a,20000000001,present,', 'b,20000000005,same-name-same-birth,address-missing', 'c,,look-alike,', 'd,,absent,',
    ].join('\n') + '\n')
    const r = nayose('eval', '--snapshot', snap, '--queries', join(tmp, 'q.csv'), '--truth', join(tmp, 't.csv'), '--json')
    expect(r.status).toBe(0)
    const rep = JSON.parse(r.stdout)
    const by = Object.fromEntries(rep.grades.map((g: { grade: string; count: number }) => [g.grade, g.count]))
    expect(by).toMatchObject({ confirmed: 1, ambiguous: 1 })
    expect(rep.mislinks).toBe(0)
    expect(rep.ambiguousWithTruth).toBe(1)
    expect(rep.confirmedRecallClean).toEqual({ hit: 1, of: 1, rate: 1 })
    expect(rep.qps).toBeGreaterThan(0)
  })
})
