import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import fc from 'fast-check'
import { createCsvWriter, openCsv, parseEncoding, type CsvRow } from '../../src/io/csv.js'

const fixtures = new URL('../fixtures/store/', import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), 'nayose-csv-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function all(path: string, opts = {}): Promise<{ header: string[]; rows: CsvRow[] }> {
  const csv = await openCsv(path, opts)
  const rows: CsvRow[] = []
  for await (const r of csv.rows) rows.push(r)
  return { header: csv.header, rows }
}

describe('openCsv', () => {
  it('maps the header and gives 1-based start lines, also after a multi-line field', async () => {
    const f = join(tmp, 'a.csv')
    writeFileSync(f, '\uFEFF Resident_ID ,name\n1,"a\nb"\n2,c\n')
    const { header, rows } = await all(f)
    expect(header).toEqual(['resident_id', 'name'])
    expect(rows.map((r) => [r.line, r.fields.resident_id, r.fields.name])).toEqual([[2, '1', 'a\nb'], [4, '2', 'c']])
    expect(rows[0]!.raw).toBe('1,"a\nb"')
  })

  it('flags short and long rows instead of dropping them', async () => {
    const f = join(tmp, 'b.csv')
    writeFileSync(f, 'a,b,c\n1,2\n1,2,3,4\n1,2,3\n')
    const { rows } = await all(f)
    expect(rows.map((r) => r.error?.code)).toEqual(['MISSING_COLUMNS', 'EXTRA_COLUMNS', undefined])
    expect(rows[0]!.fields.c).toBe('')
  })

  it('throws BAD_HEADER for a missing required column or a duplicated one', async () => {
    const f = join(tmp, 'c.csv')
    writeFileSync(f, 'a,b\n1,2\n')
    await expect(openCsv(f, { required: ['a', 'z'] })).rejects.toMatchObject({ code: 'BAD_HEADER' })
    writeFileSync(f, 'a,A\n1,2\n')
    await expect(openCsv(f)).rejects.toMatchObject({ code: 'BAD_HEADER' })
  })

  it('decodes CP932 and marks the row with broken bytes, keeping the others', async () => {
    const { rows } = await all(join(fixtures, 'residents-cp932-broken.csv'), { encoding: 'cp932' })
    expect(rows).toHaveLength(4)
    expect(rows.map((r) => r.error?.code)).toEqual([undefined, undefined, 'BAD_ENCODING', undefined])
    expect(rows[0]!.fields.name).toBe('山田 太郎')
    expect(rows[2]!.line).toBe(4)
  })

  it('marks invalid UTF-8', async () => {
    const f = join(tmp, 'd.csv')
    writeFileSync(f, Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe5, 0xb1]), Buffer.from('\n2,ok\n')]))
    const { rows } = await all(f)
    expect(rows.map((r) => r.error?.code)).toEqual(['BAD_ENCODING', undefined])
  })

  it('reports unreadable quoting as BAD_CSV so every record is accounted for', async () => {
    const f = join(tmp, 'e.csv')
    writeFileSync(f, 'a,b\n1,2\n"x"y,3\n')
    const { rows } = await all(f)
    expect(rows.map((r) => r.error?.code)).toEqual([undefined, 'BAD_CSV'])
  })

  it('counts bytes and hashes chunks', async () => {
    const f = join(fixtures, 'residents-good.csv')
    let seen = 0
    const csv = await openCsv(f, { onChunk: (b) => { seen += b.length } })
    for await (const _ of csv.rows) { /* drain */ }
    expect(csv.bytesRead()).toBe(readFileSync(f).length)
    expect(seen).toBe(csv.size)
  })
})

describe('createCsvWriter', () => {
  it('quotes as needed and round-trips through openCsv, in CP932 too', async () => {
    for (const encoding of ['utf8', 'cp932'] as const) {
      const f = join(tmp, `w-${encoding}.csv`)
      const w = createCsvWriter(f, ['line', 'reason', 'raw'], { encoding })
      await w.write([3, 'BAD_DATE: x', '1,"髙橋",\n2'])
      await w.write({ line: 4, reason: 'ok' })
      await w.close()
      if (encoding === 'cp932') expect(iconv.decode(readFileSync(f), 'cp932')).toContain('髙橋')
      const { rows } = await all(f, { encoding })
      expect(rows.map((r) => r.fields)).toEqual([{ line: '3', reason: 'BAD_DATE: x', raw: '1,"髙橋",\n2' }, { line: '4', reason: 'ok', raw: '' }])
    }
  })
})

it('parseEncoding accepts the usual spellings', () => {
  expect(parseEncoding('UTF-8')).toBe('utf8')
  expect(parseEncoding('Shift_JIS')).toBe('cp932')
  expect(() => parseEncoding('latin1')).toThrow(/unknown encoding/)
})

it('an unterminated quote becomes one BAD_CSV reject spanning the rest of the file', async () => {
  const f = join(tmp, 'g.csv')
  writeFileSync(f, 'a,b\n1,2\n"x,3\n4,5\n')
  const csv = await openCsv(f)
  const rows: CsvRow[] = []
  for await (const r of csv.rows) rows.push(r)
  expect(rows.map((r) => [r.line, r.error?.code])).toEqual([[2, undefined], [3, 'BAD_CSV']])
  expect(rows[1]!.error!.message).toContain('lines 3-4')
})

it('parseRecords agrees with csv-stringify for any fields and any chunking', async () => {
  const { parseRecords } = await import('../../src/io/csv.js')
  const { stringify } = await import('csv-stringify/sync')
  const field = fc.oneof(fc.string(), fc.constantFrom('', '"', ',', '\n', '\r\n', 'a"b', '"x"', '髙橋', ' '))
  await fc.assert(fc.asyncProperty(
    fc.array(fc.array(field, { minLength: 2, maxLength: 4 }).map((r) => (r.every((f) => f === '') ? ['x', ...r.slice(1)] : r)), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: 20 }), fc.boolean(),
    async (records, n, crlf) => {
      const text = stringify(records, { record_delimiter: crlf ? 'windows' : 'unix', quoted_match: /[\r\n]/ })
      async function* chunks() { for (let i = 0; i < text.length; i += n) yield text.slice(i, i + n) }
      const out: string[][] = []
      for await (const r of parseRecords(chunks())) { expect(r.error).toBeUndefined(); out.push(r.fields) }
      expect(out).toEqual(records)
    }), { numRuns: 300 })
})
