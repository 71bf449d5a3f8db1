// `nayose collate --resume` after a real interruption: a child process killed with SIGKILL, or
// stopped with SIGINT, mid-run; the resumed file must equal an uninterrupted run byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSnapshot } from '../../src/store/build.js'

const root = new URL('../../', import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), 'nayose-collate-resume-'))
const snap = join(tmp, 'snap')
const QUERIES = 40_000
const KILL_AT_BYTES = 150_000

const SURNAMES = [['山田', 'ヤマダ'], ['鈴木', 'スズキ'], ['髙橋', 'タカハシ'], ['田中', 'タナカ'], ['伊藤', 'イトウ'], ['渡邉', 'ワタナベ']]
const GIVEN = [['太郎', 'タロウ', '1'], ['花子', 'ハナコ', '2'], ['一郎', 'イチロウ', '1'], ['美咲', 'ミサキ', '2'], ['健太', 'ケンタ', '1']]
const people = Array.from({ length: 90 }, (_, i) => {
  const [s, sk] = SURNAMES[i % SURNAMES.length]!, [g, gk, sex] = GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]!
  const birth = new Date(Date.UTC(1950, 0, 1) + i * 131 * 86_400_000).toISOString().slice(0, 10)
  return { id: String(40000000000 + i * 11), name: `${s} ${g}`, kana: `${sk} ${gk}`, birth, sex: sex!, address: `大阪府大阪市北区梅田${(i % 3) + 1}丁目${(i % 7) + 1}番${(i % 5) + 1}号` }
})

const args = (out: string, extra: string[] = []) => [join(root, 'bin/nayose.js'), 'collate', 'q.csv', '--snapshot', snap, '--out', out, '--batch', '256', '--workers', '2', '--quiet', ...extra]

/** Starts collate, sends `signal` once `out` holds more than KILL_AT_BYTES, resolves with the exit. */
function interrupt(out: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; sent: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args(out), { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = '', sent = false
    child.stderr.on('data', (d) => { stderr += d })
    const poll = setInterval(() => {
      if (!sent && existsSync(join(tmp, out)) && statSync(join(tmp, out)).size > KILL_AT_BYTES) { sent = true; child.kill(signal) }
    }, 5)
    child.on('exit', (code, sig) => { clearInterval(poll); resolve({ code, signal: sig, stderr, sent }) })
  })
}

let full: Buffer
// byte equality of multi-MB files (toEqual walks them element by element: minutes)
const same = (a: Buffer, b: Buffer) => a.length === b.length && a.equals(b)

beforeAll(async () => {
  const lines = ['resident_id,my_number,name,name_kana,former_surname,former_surname_kana,alias,alias_kana,name_roman,birth_date,sex,address,household_id,status,status_date']
  for (const p of people) lines.push(`${p.id},,${p.name},${p.kana},,,,,,${p.birth},${p.sex},${p.address},,resident,`)
  writeFileSync(join(tmp, 'residents.csv'), lines.join('\n') + '\n')
  await buildSnapshot(join(tmp, 'residents.csv'), snap, { quiet: true, synthetic: true })
  const q = ['qid,name_kana,birth_date,sex,address']
  for (let i = 0; i < QUERIES; i++) {
    const p = people[i % people.length]!
    // every 1000th row is bad: errors must survive the interruption in place too
    q.push(`q${i},${p.kana},${i % 1000 === 999 ? '1990-13-45' : p.birth},${p.sex},${i % 3 ? p.address : ''}`)
  }
  writeFileSync(join(tmp, 'q.csv'), q.join('\n') + '\n')
  const r = spawnSync(process.execPath, args('full.csv'), { cwd: tmp, encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  full = readFileSync(join(tmp, 'full.csv'))
  expect(full.toString('utf8').split('\n').length).toBe(QUERIES + 2)
}, 240_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('collate --resume', () => {
  it('after SIGKILL mid-run (plus a torn last row): no row lost, none duplicated', async () => {
    const r = await interrupt('killed.csv', 'SIGKILL')
    expect(r.sent).toBe(true)
    expect(r.signal).toBe('SIGKILL')
    const partial = readFileSync(join(tmp, 'killed.csv'))
    expect(partial.length).toBeLessThan(full.length)
    expect(same(full.subarray(0, partial.lastIndexOf(10) + 1), partial.subarray(0, partial.lastIndexOf(10) + 1))).toBe(true)
    appendFileSync(join(tmp, 'killed.csv'), 'q99999999,confir') // a write cut short
    const res = spawnSync(process.execPath, args('killed.csv', ['--resume']), { cwd: tmp, encoding: 'utf8' })
    expect(res.status, res.stderr).toBe(0)
    expect(res.stderr).toMatch(/resuming after \d+ rows.*cut a torn last row of 16 bytes/)
    expect(same(readFileSync(join(tmp, 'killed.csv')), full)).toBe(true)
  })

  it('SIGINT: finishes the batches in flight, exits 130, says how to resume; resuming completes the file', async () => {
    const r = await interrupt('int.csv', 'SIGINT')
    expect(r.sent).toBe(true)
    expect(r.code).toBe(130)
    expect(r.stderr).toMatch(/--resume/)
    const partial = readFileSync(join(tmp, 'int.csv'))
    expect(partial.length).toBeLessThan(full.length)
    expect(partial[partial.length - 1]).toBe(10) // whole rows only
    expect(same(full.subarray(0, partial.length), partial)).toBe(true)
    const res = spawnSync(process.execPath, args('int.csv', ['--resume']), { cwd: tmp, encoding: 'utf8' })
    expect(res.status, res.stderr).toBe(0)
    expect(same(readFileSync(join(tmp, 'int.csv')), full)).toBe(true)
    // resuming a finished file writes nothing more
    const again = spawnSync(process.execPath, [...args('int.csv', ['--resume']), '--json'], { cwd: tmp, encoding: 'utf8' })
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 0, skipped: QUERIES })
    expect(same(readFileSync(join(tmp, 'int.csv')), full)).toBe(true)
  })
})
