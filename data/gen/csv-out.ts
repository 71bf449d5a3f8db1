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
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

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

  /** Adds a row; resolves at once unless a chunk had to wait for the disk. */
  async write(row: readonly string[]): Promise<void> {
    let line = ''
    for (let i = 0; i < row.length; i++) line += (i ? ',' : '') + csvField(row[i]!)
    this.#buf += line + '\r\n'
    this.#rows++
    if (this.#buf.length >= CHUNK_CHARS) await this.#flush()
  }

  async #flush(): Promise<void> {
    if (!this.#buf) return
    const chunk = this.#buf
    this.#buf = ''
    // A split surrogate pair would be written as U+FFFD: a bug upstream, never silent output.
    if (LONE_SURROGATE.test(chunk)) throw new NayoseError('NOT_ENCODABLE', 'a generated value holds a broken surrogate pair')
    let bytes: Buffer
    if (this.#encoding === 'cp932') {
      bytes = iconv.encode(chunk, 'cp932')
      if (countByte(bytes, 0x3f) !== countChar(chunk, '?')) {
        throw new NayoseError('NOT_ENCODABLE', 'a generated value holds a character CP932 cannot encode')
      }
    } else bytes = Buffer.from(chunk, 'utf8')
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
