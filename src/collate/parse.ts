/**
 * The collate worker's CSV record parser: decoded text of whole records (as cut by
 * src/collate/split.ts, with the same RFC 4180 rules) → fields per row. Hand-written because it
 * runs once per query on the hot path (csv-parse with line info cost ~9 µs per row here).
 *
 * Rules, as split.ts and src/io/csv.ts: empty lines are not rows; CRLF or LF ends a record; a
 * quoted field may hold `""`, commas and line breaks; a quote inside an unquoted field is a plain
 * character; text after a closing quote, or a quote never closed, makes the row `BAD_CSV`; a row
 * with fewer or more fields than the header is `MISSING_COLUMNS` / `EXTRA_COLUMNS`; a row holding
 * U+FFFD (bytes that did not decode) is `BAD_ENCODING`.
 */
import type { Query } from '../engine/types.js'

export interface ParsedRow {
  fields: string[]
  error?: { code: string; message: string }
}

/** Parses `text` (whole records); `columns` is the header's field count. Rows go to `out`. */
export function parseRecords(text: string, columns: number, encoding: string, out: ParsedRow[] = []): ParsedRow[] {
  const n = text.length
  let i = 0
  while (i < n) {
    let row: ParsedRow
    // Fast path (almost every query row): one pass over the line, cutting fields at commas; a
    // quote sends the record to quotedRecord. (Slicing the line and splitting it cost twice this.)
    const fields: string[] = []
    let st = i, j = i, bad = false, quoted = false
    for (; j < n; j++) {
      const c = text.charCodeAt(j)
      if (c === 44) { fields.push(text.slice(st, j)); st = j + 1 } else if (c === 10) break
      else if (c === 34) { quoted = true; break } else if (c === 0xfffd) bad = true
    }
    if (!quoted) {
      const end = j > i && text.charCodeAt(j - 1) === 13 ? j - 1 : j // CRLF or LF
      if (end === i) { i = j + 1; continue } // empty line: not a row
      fields.push(text.slice(st, end))
      row = { fields }
      if (bad) row.error = badBytesError(encoding)
      i = j + 1
    } else {
      const start = i
      const r = quotedRecord(text, i)
      row = { fields: r.fields }
      i = r.next
      if (hasReplacementChar(text, start, i)) row.error = badBytesError(encoding)
      else if (r.bad) row.error = { code: 'BAD_CSV', message: `unreadable CSV: ${r.bad}` }
    }
    if (!row.error) {
      const k = row.fields.length
      if (k < columns) row.error = { code: 'MISSING_COLUMNS', message: `${k} fields, header has ${columns}` }
      else if (k > columns) row.error = { code: 'EXTRA_COLUMNS', message: `${k} fields, header has ${columns}` }
    }
    out.push(row)
  }
  return out
}

const utf8 = new TextDecoder('utf-8')
const utf8KeepBom = new TextDecoder('utf-8', { ignoreBOM: true })
/** Bytes decoded at a time by parseUtf8: well under V8's large-object size as a string. */
export const UTF8_PIECE_BYTES = 1 << 15

/**
 * parseRecords(new TextDecoder().decode(bytes), …), the same rows, for UTF-8 `bytes` of whole
 * records: decoded and parsed in pieces of about UTF8_PIECE_BYTES cut after a line break, while
 * no quote is in sight (a quoted field may hold line breaks: from the first quote on, the rest
 * is one piece). A batch decoded as one string (~200 KB) lands in V8's large-object space, which
 * cost about 1 µs per row to decode here, against about 0.6 in pieces.
 */
export function parseUtf8(bytes: Uint8Array, columns: number, encoding = 'utf8'): ParsedRow[] {
  const out: ParsedRow[] = []
  const n = bytes.length
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, n)
  let quote = buf.indexOf(0x22)
  if (quote < 0) quote = n
  let s = 0
  while (s < n) {
    let e = n
    if (s + UTF8_PIECE_BYTES < quote) {
      e = buf.indexOf(0x0a, s + UTF8_PIECE_BYTES)
      e = e < 0 || e >= quote ? n : e + 1
    }
    // only the batch's start may lose a BOM (as when the batch is decoded whole)
    const text = (s === 0 ? utf8 : utf8KeepBom).decode(bytes.subarray(s, e))
    parseRecords(text, columns, encoding, out)
    s = e
  }
  return out
}

/**
 * Row fields → Query, for a header whose query columns are `fields` ([query field, column]).
 * Every query has the same object shape (an absent column or empty field is undefined, which the
 * engine reads as absent), so the engine's reads of them stay monomorphic.
 */
export function queryBuilder(fields: readonly (readonly [string, number])[], limit?: number): (row: string[]) => Query {
  const col: Record<string, number> = { name: -1, name_kana: -1, birth_date: -1, sex: -1, address: -1, my_number: -1, resident_id: -1 }
  for (const [f, c] of fields) col[f] = c
  const { name, name_kana, birth_date, sex, address, my_number, resident_id } = col as Record<string, number>
  const at = (f: string[], c: number): string | undefined => (c < 0 ? undefined : f[c] || undefined)
  return (f) => ({
    name: at(f, name!), name_kana: at(f, name_kana!), birth_date: at(f, birth_date!), sex: at(f, sex!),
    address: at(f, address!), my_number: at(f, my_number!), resident_id: at(f, resident_id!), limit,
  }) as Query
}

// A plain loop: on Japanese text (a two-byte string), String.prototype.includes('\uFFFD')
// measured about 20 ns per character on Node 20, this about 1.
function hasReplacementChar(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0xfffd) return true
  return false
}

function badBytesError(encoding: string): { code: string; message: string } {
  return { code: 'BAD_ENCODING', message: `bytes that are not valid ${encoding} (broken or truncated characters)` }
}

function isEnd(text: string, j: number, n: number): boolean {
  const c = text.charCodeAt(j)
  return c === 10 || (c === 13 && (j + 1 >= n || text.charCodeAt(j + 1) === 10))
}

/** One record that holds a quote, from `i`: its fields and the index after its line break. */
function quotedRecord(text: string, i: number): { fields: string[]; next: number; bad?: string } {
  const n = text.length
  const fields: string[] = []
  let bad: string | undefined
  for (;;) {
    if (i < n && text.charCodeAt(i) === 34) {
      let val = ''
      let from = ++i
      let closed = false
      while (i < n) {
        if (text.charCodeAt(i) === 34) {
          if (i + 1 < n && text.charCodeAt(i + 1) === 34) { val += text.slice(from, i + 1); i += 2; from = i; continue }
          val += text.slice(from, i); i++; closed = true; break
        }
        i++
      }
      if (!closed) { val += text.slice(from, i); bad ??= 'a quoted field is never closed' }
      // after the closing quote: a delimiter, or trailing junk (kept, row marked bad)
      let j = i
      while (j < n && text.charCodeAt(j) !== 44 && !isEnd(text, j, n)) j++
      if (j > i) { bad ??= 'text after a closing quote'; val += text.slice(i, j) }
      i = j
      fields.push(val)
    } else {
      let j = i
      while (j < n && text.charCodeAt(j) !== 44 && !isEnd(text, j, n)) j++
      fields.push(text.slice(i, j))
      i = j
    }
    if (i >= n) return bad ? { fields, next: n, bad } : { fields, next: n }
    if (text.charCodeAt(i) === 44) { i++; continue }
    const next = i + (text.charCodeAt(i) === 13 ? 2 : 1) // CRLF or LF: end of record
    return bad ? { fields, next, bad } : { fields, next }
  }
}
