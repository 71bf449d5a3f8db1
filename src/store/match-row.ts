/**
 * The match row: what the normaliser said about one resident, in the binary layout of
 * docs/ARCHITECTURE.md §3, stored in the `rows` database and read by the engine at load.
 *
 * ```
 * header  u8 version(=1) u8 flags(bit0 deleted) u8 status u8 fieldCount f64 resident_id
 * field   u8 fieldId i8 status u8 slotCount u8 intCount, intCount × i32, slotCount × (u16 length + UTF-16LE units)
 * ```
 * All numbers little-endian, no padding. A field whose column is empty is left out; a field the
 * normaliser refused keeps its (negative) status and no slots.
 * @example
 * const bytes = encodeMatchRow({ flags: 0, status: 0, residentId: '00000000001', fields: [{ id: FIELD.sex, status: 0, slots: [], ints: [1] }] })
 * decodeMatchRow(bytes).fields[0].ints[0] === 1
 */
import type { ResidentStatus } from '../engine/types.js'
import type { BatchView } from '../normalize/batch.js'

export const ROW_VERSION = 1
export const FLAG_DELETED = 1
export const HEADER_BYTES = 12

/** Status codes of the header byte. */
export const STATUS_CODE: Record<ResidentStatus, number> = { resident: 0, moved_out: 1, deceased: 2, removed: 3 }
export const STATUS_NAME: readonly ResidentStatus[] = ['resident', 'moved_out', 'deceased', 'removed']

/** Field ids: the batch ABI's for the record's own columns, then the optional name columns. */
export const FIELD = {
  name: 0, name_kana: 1, birth_date: 2, sex: 3, address: 4, my_number: 5,
  former_surname: 7, former_surname_kana: 8, alias: 9, alias_kana: 10, name_roman: 11,
} as const
export type RowColumn = keyof typeof FIELD

/** The batch-ABI field (normaliser) that computes each column's keys. */
export const COLUMN_NORMALIZER: Record<RowColumn, 'name' | 'kana' | 'date' | 'sex' | 'address' | 'my_number'> = {
  name: 'name', name_kana: 'kana', birth_date: 'date', sex: 'sex', address: 'address', my_number: 'my_number',
  former_surname: 'name', former_surname_kana: 'kana', alias: 'name', alias_kana: 'kana', name_roman: 'name',
}

export interface RowField {
  id: number
  /** 0, or the normaliser's negative Status. */
  status: number
  slots: string[]
  ints: number[]
}

export interface MatchRow {
  flags: number
  status: number
  /** 11 digits. */
  residentId: string
  fields: RowField[]
}

let scratch = new Uint8Array(1 << 12)
let view = new DataView(scratch.buffer)

function ensure(n: number): void {
  if (n <= scratch.length) return
  const next = new Uint8Array(Math.max(n, scratch.length * 2))
  next.set(scratch)
  scratch = next
  view = new DataView(scratch.buffer)
}

/** Encodes a row; returns a fresh Uint8Array the caller owns. */
export function encodeMatchRow(row: MatchRow): Uint8Array {
  let size = HEADER_BYTES
  for (const f of row.fields) {
    size += 4 + 4 * f.ints.length
    for (const s of f.slots) size += 2 + 2 * s.length
  }
  ensure(size)
  if (row.fields.length > 255) throw new RangeError('too many fields')
  scratch[0] = ROW_VERSION
  scratch[1] = row.flags
  scratch[2] = row.status
  scratch[3] = row.fields.length
  view.setFloat64(4, Number(row.residentId), true)
  let p = HEADER_BYTES
  for (const f of row.fields) {
    if (f.slots.length > 255 || f.ints.length > 255) throw new RangeError('too many slots or ints')
    scratch[p] = f.id
    view.setInt8(p + 1, f.status)
    scratch[p + 2] = f.slots.length
    scratch[p + 3] = f.ints.length
    p += 4
    for (const v of f.ints) { view.setInt32(p, v, true); p += 4 }
    for (const s of f.slots) {
      if (s.length > 0xffff) throw new RangeError('slot longer than 65535 units')
      view.setUint16(p, s.length, true)
      p += 2
      for (let j = 0; j < s.length; j++) { view.setUint16(p, s.charCodeAt(j), true); p += 2 }
    }
  }
  return scratch.slice(0, p)
}

/** Decodes a row (tools and tests; the engine reads the bytes directly). */
export function decodeMatchRow(bytes: Uint8Array): MatchRow {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes[0] !== ROW_VERSION) throw new RangeError(`match row version ${bytes[0]} is not ${ROW_VERSION}`)
  const n = bytes[3]!
  const row: MatchRow = { flags: bytes[1]!, status: bytes[2]!, residentId: residentIdOf(bytes), fields: [] }
  let p = HEADER_BYTES
  for (let i = 0; i < n; i++) {
    const f: RowField = { id: bytes[p]!, status: dv.getInt8(p + 1), slots: [], ints: [] }
    const slotCount = bytes[p + 2]!, intCount = bytes[p + 3]!
    p += 4
    for (let k = 0; k < intCount; k++) { f.ints.push(dv.getInt32(p, true)); p += 4 }
    for (let k = 0; k < slotCount; k++) {
      const len = dv.getUint16(p, true)
      p += 2
      let s = ''
      for (let j = 0; j < len; j++) { s += String.fromCharCode(dv.getUint16(p, true)); p += 2 }
      f.slots.push(s)
    }
    row.fields.push(f)
  }
  if (p !== bytes.length) throw new RangeError(`match row has ${bytes.length - p} trailing bytes`)
  return row
}

/** The resident_id of a row, 11 digits, without decoding the rest. */
export function residentIdOf(bytes: Uint8Array): string {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return String(dv.getFloat64(4, true)).padStart(11, '0')
}

/** True when the row is a tombstone (removed by a delta; row numbers stay stable). */
export function isDeleted(bytes: Uint8Array): boolean {
  return (bytes[1]! & FLAG_DELETED) !== 0
}

/**
 * The tombstone of a row: its header marked deleted, with no fields (a removed person's keys
 * do not linger in the snapshot; the row number stays taken).
 */
export function tombstone(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice(0, HEADER_BYTES)
  out[1] = out[1]! | FLAG_DELETED
  out[3] = 0
  return out
}

/** Slots and ints per item of each batch-ABI field (docs/ARCHITECTURE.md §1). */
export const FIELD_SHAPE: Record<'name' | 'kana' | 'date' | 'sex' | 'address' | 'my_number' | 'resident_id', { slots: number; ints: number }> = {
  name: { slots: 2, ints: 2 }, kana: { slots: 3, ints: 3 }, date: { slots: 0, ints: 1 }, sex: { slots: 0, ints: 1 },
  address: { slots: 6, ints: 1 }, my_number: { slots: 1, ints: 0 }, resident_id: { slots: 1, ints: 0 },
}

/** What `FieldArena.add` reads: the raw results of one normaliser batch. */
export type RawBatch = Pick<BatchView, 'status' | 'slots' | 'ints' | 'chars' | 'slotsPerItem' | 'intsPerItem'>

/**
 * Encoded fields of many rows, written straight from the normaliser's output in WASM memory
 * (no JS strings on the way). Rows are then assembled with `encodeRowFromArena`.
 */
export class FieldArena {
  bytes = new Uint8Array(1 << 16)
  #dv = new DataView(this.bytes.buffer)
  used = 0
  /** start/end in `bytes` of the field of (row, column slot); end 0 = absent. */
  start: Int32Array
  end: Int32Array
  constructor(readonly rows: number, readonly columns: number) {
    this.start = new Int32Array(rows * columns)
    this.end = new Int32Array(rows * columns)
  }
  reset(): void {
    this.used = 0
    this.end.fill(0)
  }
  #ensure(n: number): void {
    if (this.used + n <= this.bytes.length) return
    const next = new Uint8Array(Math.max(this.used + n, this.bytes.length * 2))
    next.set(this.bytes.subarray(0, this.used))
    this.bytes = next
    this.#dv = new DataView(next.buffer)
  }
  /** Encodes item `k` of `v` as field `fieldId` of (row, column). Slots/ints only when status is 0. */
  add(row: number, column: number, fieldId: number, v: RawBatch, k: number, shape: { slots: number; ints: number }): void {
    const st = v.status[k]!
    const ok = st === 0
    let size = 4
    if (ok) {
      size += 4 * shape.ints
      for (let s = 0; s < shape.slots; s++) size += 2 + 2 * v.slots[(k * v.slotsPerItem + s) * 2 + 1]!
    }
    this.#ensure(size)
    const b = this.bytes, dv = this.#dv
    let p = this.used
    this.start[row * this.columns + column] = p
    b[p] = fieldId
    dv.setInt8(p + 1, st)
    b[p + 2] = ok ? shape.slots : 0
    b[p + 3] = ok ? shape.ints : 0
    p += 4
    if (ok) {
      for (let i = 0; i < shape.ints; i++) { dv.setInt32(p, v.ints[k * v.intsPerItem + i]!, true); p += 4 }
      for (let s = 0; s < shape.slots; s++) {
        const at = v.slots[(k * v.slotsPerItem + s) * 2]!, len = v.slots[(k * v.slotsPerItem + s) * 2 + 1]!
        dv.setUint16(p, len, true)
        p += 2
        for (let j = 0; j < len; j++) { dv.setUint16(p, v.chars[at + j]!, true); p += 2 }
      }
    }
    this.used = p
    this.end[row * this.columns + column] = p
  }
  /** Status of (row, column): 0, negative, or undefined when absent. */
  status(row: number, column: number): number | undefined {
    const i = row * this.columns + column
    if (this.end[i] === 0) return undefined
    return this.#dv.getInt8(this.start[i]! + 1)
  }
}

/** Assembles row `row` of `arena` (its present columns, in column order) into a fresh row. */
export function encodeRowFromArena(arena: FieldArena, row: number, residentId: string, status: number, flags = 0): Uint8Array {
  let size = HEADER_BYTES, count = 0
  const base = row * arena.columns
  for (let c = 0; c < arena.columns; c++) {
    const e = arena.end[base + c]!
    if (e) { size += e - arena.start[base + c]!; count++ }
  }
  const out = new Uint8Array(size)
  out[0] = ROW_VERSION
  out[1] = flags
  out[2] = status
  out[3] = count
  new DataView(out.buffer).setFloat64(4, Number(residentId), true)
  let p = HEADER_BYTES
  for (let c = 0; c < arena.columns; c++) {
    const e = arena.end[base + c]!
    if (!e) continue
    const s = arena.start[base + c]!
    out.set(arena.bytes.subarray(s, e), p)
    p += e - s
  }
  return out
}
