/**
 * CSV in and out, for every command that reads or writes resident files (snapshot, delta,
 * collate, gen). Streaming only: a file is never held whole in memory.
 *
 * Reading — `openCsv(path, opts)` returns the mapped header and an async iterable of rows:
 * ```ts
 * const csv = await openCsv('residents.csv', { encoding: 'cp932', required: ['resident_id', 'name'] })
 * for await (const row of csv.rows) {
 *   if (row.error) { rejects.push(row.line, row.error.code, row.raw); continue }
 *   use(row.fields.resident_id, row.line)       // fields: column name → value ('' when empty)
 * }
 * csv.bytesRead()                                 // source bytes consumed so far (progress bars)
 * ```
 * - Encodings: `utf8` (default; a BOM is skipped) and `cp932` (Shift_JIS with Microsoft's
 *   extensions). Bytes that do not decode become U+FFFD; such a row is
 *   yielded with `error.code = 'BAD_ENCODING'` (never silently repaired).
 * - Header: names are trimmed and lower-cased; a missing `required` column or a duplicated name
 *   throws `NayoseError('BAD_HEADER')` before any row. Unknown columns are kept in `header`.
 * - A row with fewer or more fields than the header comes with `error.code = 'MISSING_COLUMNS'`
 *   / `'EXTRA_COLUMNS'`; a quoting error comes as `'BAD_CSV'` with the lines it spans: characters
 *   after a closing quote spoil that record up to the end of its line (reading resumes on the
 *   next line); a quote never closed makes the rest of the file one reject. Every record thus
 *   appears exactly once, as a row or an error; blank lines are skipped.
 * - Parsing is RFC 4180 by `parseRecords` (hand-written: it is the build's hot path, see there);
 *   decoding is Node's StringDecoder (UTF-8) or iconv-lite (CP932), both safe across chunks.
 * - `line` is the 1-based line of the file where the record starts (the header is line 1).
 * - `raw` is the record's text as decoded (with its line break removed).
 *
 * Writing — `createCsvWriter(path, columns, { encoding })`: `await w.write(values)` (array in
 * column order or an object by column name), `await w.close()`. Quoting by csv-stringify.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import { stringify } from 'csv-stringify'
import iconv from 'iconv-lite'
import { NayoseError } from '../errors.js'

export type Encoding = 'utf8' | 'cp932'

export const ENCODINGS: readonly Encoding[] = ['utf8', 'cp932']

/** One record of the file. `fields` holds every header column ('' when empty or missing). */
export interface CsvRow {
  line: number
  fields: Record<string, string>
  raw: string
  error?: { code: 'BAD_ENCODING' | 'MISSING_COLUMNS' | 'EXTRA_COLUMNS' | 'BAD_CSV'; message: string }
}

export interface CsvReadOptions {
  encoding?: Encoding
  /** Columns the header must name; otherwise `openCsv` throws BAD_HEADER. */
  required?: readonly string[]
  /** Called with every chunk of source bytes, in order (checksums). */
  onChunk?: (chunk: Buffer) => void
}

export interface CsvReader {
  /** Header names, trimmed and lower-cased, in file order. */
  header: string[]
  rows: AsyncIterable<CsvRow>
  /** Source bytes read so far. */
  bytesRead(): number
  /** Size of the source file in bytes. */
  size: number
}

/** Parses an `--encoding` value (`utf8`, `utf-8`, `cp932`, `sjis`, `shift_jis`). */
export function parseEncoding(value: string | undefined): Encoding {
  const v = (value ?? 'utf8').toLowerCase().replace(/[-_]/g, '')
  if (v === 'utf8') return 'utf8'
  if (v === 'cp932' || v === 'sjis' || v === 'shiftjis' || v === 'windows31j' || v === 'ms932') return 'cp932'
  throw new NayoseError('BAD_ENCODING', `unknown encoding ${JSON.stringify(value)}: use utf8 or cp932`)
}

/** Opens a CSV file for streaming; reads the header before returning. */
export async function openCsv(path: string, opts: CsvReadOptions = {}): Promise<CsvReader> {
  const encoding = opts.encoding ?? 'utf8'
  let size: number
  try {
    size = (await stat(path)).size
  } catch (cause) {
    throw new NayoseError('CANNOT_READ', `cannot read ${path}`, { cause })
  }
  let bytes = 0
  const onChunk = opts.onChunk
  const source = createReadStream(path, { highWaterMark: 1 << 20 })
  async function* text(): AsyncGenerator<string> {
    const decoder = encoding === 'cp932' ? iconv.getDecoder('cp932') : new StringDecoder('utf8')
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length
        if (onChunk) onChunk(chunk)
        const t = decoder.write(chunk)
        if (t) yield t
      }
    } catch (cause) {
      throw new NayoseError('CANNOT_READ', `cannot read ${path}`, { cause })
    }
    const t = decoder.end()
    if (t) yield t
  }
  const it = parseRecords(text())
  const first = await it.next()
  if (first.done) throw new NayoseError('BAD_HEADER', `${path} is empty: a header row is required`)
  if (first.value.error) throw new NayoseError('BAD_HEADER', `the header row is unreadable (${first.value.error})`)
  const header = first.value.fields.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim().toLowerCase())
  const seen = new Set<string>()
  for (const h of header) {
    if (seen.has(h)) throw new NayoseError('BAD_HEADER', `column ${JSON.stringify(h)} appears twice in the header`)
    seen.add(h)
  }
  const missing = (opts.required ?? []).filter((c) => !seen.has(c))
  if (missing.length) throw new NayoseError('BAD_HEADER', `missing column(s): ${missing.join(', ')}`)

  async function* rows(): AsyncGenerator<CsvRow> {
    for (;;) {
      const n = await it.next()
      if (n.done) break
      const { fields: record, raw, line, error } = n.value
      if (error) {
        yield { line, fields: {}, raw, error: { code: 'BAD_CSV', message: `unreadable CSV on lines ${line}-${line + countNewlines(raw)} (${error})` } }
        continue
      }
      const fields: Record<string, string> = {}
      for (let i = 0; i < header.length; i++) fields[header[i]!] = record[i] ?? ''
      const row: CsvRow = { line, fields, raw }
      if (raw.includes('\uFFFD')) row.error = { code: 'BAD_ENCODING', message: `bytes that are not valid ${encoding} (broken or truncated characters)` }
      else if (record.length < header.length) row.error = { code: 'MISSING_COLUMNS', message: `${record.length} fields, header has ${header.length}` }
      else if (record.length > header.length) row.error = { code: 'EXTRA_COLUMNS', message: `${record.length} fields, header has ${header.length}` }
      yield row
    }
  }
  return { header, rows: rows(), bytesRead: () => bytes, size }
}

interface RawRecord { fields: string[]; raw: string; line: number; error?: string }

/**
 * RFC 4180 records from decoded text chunks. Hand-written because it is the build's hot path:
 * csv-parse with line info took 1.8 s CPU per 100 000 resident rows (18 s of the 60 s budget
 * for 1 M); this takes a fraction. Lines without a quote are split natively; quoted fields may
 * hold commas, doubled quotes and line breaks. A quote inside an unquoted field is kept as a
 * character. A closing quote followed by anything but a delimiter makes that record an error
 * up to the end of its line, and parsing resumes on the next line; a quote never closed makes
 * the rest of the file one error. Blank lines are skipped. CRLF and LF are both accepted.
 */
export async function* parseRecords(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  let buf = ''
  let pos = 0
  let line = 1
  let eof = false
  const iter = chunks[Symbol.asyncIterator]()
  const more = async (): Promise<boolean> => {
    if (eof) return false
    const n = await iter.next()
    if (n.done) { eof = true; return false }
    buf = pos ? buf.slice(pos) + n.value : buf + n.value
    pos = 0
    return true
  }
  for (;;) {
    if (pos >= buf.length && !(await more())) return
    let nl = buf.indexOf('\n', pos)
    while (nl < 0 && !eof) {
      await more()
      nl = buf.indexOf('\n', pos)
    }
    const end = nl < 0 ? buf.length : nl
    let text = buf.slice(pos, end)
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1)
    if (text.indexOf('"') < 0) {
      pos = end + 1
      if (text.length) yield { fields: text.split(','), raw: text, line }
      line++
      continue
    }
    // Quoted fields: parse from pos, reading more text while needed. `more()` moves the record
    // to the start of buf, so indexes are shifted by the returned offset.
    const startLine = line
    const fields: string[] = []
    let i = pos
    let error: string | undefined
    let done = false
    // Makes buf[idx] available unless at EOF; returns how far indexes moved.
    const ensure = async (idx: number): Promise<number> => {
      let shift = 0
      while (idx - shift >= buf.length && !eof) {
        const off = pos
        if (await more()) shift += off
      }
      return shift
    }
    while (!done) {
      if (buf.charCodeAt(i) === 34) {
        let val = ''
        let j = i + 1
        for (;;) {
          let k = buf.indexOf('"', j)
          while (k < 0 && !eof) {
            const sh = await ensure(buf.length)
            i -= sh; j -= sh
            k = buf.indexOf('"', j)
          }
          if (k < 0) { error = 'quote never closed'; i = buf.length; break }
          val += buf.slice(j, k)
          const sh = await ensure(k + 2)
          i -= sh; k -= sh
          if (buf.charCodeAt(k + 1) === 34) { val += '"'; j = k + 2; continue }
          i = k + 1
          break
        }
        if (error) break
        fields.push(val)
        i -= await ensure(i + 1)
        const c = buf.charCodeAt(i)
        if (c === 44) { i++; i -= await ensure(i); if (i >= buf.length) { fields.push(''); done = true } continue }
        if (c === 13 && buf.charCodeAt(i + 1) === 10) { i += 2; done = true; continue }
        if (c === 10) { i++; done = true; continue }
        if (i >= buf.length) { done = true; continue }
        error = 'characters after a closing quote'
        let e = buf.indexOf('\n', i)
        while (e < 0 && !eof) { i -= await ensure(buf.length); e = buf.indexOf('\n', i) }
        i = e < 0 ? buf.length : e + 1
        break
      } else {
        let k = i
        for (;;) {
          for (; k < buf.length; k++) {
            const c = buf.charCodeAt(k)
            if (c === 44 || c === 10) break
          }
          if (k < buf.length || eof) break
          const sh = await ensure(k)
          i -= sh; k -= sh
        }
        let v = buf.slice(i, k)
        if (k >= buf.length || buf.charCodeAt(k) === 10) {
          if (v.charCodeAt(v.length - 1) === 13) v = v.slice(0, -1)
          fields.push(v)
          i = k + 1
          done = true
        } else {
          fields.push(v)
          i = k + 1
          i -= await ensure(i)
          if (i >= buf.length) { fields.push(''); done = true }
        }
      }
    }
    const raw = stripEol(buf.slice(pos, Math.min(i, buf.length)))
    pos = i
    line = startLine + countNewlines(raw) + 1
    yield error ? { fields: [], raw, line: startLine, error } : { fields, raw, line: startLine }
  }
}

function stripEol(s: string): string {
  let end = s.length
  while (end > 0 && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13)) end--
  return end === s.length ? s : s.slice(0, end)
}

function countNewlines(s: string): number {
  let n = 0
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++
  return n
}

export interface CsvWriter {
  write(values: readonly unknown[] | Record<string, unknown>): Promise<void>
  close(): Promise<void>
}

/** Writes a CSV file with a header row; values are stringified ('' for null/undefined). */
export function createCsvWriter(path: string, columns: readonly string[], opts: { encoding?: Encoding } = {}): CsvWriter {
  const out = createWriteStream(path)
  const stringifier = stringify({ header: true, columns: columns as string[], record_delimiter: 'unix' })
  const encoder = opts.encoding === 'cp932' ? iconv.encodeStream('cp932') : undefined
  if (encoder) stringifier.setEncoding('utf8').pipe(encoder).pipe(out)
  else stringifier.pipe(out)
  let failed: Error | undefined
  out.on('error', (e) => { failed = e })
  return {
    async write(values) {
      if (failed) throw failed
      const rec = Array.isArray(values) ? values.map((v) => v ?? '') : Object.fromEntries(columns.map((c) => [c, (values as Record<string, unknown>)[c] ?? '']))
      if (!stringifier.write(rec)) await once(stringifier, 'drain')
    },
    async close() {
      stringifier.end()
      await once(out, 'close')
      if (failed) throw failed
    },
  }
}
