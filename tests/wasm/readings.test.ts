import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The name-reading dictionary (assembly/query/readings.ts) and the kanji variant fold
// (assembly/normalize/variants.ts), through a tiny entry compiled here (the lead owns
// assembly/index.ts): nameKey folds the input, readingCount looks the key up.
const root = new URL('../../', import.meta.url).pathname
const SURNAME = 0, GIVEN = 1
let dir: string
let e: Record<string, any>

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'data', 'build-tables.mjs')], { cwd: root, stdio: 'ignore' })
  dir = mkdtempSync(join(tmpdir(), 'nayose-readings-'))
  const out = join(dir, 'readings.wasm')
  execFileSync(process.execPath, [join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
    'tests/wasm/readings-entry.ts', '-O3', '--runtime', 'stub', '--enable', 'simd', '--enable', 'bulk-memory',
    '-o', out], { cwd: root, stdio: 'pipe' })
  const abort = () => { throw new Error('wasm abort') }
  e = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)),
    { env: { abort, trace() {}, seed: () => 0 } }).exports as Record<string, any>
})
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }) })

function readings(kind: number, name: string): { reading: string, flags: number }[] {
  const u16 = new Uint16Array(e.memory.buffer)
  const b = e.bufPtr() >>> 1
  for (let j = 0; j < name.length; j++) u16[b + j] = name.charCodeAt(j)
  const keyLen = e.fold(name.length)
  expect(keyLen).toBeGreaterThan(0)
  const n = e.lookup(kind, keyLen)
  const out = []
  for (let i = 0; i < n; i++) {
    const units = new Uint16Array(e.memory.buffer, e.ptr(i), e.len(i))
    out.push({ reading: String.fromCharCode(...units), flags: e.flags(i) })
  }
  return out
}
const list = (kind: number, name: string) => readings(kind, name).map((r) => r.reading)

describe('readings dictionary in WASM', () => {
  it('佐藤 → サトウ, first and known to ipadic', () => {
    const r = readings(SURNAME, '佐藤')
    expect(r[0]).toEqual({ reading: 'サトウ', flags: 3 })
  })
  it('幸子 → サチコ and ユキコ', () => {
    expect(list(GIVEN, '幸子')).toEqual(expect.arrayContaining(['サチコ', 'ユキコ']))
  })
  it('東海林 has ショウジ and トウカイリン', () => {
    expect(list(SURNAME, '東海林')).toEqual(expect.arrayContaining(['ショウジ', 'トウカイリン']))
  })
  it('中島 ナカジマ/ナカシマ, 河野 コウノ/カワノ, 山崎 ヤマザキ/ヤマサキ', () => {
    expect(list(SURNAME, '中島')).toEqual(expect.arrayContaining(['ナカジマ', 'ナカシマ']))
    expect(list(SURNAME, '河野')).toEqual(expect.arrayContaining(['コウノ', 'カワノ']))
    expect(list(SURNAME, '山崎')).toEqual(expect.arrayContaining(['ヤマザキ', 'ヤマサキ']))
  })
  it('a variant spelling finds the same record: 髙橋 → タカハシ, 渡邊 → ワタナベ, 山﨑 → ヤマザキ', () => {
    expect(list(SURNAME, '髙橋')).toContain('タカハシ')
    expect(list(SURNAME, '髙橋')).toEqual(list(SURNAME, '高橋'))
    expect(list(SURNAME, '渡邊')).toContain('ワタナベ')
    expect(list(SURNAME, '山﨑')).toContain('ヤマザキ')
  })
  it('keeps surnames and given names apart', () => {
    expect(list(GIVEN, '佐藤')).not.toContain('サトウ')
    expect(list(SURNAME, '幸子')).not.toContain('サチコ')
    expect(list(GIVEN, '花子')).toContain('ハナコ')
  })
  it('an unknown or partial key has no readings', () => {
    expect(list(SURNAME, '佐藤藤')).toEqual([])
    expect(list(SURNAME, 'ヤマダ')).toEqual([])
    expect(e.lookup(SURNAME, 0)).toBe(0)
  })
  it('readings are katakana, ipadic-known first', () => {
    for (const [k, n] of [[SURNAME, '鈴木'], [GIVEN, '愛'], [SURNAME, '大豆生田']] as const) {
      const r = readings(k, n)
      expect(r.length).toBeGreaterThan(0)
      for (const x of r) expect(x.reading).toMatch(/^[\u30A1-\u30FA\u30FC]+$/)
      const firstEnamdictOnly = r.findIndex((x) => x.flags === 2)
      if (firstEnamdictOnly >= 0) expect(r.slice(firstEnamdictOnly).every((x) => x.flags === 2)).toBe(true)
    }
  })
  it('the lookup after another one still reads right (static buffer reused)', () => {
    list(GIVEN, '愛')
    expect(list(SURNAME, '佐藤')[0]).toBe('サトウ')
  })
})

describe('variantOf in WASM', () => {
  it.each([['髙', '高'], ['﨑', '崎'], ['邊', '辺'], ['齋', '斎'], ['𠮷', '吉'], ['槇', '槙'], ['渕', '淵']])('%s → %s', (v, c) => {
    expect(e.variant(v.codePointAt(0))).toBe(c.codePointAt(0))
  })
  it('agrees with the TSV on every row, and leaves canonicals and kana alone', () => {
    const rows = readFileSync(join(root, 'data', 'tables', 'kanji-variants.tsv'), 'utf8').split('\n')
      .filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t'))
    const wrong = rows.filter(([v, c]) => e.variant(v!.codePointAt(0)) !== c!.codePointAt(0) ||
      e.variant(c!.codePointAt(0)) !== c!.codePointAt(0))
    expect(wrong).toEqual([])
    for (const c of '斎斉籐藤アあA佐') expect(e.variant(c.codePointAt(0))).toBe(c.codePointAt(0))
  })
})
