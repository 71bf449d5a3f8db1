import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// The real CLI, as a user runs it: residents → queries + truth → delta → recount.
const run = promisify(execFile)
const bin = join(import.meta.dirname, '..', '..', 'bin', 'nayose.js')
const dir = mkdtempSync(join(tmpdir(), 'nayose-gen-cli-'))
const nayose = (...args: string[]) => run('node', [bin, ...args], { maxBuffer: 1 << 24 })

describe('nayose gen (CLI)', () => {
  it('writes residents, queries with truth, and a delta that agree with each other', async () => {
    const r = join(dir, 'SYNTHETIC-r.csv'), q = join(dir, 'q.csv'), t = join(dir, 't.csv'), d = join(dir, 'd.csv')
    const a = await nayose('gen', 'residents', '--n', '3000', '--seed', '3', '--out', r)
    expect(a.stderr).toMatch(/3000 SYNTHETIC residents/)
    expect(readFileSync(r, 'utf8').split('\r\n').length).toBe(3002)

    const b = await nayose('gen', 'queries', '--from', r, '--n', '400', '--seed', '3', '--out', q, '--truth', t, '--absent', '0.25')
    expect(b.stderr).toMatch(/400 queries/)
    const truth = readFileSync(t, 'utf8').split('\r\n').filter(Boolean)
    expect(truth[0]).toBe('qid,resident_id,category,corruptions')
    expect(truth.length).toBe(401)
    expect(truth.slice(1).filter((l) => l.split(',')[1] === '').length).toBe(100)

    await nayose('gen', 'delta', '--from', r, '--n', '50', '--seed', '3', '--out', d)
    expect(readFileSync(d, 'utf8').split('\r\n')[0]).toMatch(/,op,effective_date$/)

    const c = await nayose('gen', 'recount', '--from', r, '--queries', q, '--truth', t)
    expect(c.stdout).toMatch(/\| residents \/ households \/ mean size \| 3000 \//)
    expect(c.stdout).toMatch(/truth aligned: true/)
    expect(c.stdout).toMatch(/found in it: 0;/)
  }, 240_000) // five CLI runs, each loading the source tables, on a shared 2-core machine

  it('writes CP932 on request and rejects bad options with exit code 2', async () => {
    const s = join(dir, 'sjis.csv')
    await nayose('gen', 'residents', '--n', '200', '--seed', '4', '--out', s, '--encoding', 'cp932')
    expect(readFileSync(s).includes(Buffer.from('resident_id,my_number', 'ascii'))).toBe(true)
    await expect(nayose('gen', 'residents', '--n', '10', '--out', s, '--encoding', 'latin1')).rejects.toMatchObject({ code: 2 })
    await expect(nayose('gen', 'queries', '--from', join(dir, 'missing.csv'), '--n', '1')).rejects.toMatchObject({ code: 2 })
  }, 120_000)
})
