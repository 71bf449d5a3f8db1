import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { csvRows, fixtures } from './store-helpers.js'
import { buildSnapshot } from '../../src/store/build.js'
import { applyDelta } from '../../src/store/delta.js'
import { decodeMatchRow, isDeleted, residentIdOf } from '../../src/store/match-row.js'
import { Snapshot } from '../../src/store/snapshot.js'

const tmp = mkdtempSync(join(tmpdir(), 'nayose-delta-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))


describe('snapshot delta', () => {
  it('applies adds, updates and removes as one new version; conflicts are rejected; old readers keep the old version', async () => {
    const dir = join(tmp, 's')
    const built = await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const old = Snapshot.open(dir)
    const d = await applyDelta(dir, join(fixtures, 'delta-1.csv'), { quiet: true })
    try {
      expect(d.previous).toBe(built.version)
      expect(d.version).not.toBe(built.version)
      expect(d.version).toMatch(/^v2-/)
      expect(d.read).toBe(d.applied + d.rejected)
      expect(d.ops).toEqual({ add: 1, update: 3, remove: 1 })
      expect(d.changes.map((c) => [c.resident_id, c.kind])).toEqual([
        ['10000000001', 'moved'], ['10000000002', 'deceased'], ['10000000007', 'added'], ['10000000006', 'removed'], ['10000000005', 'renamed'],
      ])
      expect(d.changes[0]!.effective_date).toBe('2026-11-01')
      const rejects = await csvRows(d.rejectsFile!)
      expect(rejects.map((r) => [Number(r.fields.line), r.fields.reason!.split(':')[0]])).toEqual([
        [6, 'UNKNOWN_ID'], [7, 'ADD_EXISTS'], [8, 'UNKNOWN_ID'], [10, 'BAD_OP'], [11, 'BAD_DATE'],
      ])
      // the reader opened before the delta still sees the old version, whole
      expect(old.version).toBe(built.version)
      expect(old.record('10000000006')?.status).toBe('removed')
      expect(old.record('10000000007')).toBeUndefined()
      expect(old.scanCounts().live).toBe(6)
      // a new reader sees the new version, consistent with its manifest
      const cur = Snapshot.open(dir)
      try {
        const m = cur.manifest()
        expect(m.version).toBe(d.version)
        expect(m.parent).toBe(built.version)
        expect(m.counts).toEqual({ resident: 3, moved_out: 1, deceased: 2, removed: 0, live: 6 })
        expect(m.rows).toBe(7)
        expect(m.tombstones).toBe(1)
        expect(cur.scanCounts()).toEqual({ live: 6, tombstones: 1, byStatus: [3, 1, 2, 0] })
        expect(cur.record('10000000006')).toBeUndefined()
        expect(cur.rowOf('10000000006')).toBeUndefined()
        const t = cur.row(5)!
        expect(isDeleted(t)).toBe(true)
        expect(residentIdOf(t)).toBe('10000000006')
        expect(decodeMatchRow(t).fields).toEqual([]) // a removed person's keys do not linger
        expect(cur.rowOf('10000000007')).toBe(6)
        expect(cur.record('10000000001')?.address).toBe('東京都千代田区丸の内1-1')
        expect(cur.record('10000000005')?.alias).toBeUndefined()
        expect(decodeMatchRow(cur.row(1)!).status).toBe(2)
        expect(m.deltas.at(-1)).toMatchObject({ version: d.version, read: 10, applied: 5, rejected: 5, ops: { add: 1, update: 3, remove: 1 } })
        expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).version).toBe(d.version)
      } finally {
        cur.close()
      }
    } finally {
      old.close()
    }
  })

  it('rows of one file see each other (add, update, remove, add again) and an all-rejected file makes no version', async () => {
    const dir = join(tmp, 's2')
    const built = await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const header = readFileSync(join(fixtures, 'delta-1.csv'), 'utf8').split('\n')[0]
    const rec = (status: string, date: string, op: string) => `10000000050,,森 新,モリ アラタ,,,,,,2000-01-01,1,東京都千代田区千代田1-1,,${status},${date},${op},`
    writeFileSync(join(tmp, 'seq.csv'), [header, rec('resident', '', 'add'), rec('moved_out', '2026-11-01', 'update'), rec('', '', 'remove'), rec('resident', '', 'add')].join('\n') + '\n')
    const d = await applyDelta(dir, join(tmp, 'seq.csv'), { quiet: true })
    expect(d.changes.map((c) => [c.kind, c.row])).toEqual([['added', 6], ['moved', 6], ['removed', 6], ['added', 7]])
    writeFileSync(join(tmp, 'none.csv'), [header, rec('resident', '', 'add')].join('\n') + '\n')
    const n = await applyDelta(dir, join(tmp, 'none.csv'), { quiet: true })
    expect(n).toMatchObject({ applied: 0, rejected: 1, version: d.version })
    const s = Snapshot.open(dir)
    try {
      expect(s.manifest()).toMatchObject({ version: d.version, seq: 2, rows: 8, tombstones: 1, counts: { live: 7 } })
      expect(s.manifest().parent).toBe(built.version)
    } finally {
      s.close()
    }
  })
})
