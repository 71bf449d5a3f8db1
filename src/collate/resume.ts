/**
 * `--resume`: where an interrupted `collate` run stopped, read from its own output file.
 *
 * The writer only ever appends whole rows, in input order, one output row per input row. So
 * after a Ctrl-C or a `kill -9`, the output is a header, N complete rows, and possibly one torn
 * row (a write cut short). `resumePoint` scans the file once in 1 MiB blocks (memory stays flat
 * for 10 M-row outputs), counts record ends outside quotes, and cuts the torn tail off, so the
 * caller skips N input rows and appends. Byte-level scanning is safe for CP932 output too: the
 * bytes `"` (0x22), CR and LF never occur inside a Shift_JIS double-byte character.
 *
 * @example
 * const p = resumePoint('results.csv', HEADER_LINE)  // {rows: 41234, bytes: 5120443, truncated: 0} or null
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs'
import { NayoseError } from '../errors.js'

export interface ResumePoint {
  /** Complete data rows already in the file (header excluded). */
  rows: number
  /** File size after the torn tail was cut off. */
  bytes: number
  /** Bytes of a torn last row that were removed. */
  truncated: number
}

const BLOCK_BYTES = 1 << 20

/**
 * Counts complete rows of an existing output and truncates a torn last row. Returns null when
 * the file is missing or holds no complete header (start from scratch). Throws BAD_RESUME when
 * the first line is not `header` (not a collate output: refuse to append to it).
 */
export function resumePoint(path: string, header: string): ResumePoint | null {
  if (!existsSync(path)) return null
  const fd = openSync(path, 'r+')
  try {
    const size = fstatSync(fd).size
    const buf = Buffer.allocUnsafe(BLOCK_BYTES)
    let pos = 0, inQuote = false, records = 0, lastEnd = 0
    let headerChecked = false
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(BLOCK_BYTES, size - pos), pos)
      if (n <= 0) break
      for (let i = 0; i < n; i++) {
        const b = buf[i]!
        if (b === 0x22) inQuote = !inQuote
        else if (b === 0x0a && !inQuote) {
          records++
          lastEnd = pos + i + 1
        }
      }
      if (!headerChecked && records > 0) {
        headerChecked = true
        const first = Buffer.alloc(Math.min(header.length + 8, size))
        readSync(fd, first, 0, first.length, 0)
        if (!first.toString('latin1').startsWith(header)) {
          throw new NayoseError('BAD_RESUME', `${path} does not start with the collate header: not resuming into it (move it away or drop --resume)`)
        }
      }
      pos += n
    }
    if (records === 0) { ftruncateSync(fd, 0); return null }
    const truncated = size - lastEnd
    if (truncated > 0) ftruncateSync(fd, lastEnd)
    return { rows: records - 1, bytes: lastEnd, truncated }
  } finally {
    closeSync(fd)
  }
}
