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
 *   extensions), decoded by iconv-lite. Bytes that do not decode become U+FFFD; such a row is
 *   yielded with `error.code = 'BAD_ENCODING'` (never silently repaired).
 * - Header: names are trimmed and lower-cased; a missing `required` column or a duplicated name
 *   throws `NayoseError('BAD_HEADER')` before any row. Unknown columns are kept in `header`.
 * - A row with fewer or more fields than the header comes with `error.code = 'MISSING_COLUMNS'`
 *   / `'EXTRA_COLUMNS'`; a quoting error comes as `'BAD_CSV'` with the lines it spans. csv-parse
 *   cannot resynchronise after an unterminated quote, so such an error covers the rest of the
 *   file: one reject, loudly, never rows lost silently.
 * - `line` is the 1-based line of the file where the record starts (the header is line 1).
 * - `raw` is the record's text as decoded (with its line break removed).
 *
 * Writing — `createCsvWriter(path, columns, { encoding })`: `await w.write(values)` (array in
 * column order or an object by column name), `await w.close()`. Quoting by csv-stringify.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { stat } from 'node:fs/promises'
import { parse } from 'csv-parse'
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
  let bytes = 0
  let size: number
  try {
    size = (await stat(path)).size
  } catch (cause) {
    throw new NayoseError('CANNOT_READ', `cannot read ${path}`, { cause })
  }
  const source = createReadStream(path, { highWaterMark: 1 << 20 })
  const onChunk = opts.onChunk
  source.on('data', (chunk) => {
    bytes += chunk.length
    if (onChunk) onChunk(chunk as Buffer)
  })
  const parser = parse({
    bom: true, info: true, raw: true, relax_column_count: true, skip_records_with_error: true,
    skip_empty_lines: true,
  })
  const skipped: CsvRow[] = []
  parser.on('skip', (err: Error & { lines?: number; code?: string; raw?: string }) => {
    // One bad record can raise two errors (bad closing quote, then quote not closed): keep the
    // one that covers more, keyed by the record's first line.
    const raw = stripEol(err.raw ?? '')
    const end = err.lines ?? 0
    const line = Math.max(1, end - countNewlines(raw))
    const row: CsvRow = { line, fields: {}, raw, error: { code: 'BAD_CSV', message: `unreadable CSV (${err.code ?? 'error'}) on lines ${line}-${end}` } }
    const prev = skipped[skipped.length - 1]
    if (prev && prev.line === line) skipped[skipped.length - 1] = row
    else skipped.push(row)
  })
  source.pipe(iconv.decodeStream(encoding === 'cp932' ? 'cp932' : 'utf8')).pipe(parser)
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; raw: string; info: { lines: number } }>
  const first = await it.next()
  if (first.done) throw new NayoseError('BAD_HEADER', `${path} is empty: a header row is required`)
  const header = first.value.record.map((h) => h.trim().toLowerCase())
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
      const { record, raw, info } = n.value
      const text = stripEol(raw)
      const line = info.lines - countNewlines(text)
      while (skipped.length && skipped[0]!.line < line) yield skipped.shift()!
      const fields: Record<string, string> = {}
      for (let i = 0; i < header.length; i++) fields[header[i]!] = record[i] ?? ''
      const row: CsvRow = { line, fields, raw: text }
      if (text.includes('\uFFFD')) row.error = { code: 'BAD_ENCODING', message: `bytes that are not valid ${encoding} (broken or truncated characters)` }
      else if (record.length < header.length) row.error = { code: 'MISSING_COLUMNS', message: `${record.length} fields, header has ${header.length}` }
      else if (record.length > header.length) row.error = { code: 'EXTRA_COLUMNS', message: `${record.length} fields, header has ${header.length}` }
      yield row
    }
    while (skipped.length) yield skipped.shift()!
  }
  return { header, rows: rows(), bytesRead: () => bytes, size }
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
