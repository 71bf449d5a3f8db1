import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateResidents } from '../../data/gen/residents-file.js'
import { DELTA_COLUMNS, DELTA_MIX, generateDelta } from '../../data/gen/delta.js'
import { isValidMyNumber, isValidResidentId } from '../../data/gen/identifiers.js'

const dir = mkdtempSync(join(tmpdir(), 'nayose-gend-'))
type Row = Record<string, string>
let residents: Map<string, Row>
let delta: Row[]

beforeAll(async () => {
  await generateResidents(join(dir, 'r.csv'), { n: 6000, seed: 31 })
  await generateDelta({ from: join(dir, 'r.csv'), n: 600, seed: 2, out: join(dir, 'd.csv') })
  const rs = parse(readFileSync(join(dir, 'r.csv')), { columns: true }) as Row[]
  residents = new Map(rs.map((r) => [r.resident_id!, r]))
  delta = parse(readFileSync(join(dir, 'd.csv')), { columns: true }) as Row[]
})

describe('gen delta', () => {
  it('has the SPEC delta columns and n rows', () => {
    expect(readFileSync(join(dir, 'd.csv'), 'utf8').split('\r\n')[0]).toBe(DELTA_COLUMNS.join(','))
    expect(delta.length).toBe(600)
  })

  it('updates and removes name current residents, each once', () => {
    const seen = new Set<string>()
    for (const d of delta.filter((x) => x.op !== 'add')) {
      const r = residents.get(d.resident_id!)
      expect(r, d.resident_id).toBeDefined()
      expect(r!.status).toBe('resident')
      expect(seen.has(d.resident_id!)).toBe(false)
      seen.add(d.resident_id!)
      expect(d.birth_date).toBe(r!.birth_date)
    }
  })

  it('adds carry new, valid, unique ids', () => {
    const adds = delta.filter((x) => x.op === 'add')
    expect(adds.length).toBe(Math.round(600 * (DELTA_MIX.birth + DELTA_MIX['move-in'])))
    const ids = new Set(adds.map((a) => a.resident_id))
    expect(ids.size).toBe(adds.length)
    for (const a of adds) {
      expect(residents.has(a.resident_id!)).toBe(false)
      expect(isValidResidentId(a.resident_id!)).toBe(true)
      expect(isValidMyNumber(a.my_number!)).toBe(true)
      expect(a.status).toBe('resident')
    }
    // Births join an existing household (the mother's) and are born at most 14 days before
    // registration; move-ins get households of their own.
    const households = new Set([...residents.values()].map((r) => r.household_id))
    const babies = adds.filter((a) => households.has(a.household_id))
    expect(babies.length).toBe(Math.round(600 * DELTA_MIX.birth))
    for (const b of babies) {
      expect(b.birth_date! >= '2026-09-17').toBe(true)
      expect(b.birth_date! <= b.effective_date!).toBe(true)
      const mother = [...residents.values()].find((r) => r.household_id === b.household_id && r.sex === '2' && r.name.split(/[ 　]/)[0] === b.name!.split(/[ 　]/)[0])
      expect(mother, b.resident_id).toBeDefined()
    }
  })

  it('moves, deaths, marriages and removals at their shares, dated after the snapshot', () => {
    const count = (f: (d: Row) => boolean) => delta.filter(f).length
    expect(count((d) => d.status === 'deceased')).toBe(Math.round(600 * DELTA_MIX.death))
    expect(count((d) => d.status === 'moved_out')).toBe(Math.round(600 * DELTA_MIX['move-out']))
    expect(count((d) => d.op === 'remove')).toBe(Math.round(600 * DELTA_MIX.remove))
    const renamed = delta.filter((d) => d.op === 'update' && residents.get(d.resident_id!)!.name !== d.name)
    expect(renamed.length).toBe(Math.round(600 * DELTA_MIX.marriage))
    for (const m of renamed) expect(m.sex).toBe('2')
    const moved = delta.filter((d) => d.op === 'update' && d.status === 'resident' && residents.get(d.resident_id!)!.address !== d.address)
    expect(moved.length).toBeGreaterThanOrEqual(Math.round(600 * DELTA_MIX.move))
    // Households move together: movers sharing a household also share the new address.
    const byHousehold = new Map<string, Set<string>>()
    for (const m of moved) byHousehold.set(m.household_id!, (byHousehold.get(m.household_id!) ?? new Set()).add(m.address!))
    expect([...byHousehold.values()].every((a) => a.size === 1)).toBe(true)
    expect(byHousehold.size).toBeLessThan(moved.length)
    for (const d of delta) {
      expect(d.effective_date! > '2026-10-01').toBe(true)
      if (d.status !== 'resident') expect(d.status_date).toBe(d.effective_date)
    }
    const dates = delta.map((d) => d.effective_date!)
    expect([...dates].sort()).toEqual(dates)
  })
})
