// The collate splitter (main thread, raw bytes) and the worker's record parser must agree with
// each other and with csv-parse on every file: same rows, same fields, in order.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { parse } from 'csv-parse/sync'
import { parseRecords, parseUtf8, queryBuilder, UTF8_PIECE_BYTES } from '../../src/collate/parse.js'
import { MAX_RECORD_BYTES, readHeader, splitRecords } from '../../src/collate/split.js'

const tmp = mkdtempSync(join(tmpdir(), 'nayose-collate-parse-'))
let fileNo = 0

async function viaSplitter(text: string | Buffer, batch: number, skip = 0) {
  const path = join(tmp, `f${fileNo++}.csv`)
  writeFileSync(path, text)
  const h = await readHeader(path, 'utf8')
  const rows: { row: number; fields: string[]; error?: string }[] = []
  for await (const b of splitRecords(path, h.bytes, batch, skip)) {
    if (b.error) { rows.push({ row: b.firstRow, fields: [], error: b.error.code }); continue }
    const parsed = parseRecords(Buffer.from(b.bytes).toString('utf8'), h.names.length, 'utf8')
    expect(parsed.length).toBe(b.records)
    parsed.forEach((p, i) => rows.push({ row: b.firstRow + i, fields: p.fields, ...(p.error ? { error: p.error.code } : {}) }))
  }
  return { header: h.names, rows }
}

const cell = fc.oneof(
  fc.constantFrom('', '山田 太郎', 'ﾔﾏﾀﾞ', '1970-03-02', 'a"b', ',', '\n', '\r\n', '""', ' x ', '東京都千代田区1-1'),
  fc.string({ maxLength: 6 }),
)
const quoteIfNeeded = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

describe('collate CSV splitter + parser', () => {
  it('agree with csv-parse on well-formed files of any shape, any batch size, LF or CRLF', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.boolean(),
      async (records, batch, crlf, trailingEol) => {
        const eol = crlf ? '\r\n' : '\n'
        const lines = ['qid,name,birth_date', ...records.map((r) => r.map(quoteIfNeeded).join(','))]
        // a record that is one empty unquoted field would be an empty line: csv-parse skips those too
        const text = lines.join(eol) + (trailingEol ? eol : '')
        const expected = (parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][]).slice(1)
        const got = await viaSplitter(text, batch)
        expect(got.rows.map((r) => r.fields)).toEqual(expected)
        expect(got.rows.map((r) => r.row)).toEqual(expected.map((_, i) => i + 1))
      }), { numRuns: 150 })
  })

  it('skips empty lines, counts rows from 1, flags column counts and broken quotes, honours skip', async () => {
    const text = '\uFEFFQID, Name ,sex\n\nq1,a,1\r\n\r\nq2,"b\nc",2\nq3,x\nq4,y,1,extra\nq5,"open"junk,1\nq6,z,2'
    const got = await viaSplitter(text, 2)
    expect(got.header).toEqual(['qid', 'name', 'sex'])
    expect(got.rows).toEqual([
      { row: 1, fields: ['q1', 'a', '1'] },
      { row: 2, fields: ['q2', 'b\nc', '2'] },
      { row: 3, fields: ['q3', 'x'], error: 'MISSING_COLUMNS' },
      { row: 4, fields: ['q4', 'y', '1', 'extra'], error: 'EXTRA_COLUMNS' },
      { row: 5, fields: ['q5', 'openjunk', '1'], error: 'BAD_CSV' },
      { row: 6, fields: ['q6', 'z', '2'] },
    ])
    const skipped = await viaSplitter(text, 4, 4)
    expect(skipped.rows.map((r) => r.row)).toEqual([5, 6])
    const unclosed = await viaSplitter('qid,name\nq1,a\nq2,"never closed\nq3,b\n', 10)
    expect(unclosed.rows.map((r) => [r.row, r.error])).toEqual([[1, undefined], [2, 'BAD_CSV']])
  })

  it('a record longer than MAX_RECORD_BYTES becomes one BAD_CSV row and reading goes on', async () => {
    const long = 'x'.repeat(MAX_RECORD_BYTES + 10)
    const got = await viaSplitter(`qid,name\nq1,a\nq2,"${long}\nq3,b\nq4,c\n`, 10)
    expect(got.rows.map((r) => [r.row, r.fields[0] ?? '', r.error])).toEqual([[1, 'q1', undefined], [2, '', 'BAD_CSV'], [3, 'q3', undefined], [4, 'q4', undefined]])
  })

  it('bad UTF-8 bytes flag their row only', async () => {
    const text = Buffer.concat([Buffer.from('qid,name\nq1,a\nq2,'), Buffer.from([0xe5, 0x31]), Buffer.from('\nq3,c\n')])
    const got = await viaSplitter(text, 10)
    expect(got.rows.map((r) => r.error)).toEqual([undefined, 'BAD_ENCODING', undefined])
    // in a quoted record too, and a lone CR inside a line is data
    const quoted = Buffer.concat([Buffer.from('qid,name\nq1,"a\n'), Buffer.from([0xe5, 0x31]), Buffer.from('"\nq2,x\ry\r\n')])
    const got2 = await viaSplitter(quoted, 10)
    expect(got2.rows.map((r) => [r.error, r.fields[1]])).toEqual([['BAD_ENCODING', 'a\n\uFFFD1'], [undefined, 'x\ry']])
  })

  it('records across the reader\'s 1 MiB chunks, quoted or plain, and an over-long plain line', async () => {
    // ~2 MiB: the splitter's fast path (whole plain lines) and its byte scan meet at chunk ends
    for (const eol of ['\n', '\r\n']) {
      const lines = ['qid,name,birth_date']
      for (let i = 0; lines.length < 50000; i++) {
        lines.push(i % 7 === 3 ? `q${i},"山田,\n""太郎""",1970-01-0${i % 9}` : i % 11 === 5 ? '' : `q${i},東京都千代田区${i},x"y`)
      }
      const text = lines.join(eol) + eol + eol + 'qlast,a,b'
      const expected = (parse(text, { skip_empty_lines: true, relax_column_count: true, relax_quotes: true }) as string[][]).slice(1)
      const got = await viaSplitter(text, 333)
      expect(got.rows.length).toBe(expected.length)
      expect(got.rows.map((r) => r.fields)).toEqual(expected)
    }
    const long = 'x'.repeat(MAX_RECORD_BYTES + 10)
    const plain = await viaSplitter(`qid,name\nq1,a\nq2,${long}\nq3,b\n`, 10)
    expect(plain.rows.map((r) => [r.row, r.fields[0] ?? '', r.error])).toEqual([[1, 'q1', undefined], [2, '', 'BAD_CSV'], [3, 'q3', undefined]])
  })

  it('queryBuilder: one shape for every row, empty fields and absent columns undefined', () => {
    const toQuery = queryBuilder([['name', 1], ['sex', 3]], 5)
    const q = toQuery(['q1', '山田', 'x', ''])
    expect(q).toEqual({ name: '山田', name_kana: undefined, birth_date: undefined, sex: undefined, address: undefined, my_number: undefined, resident_id: undefined, limit: 5 })
    expect(Object.keys(q)).toEqual(Object.keys(toQuery(['q2', '', '', '1'])))
    expect(toQuery(['q2', '', '', '1']).sex).toBe('1')
  })

  it('parseUtf8 (decoded in pieces) gives the rows of the batch decoded whole', () => {
    const line = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('q1,山田　太郎,1970-01-02', 'q2,ﾔﾏﾀﾞ,x', 'q3,,', 'q4,東京都千代田区1-1,9\r') },
      fc.constantFrom('', '\r', '\uFEFFq5,a,b', 'q6,"a\nb",c', 'q7,x"y,z', 'q8,"open', 'q9,a,b,c'),
      fc.string({ maxLength: 8 }),
    )
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), (ls, copies, badByte) => {
      // batches of a few pieces: lines repeated up to well past UTF8_PIECE_BYTES
      const text = Array.from({ length: copies }, () => ls.join('\n')).join('\n') + '\n'
      let bytes = Buffer.from(text)
      if (badByte) { const at = Math.floor(bytes.length / 2); bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe5]), bytes.subarray(at)]) }
      const whole = parseRecords(new TextDecoder().decode(bytes), 3, 'utf8')
      expect(parseUtf8(new Uint8Array(bytes), 3)).toEqual(whole)
    }), { numRuns: 60 })
    // a BOM that starts a later piece stays a character, as in a batch decoded whole
    const big = 'a,b,c\n'.repeat(Math.ceil((UTF8_PIECE_BYTES - 5) / 6) + 1) + '\uFEFFz,y,x\n' + 'a,b,c\n'.repeat(9)
    const rows = parseUtf8(new Uint8Array(Buffer.from(big)), 3)
    expect(rows.at(-10)!.fields[0]).toBe('\uFEFFz')
  })
})
