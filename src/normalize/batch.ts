// The JS side of the normalisation batch ABI (docs/ARCHITECTURE.md §1): strings go into WASM
// linear memory once per chunk as UTF-16 code units, one normalizeBatch call per chunk, and
// results are either decoded into JS objects (CLI, store build, tests) or left in WASM memory
// (matching, bench).
import { instantiate, type CoreExports } from '../wasm/load.js'
import { STATUS_ERRORS } from '../errors.js'

export type Field = 'name' | 'kana' | 'date' | 'sex' | 'address' | 'my_number' | 'resident_id'

/** Field ids of the batch ABI (also the match row's field ids for a record's own columns). */
export const FIELD_IDS: Readonly<Record<Field, number>> = {
  name: 0, kana: 1, date: 2, sex: 3, address: 4, my_number: 5, resident_id: 6,
}
export const FIELDS = Object.keys(FIELD_IDS) as Field[]

export interface NameResult { key: string; surname: string; given: string; exact: string }
export interface KanaResult { strict: string; loose: string; looser: string; split: [number, number, number] }
export interface DateResult { date: string }
export interface SexResult { sex: 1 | 2 }
export interface AddressResult { key: string; prefecture: string; city: string; town: string; block: string; rest: string; prefCode: number }
export interface IdResult { value: string }
export interface ErrorResult { error: { code: string; message: string } }
/** One normalised value; also the CLI's JSON line. */
export type Normalized = NameResult | KanaResult | DateResult | SexResult | AddressResult | IdResult | ErrorResult

/** Raw results of the last batch, valid until the next call on the same normalizer. */
export interface BatchView {
  readonly field: Field
  /** Items in this batch. */
  readonly count: number
  /** Index (in the caller's values) of item 0 of this batch. */
  readonly first: number
  /** Status per item: 0 or a negative Status (STATUS_ERRORS). */
  readonly status: Int32Array
  /** (start, length) per slot: slots[(i * slotsPerItem + s) * 2 + {0,1}]. */
  readonly slots: Int32Array
  readonly ints: Int32Array
  readonly chars: Uint16Array
  readonly slotsPerItem: number
  readonly intsPerItem: number
}

interface Abi {
  chars: Uint16Array; offsets: Int32Array; outChars: Uint16Array
  slots: Int32Array; ints: Int32Array; status: Int32Array
}

/** An error result for a negative Status. */
export function errorResult(status: number): ErrorResult {
  const e = STATUS_ERRORS[status]
  return { error: e ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: `unknown status ${status}` } }
}

/** 19700302 → '1970-03-02'. */
export function formatYmd(n: number): string {
  const y = Math.floor(n / 10000), m = Math.floor(n / 100) % 100, d = n % 100
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`
}

/** UTF-16 units → string without intermediate arrays (short strings in one call). */
export function decodeUnits(chars: Uint16Array, start: number, length: number): string {
  if (length <= 0) return ''
  if (length <= 4096) return String.fromCharCode.apply(null, chars.subarray(start, start + length) as unknown as number[])
  let s = ''
  for (let p = start; p < start + length; p += 4096) {
    s += String.fromCharCode.apply(null, chars.subarray(p, Math.min(p + 4096, start + length)) as unknown as number[])
  }
  return s
}

/**
 * A normaliser over its own WASM instance. Not thread-safe; one per worker.
 * @example
 * const n = WasmNormalizer.create()
 * n.normalize('kana', ['ｷｮｳｺ'])  // [{ strict: 'キョウコ', loose: 'キヨオコ', looser: 'キヨコ', split: [-1, -1, -1] }]
 */
export class WasmNormalizer {
  readonly core: CoreExports
  readonly inCapUnits: number
  readonly maxBatch: number
  readonly outCapUnits: number
  readonly slotsPerItem: number
  readonly intsPerItem: number
  readonly maxItemUnits: number
  #abi!: Abi

  private constructor(core: CoreExports) {
    this.core = core
    this.inCapUnits = core.IN_CAP_UNITS.value
    this.maxBatch = core.MAX_BATCH.value
    this.outCapUnits = core.OUT_CAP_UNITS.value
    this.slotsPerItem = core.SLOTS_PER_ITEM.value
    this.intsPerItem = core.INTS_PER_ITEM.value
    this.maxItemUnits = core.MAX_ITEM_UNITS.value
    this.#views()
  }

  /** A normaliser with its own WASM instance (and so its own linear memory). */
  static create(): WasmNormalizer {
    return new WasmNormalizer(instantiate())
  }

  #views(): void {
    const c = this.core, buf = c.memory.buffer
    this.#abi = {
      chars: new Uint16Array(buf, c.inCharsPtr(), this.inCapUnits),
      offsets: new Int32Array(buf, c.inOffsetsPtr(), this.maxBatch + 1),
      outChars: new Uint16Array(buf, c.outCharsPtr(), this.outCapUnits),
      slots: new Int32Array(buf, c.outSlotsPtr(), this.maxBatch * this.slotsPerItem * 2),
      ints: new Int32Array(buf, c.outIntsPtr(), this.maxBatch * this.intsPerItem),
      status: new Int32Array(buf, c.outStatusPtr(), this.maxBatch),
    }
  }

  /**
   * Runs `values[from..to)` through the core in as many chunks as it takes; calls `visit` with
   * each finished chunk (its view is valid only during the call). Returns items with status OK.
   */
  run(field: Field, values: readonly string[], visit?: (v: BatchView) => void, from = 0, to = values.length): number {
    const id = FIELD_IDS[field]
    if (id === undefined) throw new TypeError(`unknown field ${String(field)}`)
    const maxItem = this.maxItemUnits, cap = this.inCapUnits, maxBatch = this.maxBatch
    let ok = 0
    let i = from
    while (i < to) {
      if (this.#abi.chars.buffer !== this.core.memory.buffer) this.#views()
      const { chars, offsets } = this.#abi
      // Fill one chunk: stop at MAX_BATCH items or when the next item would not fit.
      let pos = 0, n = 0
      while (i + n < to && n < maxBatch) {
        const s = values[i + n]!
        const len = s.length
        if (len > maxItem) {
          // Not copied: the core sees the length alone and answers E_TOO_LONG.
          if (pos + maxItem + 1 > cap) break
          offsets[n] = pos
          pos += maxItem + 1
          n++
          continue
        }
        if (pos + len > cap) break
        offsets[n] = pos
        for (let j = 0; j < len; j++) chars[pos++] = s.charCodeAt(j)
        n++
      }
      offsets[n] = pos
      let done = this.core.normalizeBatch(id, n) as number
      if (this.#abi.chars.buffer !== this.core.memory.buffer) this.#views()
      if (done <= 0) throw new Error(`normalizeBatch made no progress on field ${field}`)
      const status = this.#abi.status
      for (let k = 0; k < done; k++) if (status[k] === 0) ok++
      if (visit) visit(this.#view(field, done, i))
      i += done
    }
    return ok
  }

  #view(field: Field, count: number, first: number): BatchView {
    const a = this.#abi
    return {
      field, count, first, status: a.status, slots: a.slots, ints: a.ints, chars: a.outChars,
      slotsPerItem: this.slotsPerItem, intsPerItem: this.intsPerItem,
    }
  }

  /**
   * Normalises `values` and leaves the last chunk's results in WASM memory (no decoding).
   * Returns how many values normalised without error.
   */
  normalizeInto(field: Field, values: readonly string[]): number {
    return this.run(field, values)
  }

  /** Normalises `values` and decodes every result (in input order). */
  normalize(field: Field, values: readonly string[]): Normalized[] {
    const out = new Array<Normalized>(values.length)
    this.run(field, values, (v) => { for (let k = 0; k < v.count; k++) out[v.first + k] = decodeItem(v, k) })
    return out
  }
}

/** Item `k` of a batch view as a Normalized object. */
export function decodeItem(v: BatchView, k: number): Normalized {
  const st = v.status[k]!
  if (st < 0) return errorResult(st)
  const base = k * v.slotsPerItem * 2
  const str = (s: number) => decodeUnits(v.chars, v.slots[base + 2 * s]!, v.slots[base + 2 * s + 1]!)
  const int = (i: number) => v.ints[k * v.intsPerItem + i]!
  switch (v.field) {
    case 'name': {
      const key = str(0), split = int(0)
      return split < 0
        ? { key, surname: '', given: '', exact: str(1) }
        : { key, surname: key.slice(0, split), given: key.slice(split), exact: str(1) }
    }
    case 'kana': return { strict: str(0), loose: str(1), looser: str(2), split: [int(0), int(1), int(2)] }
    case 'date': return { date: formatYmd(int(0)) }
    case 'sex': return { sex: int(0) as 1 | 2 }
    case 'address': return {
      key: str(0), prefecture: str(1), city: str(2), town: str(3), block: str(4), rest: str(5), prefCode: int(0),
    }
    default: return { value: str(0) }
  }
}

// ---- whole records ----------------------------------------------------------------------

/** A record's columns as the normaliser reads them (SPEC §1 names). */
export const RECORD_COLUMNS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id'] as const
export type RecordColumn = typeof RECORD_COLUMNS[number]
/** Which normaliser field each column goes through. */
export const COLUMN_FIELD: Readonly<Record<RecordColumn, Field>> = {
  name: 'name', name_kana: 'kana', birth_date: 'date', sex: 'sex', address: 'address',
  my_number: 'my_number', resident_id: 'resident_id',
}
export type RecordLike = Partial<Record<RecordColumn, string | null | undefined>>
/** Per column: the Normalized result, or undefined when the column was absent or empty. */
export type NormalizedRecord = Partial<Record<RecordColumn, Normalized>>

let shared: WasmNormalizer | undefined
function sharedNormalizer(): WasmNormalizer { return shared ??= WasmNormalizer.create() }

/**
 * Normalises whole records column by column, in batches, leaving results in WASM memory:
 * `visit(column, rows, view)` gets each finished chunk, where item k of `view` belongs to
 * record `rows[view.first + k]` (absent or empty columns are skipped, never sent). The view is
 * valid only during the call. Returns the number of column values that normalised without error.
 */
export function normalizeRecordsRaw(
  records: readonly RecordLike[],
  visit?: (column: RecordColumn, rows: Int32Array, view: BatchView) => void,
  opts: { normalizer?: WasmNormalizer; columns?: readonly RecordColumn[] } = {},
): number {
  const n = opts.normalizer ?? sharedNormalizer()
  // Preallocated and filled by index: refilling an emptied array with push() cost 5x more.
  const values: string[] = new Array<string>(records.length).fill('')
  const rows = new Int32Array(records.length)
  let ok = 0
  for (const column of opts.columns ?? RECORD_COLUMNS) {
    let m = 0
    for (let r = 0; r < records.length; r++) {
      const v = records[r]![column]
      if (v) { rows[m] = r; values[m++] = v }
    }
    if (m === 0) continue
    ok += n.run(COLUMN_FIELD[column], values, visit && ((view) => visit(column, rows, view)), 0, m)
  }
  return ok
}

/**
 * Normalises whole records (name, name_kana, birth_date, sex, address, my_number, resident_id)
 * in batches and decodes the results: one NormalizedRecord per record, in order.
 * @example normalizeRecords([{ name: '山田 太郎', birth_date: 'S45.3.2' }])[0].birth_date // { date: '1970-03-02' }
 */
export function normalizeRecords(
  records: readonly RecordLike[],
  opts: { normalizer?: WasmNormalizer; columns?: readonly RecordColumn[] } = {},
): NormalizedRecord[] {
  const out: NormalizedRecord[] = records.map(() => ({}))
  normalizeRecordsRaw(records, (column, rows, view) => {
    for (let k = 0; k < view.count; k++) out[rows[view.first + k]!]![column] = decodeItem(view, k)
  }, opts)
  return out
}
