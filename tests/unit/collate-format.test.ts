// Output rows of `nayose collate` and the resume point read back from them.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { COLLATE_COLUMNS, HEADER_LINE, csvField, errorLine, resultLine } from '../../src/collate/format.js'
import { resumePoint } from '../../src/collate/resume.js'
import type { EngineResult } from '../../src/engine/types.js'
import { probabilityText } from '../../src/engine/collate-format.js'

const agreement = { name: 'variant', kana: 'exact', birth: 'near', sex: 'exact', address: 'town' } as const
const result: EngineResult = {
  grade: 'ambiguous', snapshot: 'v3-abc',
  candidates: [
    { residentId: '10000000001', score: 20.5, probability: 0.4812345678, agreement },
    { residentId: '10000000002', score: 20.4, probability: 0.47, agreement },
  ],
}
const tmp = mkdtempSync(join(tmpdir(), 'nayose-collate-unit-'))

describe('collate rows', () => {
  it('header, fixed decimals, agreement words, candidates joined by |', () => {
    expect(HEADER_LINE).toBe('qid,grade,resident_id,probability,agreement,candidates,error\n')
    expect(resultLine('q1', result)).toBe('q1,ambiguous,10000000001,0.481235,name=variant;kana=exact;birth=near;sex=exact;address=town,10000000001|10000000002,\n')
    expect(resultLine('q2', { grade: 'none', candidates: [], snapshot: 'v3-abc' })).toBe('q2,none,,,,,\n')
    expect(resultLine('q3', { grade: 'error', candidates: [], snapshot: 'v3', error: { code: 'BAD_DATE', message: 'not a date: "x", y' } }))
      .toBe('q3,error,,,,,"BAD_DATE: not a date: ""x"", y"\n')
  })

  it('probabilities keep 6 significant digits without an exponent', () => {
    expect(probabilityText(0.4812345678)).toBe('0.481235')
    expect(probabilityText(0.99999999)).toBe('1.00000')
    expect(probabilityText(1.23456789e-9)).toBe('0.00000000123457')
    expect(probabilityText(5e-7)).toBe('0.000000500000')
    expect(probabilityText(1e-200)).toBe('0')
    expect(probabilityText(0)).toBe('0.00000')
    for (const p of [3.3e-7, 7.77e-12, 1.5e-30, 2e-94]) {
      const s = probabilityText(p)
      expect(s).not.toMatch(/e/)
      expect(Number(s) / p).toBeCloseTo(1, 5)
    }
    const tiny = { ...result, candidates: [{ ...result.candidates[0]!, probability: 2.5e-8 }] }
    expect(resultLine('q4', tiny).split(',')[3]).toBe('0.0000000250000')
  })

  it('quotes exactly the fields that need it, and a CSV parser reads them back', () => {
    expect(csvField('plain 名前')).toBe('plain 名前')
    for (const s of ['a,b', 'say "hi"', 'two\nlines', 'cr\r']) expect(parse(csvField(s) + '\n')[0][0]).toBe(s)
    const text = HEADER_LINE + resultLine('a,"b"\nc', result) + errorLine('z', 'BAD_CSV', 'unreadable, really')
    const rows = parse(text, { columns: true }) as Record<string, string>[]
    expect(Object.keys(rows[0]!)).toEqual([...COLLATE_COLUMNS])
    expect(rows.map((r) => r.qid)).toEqual(['a,"b"\nc', 'z'])
    expect(rows[1]).toMatchObject({ grade: 'error', error: 'BAD_CSV: unreadable, really' })
  })
})

describe('resumePoint', () => {
  const file = (name: string, text: string | Buffer) => { const p = join(tmp, name); writeFileSync(p, text); return p }

  it('counts complete rows and cuts a torn last row (even one torn inside quotes)', () => {
    const rows = HEADER_LINE + resultLine('q1', result) + resultLine('multi\nline', result)
    const p = file('torn.csv', rows + 'q3,confirmed,1000')
    expect(resumePoint(p, HEADER_LINE)).toMatchObject({ rows: 2, bytes: Buffer.byteLength(rows), truncated: 17 })
    expect(readFileSync(p, 'utf8')).toBe(rows)
    const q = file('torn-quote.csv', rows + '"q3\n,confirmed')
    expect(resumePoint(q, HEADER_LINE)).toMatchObject({ rows: 2, truncated: 14 })
    expect(readFileSync(q, 'utf8')).toBe(rows)
    expect(resumePoint(p, HEADER_LINE)).toMatchObject({ rows: 2, truncated: 0 }) // idempotent
  })

  it('missing, empty or header-torn files start over; a foreign file is refused', () => {
    expect(resumePoint(join(tmp, 'absent.csv'), HEADER_LINE)).toBeNull()
    expect(resumePoint(file('empty.csv', ''), HEADER_LINE)).toBeNull()
    const h = file('half-header.csv', 'qid,grade,res')
    expect(resumePoint(h, HEADER_LINE)).toBeNull()
    expect(readFileSync(h, 'utf8')).toBe('')
    expect(resumePoint(file('header-only.csv', HEADER_LINE), HEADER_LINE)).toMatchObject({ rows: 0, truncated: 0 })
    expect(() => resumePoint(file('other.csv', 'resident_id,name\n1,x\n'), HEADER_LINE)).toThrow(/BAD_RESUME|collate header/)
  })

  it('scans files larger than one read block', () => {
    const line = resultLine('q', result)
    const n = Math.ceil((3 << 20) / line.length)
    const p = file('big.csv', HEADER_LINE + line.repeat(n) + 'torn')
    expect(resumePoint(p, HEADER_LINE)).toMatchObject({ rows: n, truncated: 4 })
  })
})
