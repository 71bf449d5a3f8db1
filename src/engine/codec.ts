/**
 * The JS side of the matcher ABI (assembly/query/api.ts): copies match rows and query strings
 * into the core in batches and reads numbers back. One instance per snapshot version.
 */
import { instantiate, type CoreExports } from '../wasm/load.js'
import { WasmAbortError } from '../errors.js'
import type { Query } from './types.js'

/** Query fields in the order of the core's 7 slots. */
export const QUERY_FIELDS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id'] as const
export const QUERY_KEYS = new Set<string>([...QUERY_FIELDS, 'qid', 'limit'])

/** Raw per-query answer of the core. */
export interface RawAnswer {
  /** 0 or a negative Status. */
  status: number
  /** Index in QUERY_FIELDS of the field that failed. */
  errField: number
  /** Bit per QUERY_FIELDS entry present. */
  present: number
  flags: number
  candidatesExamined: number
  sumLR: number
  /** Candidates returned: entries off .. off+count-1 of the chunk arrays (best first). */
  count: number
  off: number
  chunk: RawChunk
}

/** Copies of the core's per-candidate outputs for one chunk of queries (topK slots per query). */
export interface RawChunk {
  rows: Int32Array
  weights: Float64Array
  levels: Int32Array
  /** 5 per candidate: name, birth, sex, address, id */
  fieldWeights: Float32Array
}

export class WasmMatcher {
  readonly core: CoreExports
  readonly topK: number
  #maxQ: number
  #qCap: number
  #ridPtr = 0
  rows = 0
  postings = 0
  /** Milliseconds spent reading rows (LMDB iteration + copy + core parse) and building postings. */
  timings = { readMs: 0, buildMs: 0, buildCpuMs: 0 }

  constructor() {
    this.core = instantiate()
    if (typeof this.core.matchQueries !== 'function') throw new WasmAbortError('WASM_STALE', 'the WASM core has no matcher: run `npm run build`')
    this.topK = this.core.matchTopK()
    this.#maxQ = this.core.MAX_QUERIES.value
    this.#qCap = this.core.Q_CAP_UNITS.value
  }

  /** Loads rows (bytes in row order, row numbers 0..count-1) and builds the postings. */
  load(count: number, rows: Iterable<{ row: number; bytes: Uint8Array }>): void {
    const c = this.core
    const t0 = performance.now()
    c.engineInit(count)
    const cap = c.LOAD_CAP_BYTES.value as number, maxRows = c.MAX_LOAD_ROWS.value as number
    let buf = new Uint8Array(c.memory.buffer, c.loadBufPtr(), cap)
    let offs = new Int32Array(c.memory.buffer, c.loadOffsPtr(), maxRows + 1)
    let first = 0, n = 0, used = 0
    const flush = () => {
      if (!n) return
      offs[n] = used
      c.engineLoad(first, n)
      first += n; n = 0; used = 0
      buf = new Uint8Array(c.memory.buffer, c.loadBufPtr(), cap)
      offs = new Int32Array(c.memory.buffer, c.loadOffsPtr(), maxRows + 1)
    }
    for (const { row, bytes } of rows) {
      if (row !== first + n) throw new RangeError(`rows out of order: ${row} after ${first + n - 1}`)
      if (n === maxRows || used + bytes.length > cap) flush()
      if (bytes.length > cap) throw new RangeError(`row ${row} is larger than the load buffer`)
      offs[n] = used
      // lmdb-js fast buffers are views whose own length may lag: copy through a plain view.
      buf.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), used)
      used += bytes.length
      n++
    }
    flush()
    this.rows = c.engineRows()
    const t1 = performance.now(), u1 = process.cpuUsage()
    this.postings = c.engineBuild()
    const u2 = process.cpuUsage(u1)
    this.timings = { readMs: t1 - t0, buildMs: performance.now() - t1, buildCpuMs: (u2.user + u2.system) / 1000 }
    this.#ridPtr = c.ridColumnPtr()
  }

  /** After an index image was restored into this instance (src/engine/image.ts): read its counts. */
  adoptImage(): void {
    const c = this.core
    this.rows = c.engineRows()
    this.postings = c.enginePostings()
    this.#ridPtr = c.ridColumnPtr()
    this.#rid = new Float64Array(0)
  }

  setParams(table: Float64Array): void {
    new Float64Array(this.core.memory.buffer, this.core.paramsPtr(), 64).set(table)
  }

  /** resident_id of a row, 11 digits. */
  residentId(row: number): string {
    const mem = this.core.memory.buffer
    if (this.#rid.buffer !== mem) this.#rid = new Float64Array(mem, this.#ridPtr, this.rows)
    return ridText(this.#rid[row]!)
  }
  #rid = new Float64Array(0)

  collisionRate(kind: number): number { return this.core.collisionRate(kind) }
  nearDateRate(samples: number, seed: number): number { return this.core.nearDateRate(samples, seed) }

  /**
   * Matches queries; `values[i]` holds the 7 field strings of query i ('' when absent).
   * Calls the core once per chunk of at most MAX_QUERIES queries.
   */
  match(values: string[][]): RawAnswer[] {
    const out: RawAnswer[] = new Array(values.length)
    let i = 0
    while (i < values.length) {
      // Fill one chunk: as many queries as fit.
      const c = this.core
      const chars = new Uint16Array(c.memory.buffer, c.qCharsPtr(), this.#qCap)
      const offs = new Int32Array(c.memory.buffer, c.qOffsPtr(), this.#maxQ * 7 + 1)
      let pos = 0, n = 0
      while (i + n < values.length && n < this.#maxQ) {
        const v = values[i + n]!
        let len = 0
        for (const s of v) len += s.length
        if (pos + len > this.#qCap) { if (n > 0) break; throw new RangeError('query too large') }
        for (let f = 0; f < 7; f++) {
          offs[n * 7 + f] = pos
          const s = v[f]!
          for (let j = 0; j < s.length; j++) chars[pos++] = s.charCodeAt(j)
        }
        offs[n * 7 + 7] = pos
        n++
      }
      c.matchQueries(n)
      const mem = c.memory.buffer, K = this.topK
      if (this.#rid.buffer !== mem) this.#rid = new Float64Array(mem, this.#ridPtr, this.rows)
      const st = new Int32Array(mem, c.mOutStatusPtr(), n), ef = new Int32Array(mem, c.mOutErrFieldPtr(), n)
      const pr = new Int32Array(mem, c.mOutPresentPtr(), n), fl = new Int32Array(mem, c.mOutFlagsPtr(), n)
      const ca = new Int32Array(mem, c.mOutCandsPtr(), n), tp = new Int32Array(mem, c.mOutTopPtr(), n)
      const sl = new Float64Array(mem, c.mOutSumLRPtr(), n)
      const chunk: RawChunk = {
        rows: new Int32Array(mem, c.mOutRowPtr(), n * K).slice(), weights: new Float64Array(mem, c.mOutWPtr(), n * K).slice(),
        levels: new Int32Array(mem, c.mOutLvPtr(), n * K).slice(), fieldWeights: new Float32Array(mem, c.mOutFWPtr(), n * K * 5).slice(),
      }
      for (let k = 0; k < n; k++) {
        out[i + k] = {
          status: st[k]!, errField: ef[k]!, present: pr[k]!, flags: fl[k]!, candidatesExamined: ca[k]!, sumLR: sl[k]!,
          count: tp[k]!, off: k * K, chunk,
        }
      }
      i += n
    }
    return out
  }
}

/** The 7 field strings of a query, or an error for an unknown field or a value of the wrong type. */
export function queryValues(q: Query): string[] | { code: string; message: string } {
  if (!q || typeof q !== 'object') return { code: 'BAD_QUERY', message: 'a query must be an object' }
  for (const k of Object.keys(q)) {
    if (!QUERY_KEYS.has(k)) return { code: 'BAD_FIELD', message: `unknown field ${JSON.stringify(k).slice(0, 40)}` }
  }
  const out: string[] = []
  for (const f of QUERY_FIELDS) {
    const v = (q as Record<string, unknown>)[f]
    if (v === undefined || v === null) { out.push(''); continue }
    if (typeof v === 'number' && Number.isFinite(v)) { out.push(String(v)); continue }
    if (typeof v !== 'string') return { code: 'BAD_FIELD', message: `${f} must be a string` }
    out.push(v.trim())
  }
  return out
}

const DIGITS2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'))
const DIGITS3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'))

/** A resident_id (11 digits, held as a number in the core) as text: 5× faster than String + padStart. */
export function ridText(v: number): string {
  if (!(v >= 0 && v < 1e11) || !Number.isInteger(v)) return String(v).padStart(11, '0')
  const hi = Math.floor(v / 1e9), lo = v - hi * 1e9
  const a = Math.floor(lo / 1e6), r = lo - a * 1e6, b = Math.floor(r / 1000)
  return DIGITS2[hi]! + DIGITS3[a]! + DIGITS3[b]! + DIGITS3[r - b * 1000]!
}
