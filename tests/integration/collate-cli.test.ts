// `nayose collate` in-process: real snapshot (LMDB), real WASM engines in worker threads, driven
// through the built CLI (`node bin/nayose.js`, workers run from dist/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { buildSnapshot } from '../../src/store/build.js'
import { COLLATE_COLUMNS } from '../../src/collate/format.js'
import { COLLATE_COLUMNS as SERVER_COLUMNS } from '../../src/server/client-collate.js'

const root = new URL('../../', import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), 'nayose-collate-'))
const snap = join(tmp, 'snap')

const SURNAMES = [['山田', 'ヤマダ'], ['鈴木', 'スズキ'], ['髙橋', 'タカハシ'], ['田中', 'タナカ'], ['伊藤', 'イトウ'], ['渡邉', 'ワタナベ'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'], ['吉田', 'ヨシダ'], ['勅使河原', 'テシガワラ'], ['東海林', 'ショウジ']]
const GIVEN = [['太郎', 'タロウ', '1'], ['花子', 'ハナコ', '2'], ['一郎', 'イチロウ', '1'], ['美咲', 'ミサキ', '2'], ['健太', 'ケンタ', '1'], ['陽子', 'ヨウコ', '2'], ['翔', 'ショウ', '1'], ['幸子', 'サチコ', '2'], ['大輔', 'ダイスケ', '1'], ['恵', 'メグミ', '2']]
export interface Person { id: string; name: string; kana: string; birth: string; sex: string; address: string }
export const people: Person[] = []
for (let i = 0; i < 240; i++) {
  const [s, sk] = SURNAMES[i % SURNAMES.length]!, [g, gk, sex] = GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]!
  const d = new Date(Date.UTC(1940, 0, 1) + i * 97 * 86_400_000).toISOString().slice(0, 10)
  people.push({ id: String(30000000000 + i * 7), name: `${s} ${g}`, kana: `${sk} ${gk}`, birth: d, sex: sex!, address: `東京都千代田区千代田${(i % 9) + 1}番${(i % 13) + 1}号` })
}

function cli(args: string[], opts: { input?: string } = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/nayose.js'), ...args], { cwd: tmp, encoding: 'utf8', ...opts })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
const read = (f: string) => parse(readFileSync(f), { columns: true, relax_column_count: false }) as Record<string, string>[]

beforeAll(async () => {
  const lines = ['resident_id,my_number,name,name_kana,former_surname,former_surname_kana,alias,alias_kana,name_roman,birth_date,sex,address,household_id,status,status_date']
  for (const p of people) lines.push(`${p.id},,${p.name},${p.kana},,,,,,${p.birth},${p.sex},${p.address},,resident,`)
  writeFileSync(join(tmp, 'residents.csv'), lines.join('\n') + '\n')
  await buildSnapshot(join(tmp, 'residents.csv'), snap, { quiet: true, synthetic: true })
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('nayose collate (in-process)', () => {
  it('writes the same columns as collate --server', () => {
    expect([...COLLATE_COLUMNS]).toEqual([...SERVER_COLUMNS])
  })

  it('one row per input row, in input order; columns in any order; bad rows become grade error with a reason', () => {
    // columns in an unusual order, plus an unknown one
    const lines = ['birth_date,memo,address,qid,name,sex']
    for (let i = 0; i < people.length; i++) {
      const p = people[i]!
      lines.push(`${p.birth},x,${p.address},p${i},${p.name},${p.sex}`)
    }
    lines.push('1970-02-30,x,東京都千代田区千代田1番1号,bad-date,山田 太郎,1')
    lines.push('1970-01-01,x,,too-many,山田 太郎,1,extra')
    lines.push(',x,,empty,,')
    lines.push('1999-09-09,x,,"with,comma ""q""",誰 某,2')
    writeFileSync(join(tmp, 'q.csv'), lines.join('\n') + '\n')
    const r = cli(['collate', 'q.csv', '--snapshot', snap, '--out', 'r.csv', '--workers', '2', '--batch', '7', '--quiet'])
    expect(r.stderr).toMatch(/ignoring unknown column\(s\): memo/)
    expect(r.status).toBe(0)
    const got = read(join(tmp, 'r.csv'))
    expect(Object.keys(got[0]!)).toEqual([...COLLATE_COLUMNS])
    expect(got.map((g) => g.qid)).toEqual([...people.map((_, i) => `p${i}`), 'bad-date', 'too-many', 'empty', 'with,comma "q"'])
    for (let i = 0; i < people.length; i++) {
      const g = got[i]!
      expect(g.grade).toBe('confirmed')
      expect(g.resident_id).toBe(people[i]!.id)
      expect(g.candidates.split('|')[0]).toBe(people[i]!.id)
      expect(Number(g.probability)).toBeGreaterThan(0.5)
      expect(Number(g.probability)).toBeLessThanOrEqual(1)
      expect(g.agreement).toBe('name=exact;kana=missing;birth=exact;sex=exact;address=exact')
      expect(g.error).toBe('')
    }
    expect(got[240]).toMatchObject({ grade: 'error', resident_id: '', candidates: '', error: expect.stringMatching(/^BAD_DATE: /) })
    expect(got[241]).toMatchObject({ grade: 'error', error: expect.stringMatching(/^EXTRA_COLUMNS: /) })
    expect(got[242]).toMatchObject({ grade: 'error', error: expect.stringMatching(/^EMPTY_QUERY: /) })
    expect(got[243]!.grade).toBe('none')
  })

  it('one worker and two workers write byte-identical files', () => {
    const a = cli(['collate', 'q.csv', '--snapshot', snap, '--out', 'w1.csv', '--workers', '1', '--batch', '5', '--quiet'])
    const b = cli(['collate', 'q.csv', '--snapshot', snap, '--out', 'w2.csv', '--workers', '2', '--batch', '3', '--quiet'])
    expect([a.status, b.status]).toEqual([0, 0])
    expect(readFileSync(join(tmp, 'w1.csv'))).toEqual(readFileSync(join(tmp, 'w2.csv')))
    expect(readFileSync(join(tmp, 'w1.csv'))).toEqual(readFileSync(join(tmp, 'r.csv')))
  })

  it('without a qid column, qid is the data row number (1 = first row after the header)', () => {
    const lines = ['name_kana,birth_date']
    for (const p of people.slice(0, 20)) lines.push(`${p.kana.replace(' ', '　')},${p.birth.replace(/-/g, '/')}`)
    writeFileSync(join(tmp, 'noqid.csv'), lines.join('\r\n') + '\r\n')
    const r = cli(['collate', 'noqid.csv', '--snapshot', snap, '--out', 'noqid-r.csv', '--quiet', '--json'])
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/no qid column/)
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 20, skipped: 0 })
    const got = read(join(tmp, 'noqid-r.csv'))
    expect(got.map((g) => g.qid)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)))
    for (let i = 0; i < 20; i++) expect(got[i]!.candidates.split('|')).toContain(people[i]!.id)
  })

  it('CP932 in and out; broken CP932 bytes give one error row, never a lost row', () => {
    const head = iconv.encode('qid,name,birth_date,sex,address\n', 'cp932')
    const good = people.slice(0, 5).map((p, i) => iconv.encode(`c${i},${p.name},${p.birth},${p.sex === '1' ? '男' : '女'},${p.address}\n`, 'cp932'))
    const broken = Buffer.concat([Buffer.from('c-broken,'), Buffer.from([0x82]), Buffer.from(',1970-01-01,1,\n')]) // lead byte, no trail
    writeFileSync(join(tmp, 'q932.csv'), Buffer.concat([head, good[0]!, good[1]!, broken, ...good.slice(2)]))
    const r = cli(['collate', 'q932.csv', '--snapshot', snap, '--out', 'r932.csv', '--encoding', 'cp932', '--quiet'])
    expect(r.status).toBe(0)
    const text = iconv.decode(readFileSync(join(tmp, 'r932.csv')), 'cp932')
    const got = parse(text, { columns: true }) as Record<string, string>[]
    expect(got.map((g) => g.qid)).toEqual(['c0', 'c1', 'c-broken', 'c2', 'c3', 'c4'])
    expect(got[2]).toMatchObject({ grade: 'error', error: expect.stringMatching(/^BAD_ENCODING: /) })
    expect(got.filter((g) => g.grade === 'confirmed').map((g) => g.resident_id)).toEqual(people.slice(0, 5).map((p) => p.id))
  })

  it('refuses a query file without query columns and a missing snapshot, without touching --out', () => {
    writeFileSync(join(tmp, 'keep.csv'), 'precious\n')
    writeFileSync(join(tmp, 'nocols.csv'), 'qid,foo\n1,2\n')
    const a = cli(['collate', 'nocols.csv', '--snapshot', snap, '--out', 'keep.csv', '--quiet'])
    expect(a.status).toBe(2)
    expect(a.stderr).toMatch(/BAD_HEADER/)
    expect(readFileSync(join(tmp, 'keep.csv'), 'utf8')).toBe('precious\n')
    const b = cli(['collate', 'q.csv', '--snapshot', join(tmp, 'nope'), '--out', 'nope.csv', '--quiet'])
    expect(b.status).not.toBe(0)
    expect(b.stderr).toMatch(/nayose: [A-Z_]+: /)
  })
})
