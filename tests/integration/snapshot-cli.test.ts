// The `nayose snapshot` commands end to end, through the compiled CLI (npm test builds first).
import { afterAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const fixtures = join(root, 'tests/fixtures/store')
const tmp = mkdtempSync(join(tmpdir(), 'nayose-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const nayose = (...args: string[]) => execFileSync('node', [join(root, 'bin/nayose.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

describe.skipIf(!existsSync(join(root, 'dist/src/cli/main.js')))('nayose snapshot', () => {
  it('build → info → delta → info', () => {
    const dir = join(tmp, 's')
    const out = nayose('snapshot', 'build', join(fixtures, 'residents-bad.csv'), '--out', dir, '--quiet')
    expect(out).toContain('read 15 = loaded 5 + rejected 10')
    expect(out).toContain(join(dir, 'rejects.csv'))
    const info = nayose('snapshot', 'info', dir)
    expect(info).toMatch(/records +5 live: resident 3, moved_out 1, deceased 1, removed 0/)
    expect(info).toMatch(/build +read 15 = loaded 5 \+ rejected 10/)
    const before = JSON.parse(nayose('snapshot', 'info', dir, '--json'))
    const d = JSON.parse(nayose('snapshot', 'delta', dir, join(fixtures, 'delta-1.csv'), '--json', '--quiet'))
    expect(d).toMatchObject({ previous: before.version, read: 10 })
    expect(d.read).toBe(d.applied + d.rejected)
    const after = JSON.parse(nayose('snapshot', 'info', dir, '--json', '--verify'))
    expect(after.version).toBe(d.version)
    expect(after.verify.ok).toBe(true)
    expect(after.counts.live).toBe(after.verify.live)
  })

  it('build writes the index image after the CSV step (two processes), or none with --no-image; a failing build keeps its exit code', () => {
    const dir = join(tmp, 'img')
    const j = JSON.parse(nayose('snapshot', 'build', join(fixtures, 'residents-good.csv'), '--out', dir, '--quiet', '--json'))
    expect(j).toMatchObject({ dir, synthetic: false, read: j.loaded + j.rejected })
    expect(j.image.path).toBe(join(dir, 'index', `${j.version}.img`))
    expect(existsSync(j.image.path)).toBe(true)
    expect(nayose('snapshot', 'info', dir)).toMatch(/index image +ok/)
    const text = nayose('snapshot', 'build', join(fixtures, 'residents-good.csv'), '--out', dir, '--quiet', '--force')
    expect(text).toMatch(/^snapshot v1-[0-9a-f]{8} in /)
    expect(text).toMatch(/index image: .*\.img \(\d+ MB/)
    const bare = join(tmp, 'noimg')
    const k = JSON.parse(nayose('snapshot', 'build', join(fixtures, 'residents-good.csv'), '--out', bare, '--quiet', '--json', '--no-image'))
    expect(k.image).toBeUndefined()
    expect(existsSync(join(bare, 'index'))).toBe(false)
    expect(nayose('snapshot', 'info', bare)).toMatch(/index image +none/)
    let err: { status?: number; stderr?: string } = {}
    try { nayose('snapshot', 'build', join(fixtures, 'residents-good.csv'), '--out', bare, '--quiet') } catch (e) { err = e as typeof err }
    expect(err.status).not.toBe(0)
    expect(String(err.stderr)).toMatch(/EXISTS|already exists/)
  })

  it('encrypted: info needs the right key (a wrong one is a one-line BAD_KEY, in its own process)', () => {
    const dir = join(tmp, 'enc')
    const key = join(tmp, 'key'), wrong = join(tmp, 'wrong')
    writeFileSync(key, randomBytes(32))
    writeFileSync(wrong, randomBytes(32).toString('hex'))
    nayose('snapshot', 'build', join(fixtures, 'residents-good.csv'), '--out', dir, '--quiet', '--encryption-key-file', key)
    expect(nayose('snapshot', 'info', dir, '--encryption-key-file', key)).toMatch(/encrypted +yes/)
    expect(() => nayose('snapshot', 'info', dir)).toThrow(/ENCRYPTED/)
    expect(() => nayose('snapshot', 'info', dir, '--encryption-key-file', wrong)).toThrow(/BAD_KEY/)
  })

  it('CP932 with --encoding, and a one-line error for a bad encoding name', () => {
    const out = nayose('snapshot', 'build', join(fixtures, 'residents-cp932-broken.csv'), '--out', join(tmp, 'cp'), '--encoding', 'cp932', '--quiet', '--json')
    expect(JSON.parse(out)).toMatchObject({ read: 4, loaded: 3, rejected: 1, rejects_by_code: { BAD_ENCODING: 1 } })
    expect(() => nayose('snapshot', 'build', join(fixtures, 'residents-good.csv'), '--out', join(tmp, 'x'), '--encoding', 'latin1')).toThrow(/BAD_ENCODING/)
  })
})
