import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { csvRows, fixtures } from './store-helpers.js'
import { buildSnapshot } from '../../src/store/build.js'
import { FIELD, decodeMatchRow, isDeleted, residentIdOf, encodeMatchRow } from '../../src/store/match-row.js'
import { Snapshot, readEncryptionKey } from '../../src/store/snapshot.js'

const tmp = mkdtempSync(join(tmpdir(), 'nayose-build-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))


describe('snapshot build', () => {
  it('loads every good row with records, ids and match rows from the WASM normaliser', async () => {
    const out = join(tmp, 'good')
    const s = await buildSnapshot(join(fixtures, 'residents-good.csv'), out, { quiet: true })
    expect(s).toMatchObject({ read: 6, loaded: 6, rejected: 0 })
    const snap = Snapshot.open(out)
    try {
      const m = snap.manifest()
      expect(m.version).toBe(s.version)
      expect(m.counts).toEqual({ resident: 3, moved_out: 1, deceased: 1, removed: 1, live: 6 })
      expect(m.rows).toBe(6)
      expect(m.source.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).version).toBe(s.version)
      const rows: { row: number; r: ReturnType<typeof decodeMatchRow> }[] = []
      for (const { row, bytes } of snap.rows()) rows.push({ row, r: decodeMatchRow(bytes) }) // bytes: valid for this step only
      expect(rows.map((x) => x.r.residentId)).toEqual(['10000000001', '10000000002', '10000000003', '10000000004', '10000000005', '10000000006'])
      const taro = rows[0]!.r
      expect(taro.status).toBe(0)
      const name = taro.fields.find((f) => f.id === FIELD.name)!
      expect(name.status).toBe(0)
      expect(name.slots[0]).toBe('山田太郎')
      expect(name.ints[0]).toBe(2) // 氏/名 split
      const date = taro.fields.find((f) => f.id === FIELD.birth_date)!
      expect(date.ints).toEqual([19700302])
      expect(taro.fields.map((f) => f.id)).toEqual([0, 1, 2, 3, 4, 5])
      // a row round-trips through decode → encode byte for byte
      for (const { bytes } of snap.rows()) expect(encodeMatchRow(decodeMatchRow(bytes))).toEqual(new Uint8Array(bytes))
      // foreign resident: alias and roman name fields present
      expect(rows[4]!.r.fields.map((f) => f.id)).toEqual([0, 1, 2, 3, 4, 5, 9, 10, 11])
      expect(snap.rowOf('10000000003')).toBe(2)
      expect(snap.record('10000000003')).toMatchObject({ status: 'deceased', status_date: '2020-04-01', name: '髙橋 一郎' })
      expect(snap.record('10000000003')!.my_number).toBeUndefined()
      expect(snap.scanCounts()).toEqual({ live: 6, tombstones: 0, byStatus: [3, 1, 1, 1] })
    } finally {
      snap.close()
    }
  })

  it('bad rows: the reject file accounts for every bad row, all good ones load', async () => {
    const out = join(tmp, 'bad')
    const s = await buildSnapshot(join(fixtures, 'residents-bad.csv'), out, { quiet: true })
    expect(s.read).toBe(s.loaded + s.rejected)
    expect(s.loaded).toBe(5)
    const rejects = await csvRows(join(out, 'rejects.csv'))
    expect(rejects).toHaveLength(s.rejected)
    const byLine = Object.fromEntries(rejects.map((r) => [Number(r.fields.line), r.fields.reason!.split(':')[0]]))
    expect(byLine).toEqual({
      3: 'BAD_CHECK_DIGIT', 4: 'BAD_DATE', 5: 'BAD_STATUS', 6: 'MISSING_COLUMNS', 8: 'DUPLICATE_ID',
      9: 'BAD_RESIDENT_ID', 10: 'BAD_SEX', 11: 'EMPTY_NAME', 12: 'BAD_STATUS_DATE', 13: 'BAD_MY_NUMBER',
    })
    expect(rejects[0]!.fields.raw).toContain('10000000011')
    const snap = Snapshot.open(out)
    try {
      expect(snap.record('10000000020')?.address).toBe('東京都港区\n芝公園4-2-8')
      expect(snap.manifest().build).toMatchObject({ read: 15, loaded: 5, rejected: 10 })
    } finally {
      snap.close()
    }
  })

  it('the bad-rows file in CP932, plus broken bytes: every bad row accounted for, every good one loaded', async () => {
    const s = await buildSnapshot(join(fixtures, 'residents-bad-cp932.csv'), join(tmp, 'badcp'), { quiet: true, encoding: 'cp932' })
    expect(s).toMatchObject({ read: 16, loaded: 5, rejected: 11 })
    expect(s.rejectsByCode.BAD_ENCODING).toBe(1)
    const rejects = await csvRows(join(tmp, 'badcp', 'rejects.csv'))
    expect(rejects.map((r) => Number(r.fields.line))).toEqual([3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 18])
  })

  it('CP932: decodes good rows and rejects the row with broken bytes', async () => {
    const s1 = await buildSnapshot(join(fixtures, 'residents-cp932.csv'), join(tmp, 'cp'), { quiet: true, encoding: 'cp932' })
    expect(s1).toMatchObject({ read: 6, loaded: 6, rejected: 0 })
    const s2 = await buildSnapshot(join(fixtures, 'residents-cp932-broken.csv'), join(tmp, 'cpb'), { quiet: true, encoding: 'cp932' })
    expect(s2).toMatchObject({ read: 4, loaded: 3, rejected: 1, rejectsByCode: { BAD_ENCODING: 1 } })
    const snap = Snapshot.open(join(tmp, 'cp'))
    try {
      expect(snap.record('10000000004')?.name).toBe('渡邉　美咲')
    } finally {
      snap.close()
    }
  })

  it('merges many sorted spool runs: every record and id lands, whatever the input order', async () => {
    const header = readFileSync(join(fixtures, 'residents-good.csv'), 'utf8').split('\n')[0]
    const ids = Array.from({ length: 2500 }, (_, i) => String(10_000_000_000 + ((i * 7919) % 2500) * 13).padStart(11, '0'))
    const csv = join(tmp, 'many.csv')
    writeFileSync(csv, [header, ...ids.map((id, i) => `${id},,名 ${i},,,,,,,1990-01-01,${1 + (i % 2)},東京都千代田区千代田${i},,resident,`)].join('\n') + '\n')
    const out = join(tmp, 'many')
    const s = await buildSnapshot(csv, out, { quiet: true, spoolRunRecords: 300, batchRows: 128 })
    expect(s).toMatchObject({ read: 2500, loaded: 2500, rejected: 0 })
    const snap = Snapshot.open(out)
    try {
      ids.forEach((id, i) => {
        expect(snap.record(id)?.name).toBe(`名 ${i}`)
        expect(residentIdOf(snap.row(snap.rowOf(id)!)!)).toBe(id)
      })
    } finally {
      snap.close()
    }
  })

  it('refuses to overwrite without force, marks SYNTHETIC, and leaves no half snapshot on failure', async () => {
    const out = join(tmp, 'good')
    await expect(buildSnapshot(join(fixtures, 'residents-good.csv'), out, { quiet: true })).rejects.toMatchObject({ code: 'EXISTS' })
    const s = await buildSnapshot(join(fixtures, 'residents-good.csv'), out, { quiet: true, force: true, synthetic: true })
    expect(s.manifest.synthetic).toBe(true)
    const broken = join(tmp, 'header.csv')
    writeFileSync(broken, 'resident_id,name\n1,x\n')
    await expect(buildSnapshot(broken, join(tmp, 'never'), { quiet: true })).rejects.toMatchObject({ code: 'BAD_HEADER' })
    expect(existsSync(join(tmp, 'never'))).toBe(false)
  })

  it('encryption at rest: opens with the key, refuses without it', async () => {
    const keyFile = join(tmp, 'key')
    writeFileSync(keyFile, 'ab'.repeat(32) + '\n')
    const key = readEncryptionKey(keyFile)
    expect(key.length).toBe(32)
    const out = join(tmp, 'enc')
    const s = await buildSnapshot(join(fixtures, 'residents-bad.csv'), out, { quiet: true, encryptionKey: key })
    expect(s.manifest.encrypted).toBe(true)
    expect(readFileSync(join(out, 'data.mdb')).includes(Buffer.from('芝公園'))).toBe(false)
    const rejects = await csvRows(join(out, 'rejects.csv'))
    expect(rejects.every((r) => r.fields.raw === '')).toBe(true)
    expect(() => Snapshot.open(out)).toThrow(/encrypted/)
    const snap = Snapshot.open(out, { encryptionKey: key })
    try {
      expect(snap.record('10000000001')?.name).toBe('山田 太郎')
      const ids: string[] = []
      for (const r of snap.rows()) if (!isDeleted(r.bytes)) ids.push(residentIdOf(r.bytes))
      expect(new Set(ids).size).toBe(5)
    } finally {
      snap.close()
    }
  })
})
