// The audit log takes disclosures three ways in one event-loop turn (objects, flat lists, and
// groups packed by a match worker); all land in one log record and read back alike.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog, openAuditDbs, packGroup } from '../../src/store/audit.js'

const dir = mkdtempSync(join(tmpdir(), 'nayose-audit-packed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('audit log: packed groups', () => {
  it('records objects, flat lists and packed groups of one turn in one record, found before and after indexing and after reopening', async () => {
    const a = AuditLog.open(dir, { sync: false })
    const flatA = ['11111111111', 'q1', 'AAAAAAAAAAAAAAAAAAAAAA', '22222222222', null, 'BBBBBBBBBBBBBBBBBBBBBB']
    const flatB = ['11111111111', 7, 'CCCCCCCCCCCCCCCCCCCCCC']
    await Promise.all([
      a.record([{ resident_id: '33333333333', client: 'obj', qid: 'x', id: 'DDDDDDDDDDDDDDDDDDDDDD', fields: ['status'], via: 'change' }]),
      a.recordFlat('flat', ['status', 'name'], 'http', flatB),
      a.recordFlat('packed', ['status'], 'ws', flatA, packGroup('packed', ['status'], 'ws', flatA)),
    ])
    expect(a.frames()).toBe(1)
    const check = (log: AuditLog) => {
      const one = log.forResident('11111111111').map(e => ({ client: e.client, qid: e.qid, id: e.id, via: e.via, fields: e.fields }))
      expect(one).toHaveLength(2)
      expect(one).toContainEqual({ client: 'packed', qid: 'q1', id: 'AAAAAAAAAAAAAAAAAAAAAA', via: 'ws', fields: ['status'] })
      expect(one).toContainEqual({ client: 'flat', qid: 7, id: 'CCCCCCCCCCCCCCCCCCCCCC', via: 'http', fields: ['status', 'name'] })
      const two = log.forResident('22222222222')
      expect(two).toHaveLength(1)
      expect(two[0].qid).toBeUndefined()
      expect(log.resolvePseudonym('packed', 'BBBBBBBBBBBBBBBBBBBBBB')).toBe('22222222222')
      expect(log.resolvePseudonym('flat', 'CCCCCCCCCCCCCCCCCCCCCC')).toBe('11111111111')
      expect(log.resolvePseudonym('obj', 'DDDDDDDDDDDDDDDDDDDDDD')).toBe('33333333333')
      expect(log.resolvePseudonym('flat', 'AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined()
    }
    check(a)
    await a.indexNow()
    check(a)
    await a.close()
    const b = AuditLog.open(dir)
    check(b)
    await b.close()
  })

  it('indexes on its own thread when asked to (the server does): index written, entries found, close waits for it', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'nayose-audit-thread-'))
    try {
      const a = AuditLog.open(d2, { sync: false, indexThread: true })
      const flat = ['44444444444', 'q', 'EEEEEEEEEEEEEEEEEEEEEE', '55555555555', 'r', 'FFFFFFFFFFFFFFFFFFFFFF']
      await a.recordFlat('t', ['status'], 'ws', flat, packGroup('t', ['status'], 'ws', flat))
      await a.indexNow()
      expect(a.forResident('55555555555').map(e => e.id)).toEqual(['FFFFFFFFFFFFFFFFFFFFFF'])
      expect(a.resolvePseudonym('t', 'EEEEEEEEEEEEEEEEEEEEEE')).toBe('44444444444')
      await a.close()
      // the indexes were written by the thread (read here with the same flags, after close)
      const db = openAuditDbs(d2, { sync: false })
      expect(db.byResident.getKeysCount()).toBe(2)
      expect(db.pseudonyms.get(['t', 'FFFFFFFFFFFFFFFFFFFFFF'])).toBe('55555555555')
      expect(db.meta.get('indexed')).toBeDefined()
      await db.env.close()
    } finally { rmSync(d2, { recursive: true, force: true }) }
  })
})
