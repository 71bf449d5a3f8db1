// The resident side of matching: one column per match key, filled from the binary match rows of
// docs/ARCHITECTURE.md §3 (JS copies the row bytes in; nothing is decoded in JS). Only what
// matching needs lives here: hashes, dates, codes, and two short strings per row for edit
// distance. Display fields stay in LMDB.
import { hStr, hStr2 } from './hash'

// meta bits
export const M_SEX_MASK: u32 = 3
export const M_DELETED: u32 = 1 << 4
export const M_HAS_KANA: u32 = 1 << 5
export const M_HAS_NAME: u32 = 1 << 6
export const M_KANA_FROM_NAME: u32 = 1 << 7
export const M_PREF_SHIFT: u32 = 8
/** status (0 resident, 1 moved_out, 2 deceased, 3 removed) at bits 2..3 */
export const M_STATUS_SHIFT: u32 = 2

export let nRows: i32 = 0
let capRows: i32 = 0

// u32 columns
export let colDate: usize = 0
export let colMeta: usize = 0
export let colExact: usize = 0
export let colKey: usize = 0
export let colKeySur: usize = 0
export let colKeyGiv: usize = 0
export let colLoose: usize = 0
export let colLooseSur: usize = 0
export let colLooseGiv: usize = 0
export let colLooser: usize = 0
export let colFormerKey: usize = 0      // former surname + registered given name (key)
export let colFormerSurKey: usize = 0
export let colFormerLoose: usize = 0    // former surname reading + registered given reading
export let colFormerSurLoose: usize = 0
export let colAliasKey: usize = 0
export let colAliasLoose: usize = 0
export let colPref: usize = 0
export let colCity: usize = 0
export let colTown: usize = 0
export let colChome: usize = 0
export let colBlock: usize = 0
export let colPool: usize = 0           // absolute pointer to: key units, then loose units
export let colPoolLens: usize = 0       // keyLen | looseLen << 16
export let colSplits: usize = 0         // key split | loose split << 16 (0xFFFF: none)
export let colReadings: usize = 0       // absolute pointer to dictionary readings (0: none), see expandReadings
// f64 columns
export let colMy: usize = 0             // my_number as a number, -1 when absent
export let colRid: usize = 0            // resident_id as a number

/**
 * Rows are stored row-major: one 128-byte record per row (two cache lines, the fields a candidate's
 * comparison reads first in the first line), so scoring a candidate touches one or two lines
 * instead of one per column. A `col*` value is the byte offset of that field in a record.
 */
export const ROW_BYTES: usize = 128
/** Records live in chunks of 4 M rows (512 MB): one allocation may not exceed 1 GB. */
const CHUNK_SHIFT: i32 = 22
const CHUNK_MASK: i32 = (1 << CHUNK_SHIFT) - 1
const chunks = new StaticArray<usize>(256)
@inline function rowAddr(r: i32): usize { return unchecked(chunks[r >> CHUNK_SHIFT]) + <usize>(r & CHUNK_MASK) * ROW_BYTES }
@inline export function u32At(col: usize, r: i32): u32 { return load<u32>(rowAddr(r) + col) }
@inline function setU32(col: usize, r: i32, v: u32): void { store<u32>(rowAddr(r) + col, v) }
/** my_number (inside the record). */
@inline export function myAt(r: i32): f64 { return load<f64>(rowAddr(r) + colMy) }
/** Contiguous f64 columns (resident_id: JS reads it as a Float64Array). */
@inline export function f64At(col: usize, r: i32): f64 { return load<f64>(col + (<usize>r << 3)) }

let nextField: usize = 0
function col32(): usize { const p = nextField; nextField += 4; return p }
function colIn64(): usize { nextField = (nextField + 7) & ~7; const p = nextField; nextField += 8; return p }
function col64(): usize { return heap.alloc(<usize>capRows << 3) }

/** Allocates the columns for `cap` rows. Called once per instance. */
export function allocRows(cap: i32): void {
  capRows = cap > 0 ? cap : 1
  nRows = 0
  for (let c = 0; c << CHUNK_SHIFT < capRows; c++) {
    const rows = min(capRows - (c << CHUNK_SHIFT), 1 << CHUNK_SHIFT)
    const bytes = <usize>rows * ROW_BYTES
    const base = (heap.alloc(bytes + 64) + 63) & ~<usize>63
    memory.fill(base, 0, bytes)
    unchecked(chunks[c] = base)
  }
  nextField = 0
  // first cache line: what every candidate's comparison reads
  colMeta = col32(); colDate = col32(); colExact = col32(); colKey = col32(); colLoose = col32(); colLooser = col32()
  colPref = col32(); colCity = col32(); colTown = col32(); colChome = col32(); colBlock = col32()
  colPool = col32(); colPoolLens = col32(); colSplits = col32(); colFormerKey = col32(); colAliasKey = col32()
  // second line: alternatives, parts (blocking only), readings, my_number
  colFormerLoose = col32(); colAliasLoose = col32(); colReadings = col32(); colKeySur = col32(); colKeyGiv = col32()
  colLooseSur = col32(); colLooseGiv = col32(); colFormerSurKey = col32(); colFormerSurLoose = col32()
  colMy = colIn64()
  colRid = col64()
}

// Field ids of the match row.
const F_NAME: u8 = 0, F_KANA: u8 = 1, F_DATE: u8 = 2, F_SEX: u8 = 3, F_ADDRESS: u8 = 4, F_MY: u8 = 5
const F_FORMER: u8 = 7, F_FORMER_KANA: u8 = 8, F_ALIAS: u8 = 9, F_ALIAS_KANA: u8 = 10

/** Value of `n` ASCII digits at `p` (UTF-16), or -1 if any unit is not a digit. */
export function digitsValue(p: usize, n: i32): f64 {
  if (n <= 0) return -1
  let v: f64 = 0
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u16>(p + (<usize>i << 1)) - 0x30
    if (c < 0 || c > 9) return -1
    v = v * 10 + <f64>c
  }
  return v
}

/** Length of the 丁目 part of a canonical block `3-12-5` (up to the first hyphen). */
export function chomeLen(p: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) if (load<u16>(p + (<usize>i << 1)) == 0x2D) return i
  return n
}

/** True when every unit is katakana (a name registered in kana, e.g. a foreign resident's). */
export function allKatakana(p: usize, n: i32): bool {
  if (n <= 0) return false
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u16>(p + (<usize>i << 1))
    if (c - 0x30A1 > 0x5B) return false        // ァ..ー
  }
  return true
}

// Slots of the field being read.
const slotP = new StaticArray<usize>(8)
const slotN = new StaticArray<i32>(8)
const ints = new StaticArray<i32>(8)

// Per-row scratch of the key/loose strings (copied into the pool once the row is read).
let keyP: usize = 0, keyN: i32 = 0, keySplit: i32 = -1
let looseP: usize = 0, looseN: i32 = 0, looseSplit: i32 = -1
let looserP: usize = 0, looserN: i32 = 0
let formerP: usize = 0, formerN: i32 = 0
let formerKanaP: usize = 0, formerKanaN: i32 = 0

/** A fold of the registered name into a loose key when the name is itself katakana. */
const nameKanaBuf = new StaticArray<u16>(1024)

import { kanaLooseFrom, kanaLooserFrom, kanaSplit } from '../normalize/kana'
import { readingCount, readingPtr, readingLen, READING_SURNAME, READING_GIVEN } from '../query/readings'

/** Dictionary readings kept per part of a kanji-only name (the dictionary's first = commonest). */
export const READINGS_PER_PART: i32 = 3
const surH = new StaticArray<u32>(READINGS_PER_PART)
const givH = new StaticArray<u32>(READINGS_PER_PART)
const surLooseBuf = new StaticArray<u16>(READINGS_PER_PART * 72)
const surLooseLen = new StaticArray<i32>(READINGS_PER_PART)
const readBuf = new StaticArray<u16>(144)

/** Loose fold of the i-th reading of the last lookup into dst; returns its length. */
function readingLoose(i: i32, dst: usize): i32 {
  const n = readingLen(i)
  if (n <= 0 || n > 64) return 0
  return kanaLooseFrom(readingPtr(i), n, -1, dst)
}

/**
 * Readings of a kanji-only name (no registered name_kana): [u32 nSur][u32 nGiv][nSur × sur hash]
 * [nGiv × given hash][nSur·nGiv × full hash], loose-folded; 0 when either part is unknown.
 */
function expandReadings(kp: usize, kn: i32, split: i32): usize {
  if (split <= 0 || split >= kn) return 0
  const ns0 = readingCount(READING_SURNAME, kp, split)
  if (ns0 == 0) return 0
  const ns = min(ns0, READINGS_PER_PART)
  const sb = changetype<usize>(surLooseBuf)
  for (let i = 0; i < ns; i++) {
    const l = readingLoose(i, sb + <usize>(i * 144))
    unchecked(surLooseLen[i] = l)
    unchecked(surH[i] = hStr(sb + <usize>(i * 144), l))
  }
  const ng0 = readingCount(READING_GIVEN, kp + (<usize>split << 1), kn - split)
  if (ng0 == 0) return 0
  const ng = min(ng0, READINGS_PER_PART)
  const p = heap.alloc(<usize>(8 + 4 * (ns + ng + ns * ng)))
  store<u32>(p, <u32>ns); store<u32>(p + 4, <u32>ng)
  const rb = changetype<usize>(readBuf)
  for (let j = 0; j < ng; j++) {
    const l = readingLoose(j, rb)
    store<u32>(p + 8 + <usize>((ns + j) << 2), hStr(rb, l))
    for (let i = 0; i < ns; i++) {
      store<u32>(p + 8 + <usize>((ns + ng + i * ng + j) << 2), hStr2(sb + <usize>(i * 144), unchecked(surLooseLen[i]), rb, l))
    }
  }
  for (let i = 0; i < ns; i++) store<u32>(p + 8 + <usize>(i << 2), unchecked(surH[i]))
  return p
}

/**
 * Reads `count` match rows; row `first + i` is at bytes [offs[i], offs[i+1]) of `buf`.
 * Returns the number of rows now loaded.
 */
export function readRows(buf: usize, offs: usize, first: i32, count: i32): i32 {
  // Kept strings go to a staging area first, then into a pool of exactly their size.
  let need: usize = 0
  for (let i = 0; i < count; i++) need += <usize>(load<i32>(offs + (<usize>(i + 1) << 2)) - load<i32>(offs + (<usize>i << 2)))
  if (need + 16 > stageCap) { stageCap = need + 16; stage = heap.alloc(stageCap) }
  let at = stage
  const last = min(first + count, capRows)
  for (let i = 0; i < count; i++) {
    const r = first + i
    if (r >= capRows) break
    const a = load<i32>(offs + (<usize>i << 2)), b = load<i32>(offs + (<usize>(i + 1) << 2))
    at = readRow(buf + <usize>a, b - a, r, at)
    if (r + 1 > nRows) nRows = r + 1
  }
  const used = at - stage
  const pool = heap.alloc(used > 0 ? used : 1)
  memory.copy(pool, stage, used)
  const shift = <u32>(pool - stage)
  for (let r = first; r < last; r++) setU32(colPool, r, u32At(colPool, r) + shift)
  return nRows
}
let stage: usize = 0
let stageCap: usize = 0

function readRow(p: usize, size: i32, r: i32, pool: usize): usize {
  const end = p + <usize>size
  const flags = load<u8>(p + 1)
  const status = <u32>load<u8>(p + 2)
  const fieldCount = <i32>load<u8>(p + 3)
  store<f64>(colRid + (<usize>r << 3), load<f64>(p + 4))
  store<f64>(rowAddr(r) + colMy, -1)
  let meta: u32 = (status & 3) << M_STATUS_SHIFT
  if (flags & 1) { setU32(colMeta, r, meta | M_DELETED); return pool }
  keyP = 0; keyN = 0; keySplit = -1; looseP = 0; looseN = 0; looseSplit = -1; looserP = 0; looserN = 0
  formerP = 0; formerN = 0; formerKanaP = 0; formerKanaN = 0
  let q = p + 12
  for (let f = 0; f < fieldCount && q < end; f++) {
    const id = load<u8>(q)
    const st = load<i8>(q + 1)
    const nSlots = <i32>load<u8>(q + 2)
    const nInts = <i32>load<u8>(q + 3)
    q += 4
    for (let k = 0; k < nInts; k++) {
      if (k < 8) unchecked(ints[k] = load<i32>(q))
      q += 4
    }
    for (let k = 0; k < nSlots; k++) {
      const n = <i32>load<u16>(q)
      if (k < 8) { unchecked(slotP[k] = q + 2); unchecked(slotN[k] = n) }
      q += 2 + (<usize>n << 1)
    }
    if (st < 0) continue
    if (id == F_NAME && nSlots >= 2) {
      keyP = slotP[0]; keyN = slotN[0]; keySplit = nInts > 0 ? ints[0] : -1
      setU32(colKey, r, hStr(keyP, keyN))
      setU32(colExact, r, hStr(slotP[1], slotN[1]))
      if (keySplit > 0 && keySplit < keyN) {
        setU32(colKeySur, r, hStr(keyP, keySplit))
        setU32(colKeyGiv, r, hStr(keyP + (<usize>keySplit << 1), keyN - keySplit))
      }
      meta |= M_HAS_NAME
    } else if (id == F_KANA && nSlots >= 3) {
      looseP = slotP[1]; looseN = slotN[1]; looseSplit = nInts > 1 ? ints[1] : -1
      looserP = slotP[2]; looserN = slotN[2]
      meta |= M_HAS_KANA
    } else if (id == F_DATE && nInts >= 1) {
      setU32(colDate, r, <u32>ints[0])
    } else if (id == F_SEX && nInts >= 1) {
      meta |= <u32>ints[0] & M_SEX_MASK
    } else if (id == F_ADDRESS && nSlots >= 5) {
      setU32(colPref, r, hStr(slotP[1], slotN[1]))
      setU32(colCity, r, hStr(slotP[2], slotN[2]))
      setU32(colTown, r, hStr(slotP[3], slotN[3]))
      setU32(colChome, r, hStr(slotP[4], chomeLen(slotP[4], slotN[4])))
      setU32(colBlock, r, hStr(slotP[4], slotN[4]))
      if (nInts >= 1) meta |= (<u32>ints[0] & 63) << M_PREF_SHIFT
    } else if (id == F_MY && nSlots >= 1) {
      store<f64>(rowAddr(r) + colMy, digitsValue(slotP[0], slotN[0]))
    } else if (id == F_FORMER && nSlots >= 1) {
      formerP = slotP[0]; formerN = slotN[0]
    } else if (id == F_FORMER_KANA && nSlots >= 2) {
      formerKanaP = slotP[1]; formerKanaN = slotN[1]
    } else if (id == F_ALIAS && nSlots >= 1) {
      setU32(colAliasKey, r, hStr(slotP[0], slotN[0]))
    } else if (id == F_ALIAS_KANA && nSlots >= 2) {
      setU32(colAliasLoose, r, hStr(slotP[1], slotN[1]))
    }
  }
  // A name registered in katakana with no separate reading is its own reading.
  if (!(meta & M_HAS_KANA) && keyN > 0 && keyN <= 500 && allKatakana(keyP, keyN)) {
    const buf = changetype<usize>(nameKanaBuf)
    const ln = kanaLooseFrom(keyP, keyN, keySplit, buf)
    looseP = buf; looseN = ln; looseSplit = kanaSplit
    const m = kanaLooserFrom(buf, ln, looseSplit, buf + (<usize>ln << 1))
    looserP = buf + (<usize>ln << 1); looserN = m
    meta |= M_HAS_KANA | M_KANA_FROM_NAME
  }
  if (looseN > 0) {
    setU32(colLoose, r, hStr(looseP, looseN))
    setU32(colLooser, r, hStr(looserP, looserN))
    if (looseSplit > 0 && looseSplit < looseN) {
      setU32(colLooseSur, r, hStr(looseP, looseSplit))
      setU32(colLooseGiv, r, hStr(looseP + (<usize>looseSplit << 1), looseN - looseSplit))
    }
  }
  if (formerN > 0) {
    setU32(colFormerSurKey, r, hStr(formerP, formerN))
    if (keySplit > 0 && keySplit < keyN) setU32(colFormerKey, r, hStr2(formerP, formerN, keyP + (<usize>keySplit << 1), keyN - keySplit))
  }
  if (formerKanaN > 0) {
    setU32(colFormerSurLoose, r, hStr(formerKanaP, formerKanaN))
    if (looseSplit > 0 && looseSplit < looseN) setU32(colFormerLoose, r, hStr2(formerKanaP, formerKanaN, looseP + (<usize>looseSplit << 1), looseN - looseSplit))
  }
  if (!(meta & M_HAS_KANA) && keyN > 0) setU32(colReadings, r, <u32>expandReadings(keyP, keyN, keySplit))
  setU32(colMeta, r, meta)
  // Strings kept for edit distance: the name key and the loose reading (split kept in meta-free form).
  const kn = keyN > 0xFFFF ? 0 : keyN, ln = looseN > 0xFFFF ? 0 : looseN
  setU32(colPool, r, <u32>pool)
  setU32(colPoolLens, r, <u32>kn | (<u32>ln << 16))
  const ks: u32 = keySplit > 0 && keySplit < kn ? <u32>keySplit : 0xFFFF
  const ls: u32 = looseSplit > 0 && looseSplit < ln ? <u32>looseSplit : 0xFFFF
  setU32(colSplits, r, ks | (ls << 16))
  memory.copy(pool, keyP, <usize>kn << 1)
  memory.copy(pool + (<usize>kn << 1), looseP, <usize>ln << 1)
  return pool + (<usize>(kn + ln) << 1)
}

// ---- index image (assembly/index/image.ts) ----------------------------------------------------
// The module's state, in a fixed order. Every module-level `let` above is either here or listed
// as scratch in image.ts (tests/unit/engine-image-globals.test.ts checks it).
@inline function put(p: usize, v: f64): usize { store<f64>(p, v); return p + 8 }

/** Writes this module's state globals at `p` (f64 each); returns the end. */
export function rowsSave(p: usize): usize {
  p = put(p, <f64>nRows); p = put(p, <f64>capRows)
  p = put(p, <f64>colDate); p = put(p, <f64>colMeta); p = put(p, <f64>colExact); p = put(p, <f64>colKey)
  p = put(p, <f64>colKeySur); p = put(p, <f64>colKeyGiv); p = put(p, <f64>colLoose); p = put(p, <f64>colLooseSur)
  p = put(p, <f64>colLooseGiv); p = put(p, <f64>colLooser); p = put(p, <f64>colFormerKey); p = put(p, <f64>colFormerSurKey)
  p = put(p, <f64>colFormerLoose); p = put(p, <f64>colFormerSurLoose); p = put(p, <f64>colAliasKey); p = put(p, <f64>colAliasLoose)
  p = put(p, <f64>colPref); p = put(p, <f64>colCity); p = put(p, <f64>colTown); p = put(p, <f64>colChome)
  p = put(p, <f64>colBlock); p = put(p, <f64>colPool); p = put(p, <f64>colPoolLens); p = put(p, <f64>colSplits)
  p = put(p, <f64>colReadings); p = put(p, <f64>colMy); p = put(p, <f64>colRid)
  p = put(p, <f64>nextField); p = put(p, <f64>stage); p = put(p, <f64>stageCap)
  return p
}

/** Reads what rowsSave wrote; returns the end. */
export function rowsRestore(p: usize): usize {
  nRows = <i32>load<f64>(p); p += 8; capRows = <i32>load<f64>(p); p += 8
  colDate = <usize>load<f64>(p); p += 8; colMeta = <usize>load<f64>(p); p += 8; colExact = <usize>load<f64>(p); p += 8; colKey = <usize>load<f64>(p); p += 8
  colKeySur = <usize>load<f64>(p); p += 8; colKeyGiv = <usize>load<f64>(p); p += 8; colLoose = <usize>load<f64>(p); p += 8; colLooseSur = <usize>load<f64>(p); p += 8
  colLooseGiv = <usize>load<f64>(p); p += 8; colLooser = <usize>load<f64>(p); p += 8; colFormerKey = <usize>load<f64>(p); p += 8; colFormerSurKey = <usize>load<f64>(p); p += 8
  colFormerLoose = <usize>load<f64>(p); p += 8; colFormerSurLoose = <usize>load<f64>(p); p += 8; colAliasKey = <usize>load<f64>(p); p += 8; colAliasLoose = <usize>load<f64>(p); p += 8
  colPref = <usize>load<f64>(p); p += 8; colCity = <usize>load<f64>(p); p += 8; colTown = <usize>load<f64>(p); p += 8; colChome = <usize>load<f64>(p); p += 8
  colBlock = <usize>load<f64>(p); p += 8; colPool = <usize>load<f64>(p); p += 8; colPoolLens = <usize>load<f64>(p); p += 8; colSplits = <usize>load<f64>(p); p += 8
  colReadings = <usize>load<f64>(p); p += 8; colMy = <usize>load<f64>(p); p += 8; colRid = <usize>load<f64>(p); p += 8
  nextField = <usize>load<f64>(p); p += 8; stage = <usize>load<f64>(p); p += 8; stageCap = <usize>load<f64>(p); p += 8
  return p
}

/** Split positions are not kept per row: partial (氏 or 名 only) agreement uses the part hashes. */
export function rowSex(r: i32): i32 { return <i32>(u32At(colMeta, r) & M_SEX_MASK) }
