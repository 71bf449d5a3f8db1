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
export interface ParsedRow {
  fields: string[]
  error?: { code: string; message: string }
}

/** Parses `text` (whole records); `columns` is the header's field count. */
export function parseRecords(text: string, columns: number, encoding: string): ParsedRow[] {
  const out: ParsedRow[] = []
  const n = text.length
  const badBytes = text.includes('\uFFFD')
  let i = 0
  while (i < n) {
    // skip empty lines
    const c0 = text.charCodeAt(i)
    if (c0 === 10) { i++; continue }
    if (c0 === 13 && (i + 1 >= n || text.charCodeAt(i + 1) === 10)) { i += 2; continue }
    const start = i
    const fields: string[] = []
    let bad: string | undefined
    for (;;) {
      // one field starting at i
      if (i < n && text.charCodeAt(i) === 34) {
        let val = ''
        let from = ++i
        let closed = false
        while (i < n) {
          const c = text.charCodeAt(i)
          if (c === 34) {
            if (i + 1 < n && text.charCodeAt(i + 1) === 34) { val += text.slice(from, i + 1); i += 2; from = i; continue }
            val += text.slice(from, i); i++; closed = true; break
          }
          i++
        }
        if (!closed) { val += text.slice(from, i); bad ??= 'a quoted field is never closed' }
        // after the closing quote: a delimiter, or trailing junk (kept, row marked bad)
        let j = i
        while (j < n) { const c = text.charCodeAt(j); if (c === 44 || c === 10 || (c === 13 && (j + 1 >= n || text.charCodeAt(j + 1) === 10))) break; j++ }
        if (j > i) { bad ??= 'text after a closing quote'; val += text.slice(i, j) }
        i = j
        fields.push(val)
      } else {
        let j = i
        while (j < n) { const c = text.charCodeAt(j); if (c === 44 || c === 10 || (c === 13 && (j + 1 >= n || text.charCodeAt(j + 1) === 10))) break; j++ }
        fields.push(text.slice(i, j))
        i = j
      }
      if (i >= n) break
      const c = text.charCodeAt(i)
      if (c === 44) { i++; continue }
      i += c === 13 ? 2 : 1 // CRLF or LF: end of record
      break
    }
    const row: ParsedRow = { fields }
    if (badBytes && text.slice(start, i).includes('\uFFFD')) row.error = { code: 'BAD_ENCODING', message: `bytes that are not valid ${encoding} (broken or truncated characters)` }
    else if (bad) row.error = { code: 'BAD_CSV', message: `unreadable CSV: ${bad}` }
    else if (fields.length < columns) row.error = { code: 'MISSING_COLUMNS', message: `${fields.length} fields, header has ${columns}` }
    else if (fields.length > columns) row.error = { code: 'EXTRA_COLUMNS', message: `${fields.length} fields, header has ${columns}` }
    out.push(row)
  }
  return out
}
