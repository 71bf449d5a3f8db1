/**
 * The collate reader on the main thread: cuts the query file into batches of whole CSV records
 * as raw bytes, without decoding or parsing them (workers do that, src/collate/parse.ts), so the
 * main thread costs a byte scan per row and both cores go to parsing and matching.
 *
 * Record boundaries follow RFC 4180: a field that starts with `"` runs to the closing quote
 * (`""` inside is a quote; line breaks inside are data); a line break outside quotes ends the
 * record (LF or CRLF). Empty lines are skipped and are not rows. A quote inside an unquoted
 * field is a plain character. Byte scanning is safe for CP932 too: `"`, `,`, CR and LF never
 * occur inside a Shift_JIS double-byte character.
 *
 * A record longer than MAX_RECORD_BYTES (an unterminated quote swallowing the file) becomes one
 * `BAD_CSV` row; scanning resumes at the next line break, so memory stays bounded.
 *
 * @example
 * const h = await readHeader('q.csv', 'utf8')          // names, byte offset of the first row
 * for await (const b of splitRecords('q.csv', h.bytes, 2048, 0)) post(b)   // b.records rows in b.bytes
 */
import { open } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { NayoseError } from '../errors.js'
import type { Encoding } from '../io/csv.js'

export const MAX_RECORD_BYTES = 1 << 20
const CHUNK_BYTES = 1 << 20

export interface RawBatch {
  /** Whole records (with their line breaks), a fresh buffer that can be transferred. */
  bytes: Uint8Array
  /** Rows (non-empty records) in `bytes`. */
  records: number
  /** Data row number of the first row (1 = first row after the header). */
  firstRow: number
  /** File offset just after the batch (progress). */
  end: number
  /** Set instead of `bytes` for a record too long to be one (one BAD_CSV row). */
  error?: { code: string; message: string }
}

export interface Header {
  names: string[]
  /** File offset of the first data row. */
  bytes: number
  size: number
}

// scanner states
const FIELD_START = 0, UNQUOTED = 1, QUOTED = 2, QUOTE_IN_QUOTED = 3

/** Reads and parses the header record (names trimmed and lower-cased, as src/io/csv.ts does). */
export async function readHeader(path: string, encoding: Encoding): Promise<Header> {
  let fh
  try { fh = await open(path, 'r') } catch (cause) { throw new NayoseError('CANNOT_READ', `cannot read ${path}`, { cause }) }
  try {
    const size = (await fh.stat()).size
    const buf = Buffer.alloc(Math.min(size, 1 << 16))
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
    const head = buf.subarray(0, bytesRead)
    let start = 0
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3
    let state = FIELD_START, end = -1
    for (let i = start; i < head.length; i++) {
      const b = head[i]!
      if (state === QUOTED) { if (b === 0x22) state = QUOTE_IN_QUOTED; continue }
      if (b === 0x0a) { end = i + 1; break }
      if (b === 0x2c) state = FIELD_START
      else if (b === 0x22 && (state === FIELD_START || state === QUOTE_IN_QUOTED)) state = QUOTED
      else if (state === FIELD_START || state === QUOTE_IN_QUOTED) state = UNQUOTED
    }
    if (end < 0) {
      if (bytesRead === size && size > start) end = size
      else throw new NayoseError('BAD_HEADER', size <= start ? `${path} is empty: a header row is required` : `${path}: no header line in the first 64 KiB`)
    }
    const text = encoding === 'cp932' ? iconv.decode(head.subarray(start, end), 'cp932') : head.subarray(start, end).toString('utf8')
    const rec = (parse(text, { relax_quotes: true }) as string[][])[0] ?? []
    const names = rec.map((h) => h.trim().toLowerCase())
    const seen = new Set<string>()
    for (const h of names) {
      if (seen.has(h)) throw new NayoseError('BAD_HEADER', `column ${JSON.stringify(h)} appears twice in the header`)
      seen.add(h)
    }
    return { names, bytes: end, size }
  } finally {
    await fh.close()
  }
}

/**
 * Yields batches of up to `batch` rows from file offset `from` (the first data row), skipping
 * the first `skip` rows (--resume).
 */
export async function* splitRecords(path: string, from: number, batch: number, skip: number, signal?: AbortSignal): AsyncGenerator<RawBatch> {
  const fh = await open(path, 'r')
  try {
    let pos = from          // file offset of work[0]
    let work: Buffer = Buffer.alloc(0)
    let scanned = 0         // bytes of `work` already scanned
    let state = FIELD_START, content = false
    let batchStart = 0, recStart = 0, records = 0
    let row = 0             // rows seen so far
    let toSkip = skip
    let eof = false
    let resync = false      // skipping the rest of an over-long record's line
    while (!eof) {
      if (signal?.aborted) return
      // the unfinished batch's bytes, then the next chunk read right after them (no concat:
      // copying every chunk once more cost ~0.5 µs per row on this thread)
      const tail = work.subarray(batchStart)
      const next = Buffer.allocUnsafe(tail.length + CHUNK_BYTES)
      tail.copy(next, 0)
      const { bytesRead } = await fh.read(next, tail.length, CHUNK_BYTES, pos + work.length)
      if (bytesRead === 0) eof = true
      pos += batchStart
      recStart -= batchStart; scanned -= batchStart; batchStart = 0
      work = next.subarray(0, tail.length + bytesRead)
      const n = work.length
      let quoteAt = -1        // next `"` at or after the record being looked at (n: none left)
      for (let i = scanned; i < n; i++) {
        if (i === recStart && state === FIELD_START && !resync) {
          // Fast path (almost every query row): a whole line with no quote, found with native
          // byte searches; a per-byte scan of it cost ~1.4 µs per row on this thread.
          const eol = work.indexOf(0x0a, i)
          if (eol > i && eol - recStart <= MAX_RECORD_BYTES && work[i] !== 0x0d) {
            if (quoteAt < i) { quoteAt = work.indexOf(0x22, i); if (quoteAt < 0) quoteAt = n }
            if (quoteAt > eol) {
              row++
              if (toSkip > 0) { toSkip--; batchStart = eol + 1 } else records++
              recStart = eol + 1; content = false
              if (records >= batch) { yield emit(work, batchStart, eol + 1, records, row - records + 1, pos + eol + 1); records = 0; batchStart = eol + 1 }
              i = eol
              continue
            }
          }
        }
        const b = work[i]!
        if (resync) {
          if (b === 0x0a) { resync = false; batchStart = recStart = i + 1; state = FIELD_START; content = false }
          continue
        }
        if (i - recStart > MAX_RECORD_BYTES) {
          // flush what precedes the record, then one error row for it
          if (records) { yield emit(work, batchStart, recStart, records, row - records + 1, pos + recStart); records = 0 }
          row++
          if (toSkip > 0) toSkip--
          else yield { bytes: new Uint8Array(0), records: 1, firstRow: row, end: pos + i, error: { code: 'BAD_CSV', message: `a record longer than ${MAX_RECORD_BYTES} bytes (an unterminated quote?)` } }
          resync = true
          if (b === 0x0a) { resync = false; batchStart = recStart = i + 1; state = FIELD_START; content = false }
          continue
        }
        if (state === QUOTED) {
          if (b === 0x22) state = QUOTE_IN_QUOTED
          content = true
          continue
        }
        if (b === 0x0a) {
          if (content) {
            row++
            if (toSkip > 0) { toSkip--; batchStart = i + 1 } else records++
          } else if (records === 0) batchStart = i + 1
          recStart = i + 1; state = FIELD_START; content = false
          if (records >= batch) { yield emit(work, batchStart, i + 1, records, row - records + 1, pos + i + 1); records = 0; batchStart = i + 1 }
          continue
        }
        if (b !== 0x0d) content = true
        if (b === 0x2c) state = FIELD_START
        else if (b === 0x22 && (state === FIELD_START || state === QUOTE_IN_QUOTED)) state = QUOTED
        else if (state === FIELD_START || state === QUOTE_IN_QUOTED) state = UNQUOTED
      }
      scanned = n
      if (resync) batchStart = recStart = scanned = n // drop the over-long record's bytes as they come
      if (eof) {
        if (content && !resync) {
          row++
          if (toSkip > 0) toSkip--
          else records++
          if (records) yield emit(work, batchStart, n, records, row - records + 1, pos + n)
        } else if (records) yield emit(work, batchStart, recStart, records, row - records + 1, pos + recStart)
      }
    }
  } finally {
    await fh.close()
  }
}

function emit(work: Buffer, start: number, end: number, records: number, firstRow: number, fileEnd: number): RawBatch {
  const bytes = new Uint8Array(end - start)
  bytes.set(work.subarray(start, end))
  return { bytes, records, firstRow, end: fileEnd }
}
