// The audit log on real LMDB: findable at once (log tail), after indexing, after reopening, and
// by a read-only reader while the writer is open.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog, type Disclosure } from '../../src/store/audit.js'

const fields = ['status', 'name']
const d = (rid: string, qid: number, id: string, client = 'a'): Disclosure => ({ resident_id: rid, client, qid, id, fields, via: 'ws' })

describe('AuditLog', () => {
  it('finds disclosures before and after indexing, across reopen, and from a read-only reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nayose-audit-'))
    try {
      const log = AuditLog.open(dir)
      await log.record([d('11111111111', 1, 'P1'), d('22222222222', 1, 'P2'), d('11111111111', 2, 'P1')])
      await log.record([d('11111111111', 3, 'Q1', 'b'), { ...d('11111111111', 0, 'P1'), qid: undefined, via: 'change' }])
      await log.record([])
      const before = log.forResident('11111111111')
      expect(before.map(e => [e.client, e.qid, e.id, e.via])).toEqual([['a', 1, 'P1', 'ws'], ['a', 2, 'P1', 'ws'], ['b', 3, 'Q1', 'ws'], ['a', undefined, 'P1', 'change']])
      expect(before[0].fields).toEqual(fields)
      expect(log.resolvePseudonym('a', 'P2')).toBe('22222222222')
      expect(log.resolvePseudonym('b', 'P2')).toBeUndefined()
      const reader = AuditLog.open(dir, { readOnly: true })
      expect(reader.forResident('11111111111')).toEqual(before)
      await log.indexNow()
      expect(log.forResident('11111111111')).toEqual(before)
      expect(log.forResident('22222222222')).toHaveLength(1)
      expect(log.forResident('33333333333')).toEqual([])
      await log.close()
      await reader.close()
      const again = AuditLog.open(dir)
      expect(again.forResident('11111111111')).toEqual(before)
      expect(again.resolvePseudonym('a', 'P2')).toBe('22222222222')
      await again.record([d('11111111111', 9, 'P1')])
      expect(again.forResident('11111111111')).toHaveLength(5)
      await again.close()
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('indexes big frames in bounded steps and finds every entry afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nayose-audit-'))
    try {
      const log = AuditLog.open(dir, { sync: false })
      for (let f = 0; f < 4; f++) await log.record(Array.from({ length: 3000 }, (_, i) => d(String(10000000000 + i), f, `P${i}`)))
      await log.indexNow()
      expect(log.forResident('10000002999').map(e => e.qid)).toEqual([0, 1, 2, 3])
      expect(log.resolvePseudonym('a', 'P1234')).toBe('10000001234')
      await log.close()
      const ro = AuditLog.open(dir, { readOnly: true })
      expect(ro.forResident('10000000000')).toHaveLength(4)
      await ro.close()
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })
})
