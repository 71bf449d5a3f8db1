// kill -9 at random moments during a large delta, with a real child process: afterwards the
// snapshot is exactly the old version or the new one, and its counts agree with its rows.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSnapshot } from '../../src/store/build.js'
import { applyDelta } from '../../src/store/delta.js'
import type { Manifest } from '../../src/store/manifest.js'
import { myNumberCheckDigit } from '../../src/store/validate.js'

const root = new URL('../../', import.meta.url).pathname
const child = join(root, 'tests/fixtures/store/delta-child.mjs')
const HEADER = 'resident_id,my_number,name,name_kana,former_surname,former_surname_kana,alias,alias_kana,name_roman,birth_date,sex,address,household_id,status,status_date'
const SURNAMES = ['山田', '佐藤', '鈴木', '髙橋', '渡邉'], KANA = ['ヤマダ', 'サトウ', 'スズキ', 'タカハシ', 'ワタナベ']

function person(i: number, variant = 0): string {
  const id = String(20000000000 + i)
  const mn = String(30000000000 + i)
  const s = (i + variant) % 5
  const status = variant && i % 3 === 0 ? 'moved_out,2026-11-01' : 'resident,'
  return `${id},${mn}${myNumberCheckDigit(mn)},${SURNAMES[s]} 太郎${i % 97},${KANA[s]} タロウ,,,,,,${1930 + (i % 90)}-0${1 + (i % 9)}-1${i % 10},${1 + (i % 2)},東京都千代田区千代田${1 + (i % 9)}-${1 + (i % 30)}-${variant + 1},,${status}`
}

const tmp = mkdtempSync(join(tmpdir(), 'nayose-kill-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const BASE = 4000, ADDS = 2000, REMOVES = 1000, ROUNDS = 5

function info(dir: string): Manifest & { verify: { ok: boolean; live: number; tombstones: number } } {
  return JSON.parse(execFileSync('node', [child, 'info', dir], { encoding: 'utf8' }))
}

describe.skipIf(!existsSync(join(root, 'dist/src/store/delta.js')))('kill -9 during a delta', () => {
  it('leaves exactly the old or the new version, with consistent counts', async () => {
    const residents = join(tmp, 'residents.csv')
    writeFileSync(residents, [HEADER, ...Array.from({ length: BASE }, (_, i) => person(i))].join('\n') + '\n')
    const base = join(tmp, 'base')
    const built = await buildSnapshot(residents, base, { quiet: true })
    // updates of every resident, then adds and removes
    const rows = [HEADER + ',op,effective_date']
    for (let i = 0; i < BASE; i++) rows.push(`${person(i, 1)},update,2026-11-01`)
    for (let i = BASE; i < BASE + ADDS; i++) rows.push(`${person(i)},add,2026-11-01`)
    for (let i = 0; i < REMOVES; i++) rows.push(`${String(20000000000 + i * 4)},,,,,,,,,,,,,,,remove,2026-11-01`)
    const delta = join(tmp, 'delta.csv')
    writeFileSync(delta, rows.join('\n') + '\n')
    // the expected new version's counts, from an uninterrupted run on a copy
    cpSync(base, join(tmp, 'ref'), { recursive: true })
    const ref = await applyDelta(join(tmp, 'ref'), delta, { quiet: true })
    expect(ref.rejected).toBe(0)
    const expectNew = ref.manifest.counts

    const outcomes = { old: 0, new: 0 }
    let inTxn = 0
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(tmp, `r${round}`)
      rmSync(dir, { recursive: true, force: true })
      cpSync(base, dir, { recursive: true })
      const p = spawn('node', [child, 'delta', dir, delta], { stdio: ['ignore', 'pipe', 'inherit'] })
      const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)))
      // round 0: at a random moment before the transaction; later rounds: at a random moment
      // after it began, from well inside it to after its commit
      if (round === 0) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 300))
      } else {
        await new Promise<void>((resolve) => p.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('txn')) resolve() }))
        inTxn++
        await new Promise((r) => setTimeout(r, Math.random() * 700 * round))
      }
      p.kill('SIGKILL')
      await exited
      const m = info(dir)
      expect(m.verify.ok).toBe(true)
      if (m.version === built.version) {
        outcomes.old++
        expect(m.counts).toEqual(built.manifest.counts)
        expect(m.rows).toBe(BASE)
      } else {
        outcomes.new++
        expect(m.parent).toBe(built.version)
        expect(m.counts).toEqual(expectNew)
        expect(m.rows).toBe(BASE + ADDS)
        expect(m.tombstones).toBe(REMOVES)
      }
      // whatever happened, the snapshot takes the delta afterwards (the env is not damaged)
      if (m.version === built.version) {
        const again = await applyDelta(dir, delta, { quiet: true })
        expect(again.manifest.counts).toEqual(expectNew)
      }
    }
    expect(inTxn).toBeGreaterThan(0)
    expect(outcomes.old + outcomes.new).toBe(ROUNDS)
    console.log(`kill -9: ${JSON.stringify(outcomes)}, ${inTxn} rounds killed after the transaction began`)
  }, 120_000)
})
