/**
 * Fast CSV output for generated files: rows are joined into ~1 MB string chunks, encoded once
 * per chunk (UTF-8, or CP932 through iconv-lite) and written with backpressure. Quoting follows
 * RFC 4180 (a field with a comma, quote or line break is quoted, quotes doubled).
 * CP932 never degrades silently: a character iconv-lite would write as '?' throws
 * NOT_ENCODABLE (the generators avoid such characters when CP932 is requested); so does a
 * broken surrogate pair in either encoding.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { dirname } from 'node:path'
import iconv from 'iconv-lite'
import { NayoseError } from '../../src/errors.js'

const CHUNK_CHARS = 1 << 20
const NEEDS_QUOTES = /[",\r\n]/
const REPLACEMENT = Buffer.from('\uFFFD', 'utf8')

export function csvField(v: string): string {
  return NEEDS_QUOTES.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v
}

export class CsvChunkWriter {
  readonly #out: WriteStream
  readonly #encoding: 'utf8' | 'cp932'
  #buf = ''
  #rows = 0

  constructor(path: string, header: readonly string[], encoding: 'utf8' | 'cp932' = 'utf8') {
    mkdirSync(dirname(path), { recursive: true })
    this.#out = createWriteStream(path)
    this.#encoding = encoding
    this.#buf = header.join(',') + '\r\n'
  }

  get rows(): number { return this.#rows }

  /**
   * Adds a row. Returns a promise only when a full chunk goes to the disk (await it then);
   * otherwise undefined, so a million rows do not cost a million promises.
   * @example const p = w.write(row); if (p) await p
   */
  write(row: readonly string[]): Promise<void> | undefined {
    let line = ''
    for (let i = 0; i < row.length; i++) line += (i ? ',' : '') + csvField(row[i]!)
    this.#buf += line + '\r\n'
    this.#rows++
    return this.#buf.length >= CHUNK_CHARS ? this.#flush() : undefined
  }

  async #flush(): Promise<void> {
    if (!this.#buf) return
    const chunk = this.#buf
    this.#buf = ''
    let bytes: Buffer
    if (this.#encoding === 'cp932') {
      // iconv-lite writes '?' for what CP932 cannot hold, and for a broken surrogate pair.
      bytes = iconv.encode(chunk, 'cp932')
      if (countByte(bytes, 0x3f) !== countChar(chunk, '?')) {
        throw new NayoseError('NOT_ENCODABLE', 'a generated value holds a character CP932 cannot encode')
      }
    } else {
      // A split surrogate pair becomes U+FFFD, which generated values never hold otherwise.
      bytes = Buffer.from(chunk, 'utf8')
      if (bytes.includes(REPLACEMENT)) throw new NayoseError('NOT_ENCODABLE', 'a generated value holds a broken surrogate pair')
    }
    if (!this.#out.write(bytes)) await once(this.#out, 'drain')
  }

  async close(): Promise<void> {
    await this.#flush()
    this.#out.end()
    await once(this.#out, 'finish')
  }
}

function countByte(b: Buffer, x: number): number {
  let n = 0
  for (let i = b.indexOf(x); i >= 0; i = b.indexOf(x, i + 1)) n++
  return n
}

function countChar(s: string, c: string): number {
  let n = 0
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++
  return n
}
