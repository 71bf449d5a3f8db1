// Blocking keys and postings. Every row emits the keys below (hashes of type + parts); all
// (key, row) pairs are radix-sorted into CSR form and a bucket index on the top bits of the key
// finds a key's block in two memory reads. docs/matching.md explains the choice of keys.
import { hKey } from './hash'
import {
  nRows, u32At, f64At, myAt, colMeta, M_DELETED, colDate, colKey, colKeySur, colKeyGiv, colLoose, colLooseSur,
  colLooseGiv, colFormerKey, colFormerSurKey, colFormerLoose, colFormerSurLoose, colAliasKey, colAliasLoose,
  colMy, colRid, colReadings, colPool, colPoolLens, M_SEX_MASK,
} from './rows'
import { hStr } from './hash'

export const K_DATE_SUR_LOOSE: u32 = 1
export const K_DATE_GIV_LOOSE: u32 = 2
export const K_DATE_SUR_KEY: u32 = 3
export const K_DATE_GIV_KEY: u32 = 4
export const K_LOOSE_YEAR: u32 = 5
export const K_LOOSE_MD: u32 = 6
export const K_KEY_YEAR: u32 = 7
export const K_KEY_MD: u32 = 8
export const K_MY: u32 = 9
export const K_RID: u32 = 10
export const K_NAME_KEY: u32 = 11
export const K_NAME_LOOSE: u32 = 12
/** (date, first 2 units of the loose reading), (date, last 2): any one typo leaves one intact. */
export const K_DATE_PFX_LOOSE: u32 = 13
export const K_DATE_SFX_LOOSE: u32 = 14
/** (date, first unit of the name key), (date, last unit): a wrong kanji in the middle or one end. */
export const K_DATE_PFX_KEY: u32 = 15
export const K_DATE_SFX_KEY: u32 = 16
/** The date part of a weak key: birth date and sex (0 when unknown). */
@inline export function weakPart(d: u32, sex: u32): u32 { return d | (sex << 28) }
/** Units of the reading's prefix/suffix key, and of the name key's. */
export const PFX_LOOSE_UNITS: i32 = 2
export const PFX_KEY_UNITS: i32 = 1

let pKeys: usize = 0
let pRows: usize = 0
export let nPostings: i32 = 0
let bucketBits: u32 = 1
let buckets: usize = 0

// Emission passes: count, histogram by bucket, scatter into place (no sort scratch).
const MODE_COUNT: i32 = 0, MODE_HIST: i32 = 1, MODE_SCATTER: i32 = 2
let mode = MODE_COUNT
let emitted: i32 = 0
let curRow: u32 = 0
let shift: u32 = 28

@inline function emit(type: u32, a: u32, b: u32): void {
  emitted++
  if (mode == MODE_COUNT) return
  const k = hKey(type, a, b)
  const at = buckets + (<usize>(k >> shift) << 2)
  if (mode == MODE_HIST) { store<u32>(at, load<u32>(at) + 1); return }
  const pos = load<u32>(at) - 1
  store<u32>(at, pos)
  store<u32>(pKeys + (<usize>pos << 2), k)
  store<u32>(pRows + (<usize>pos << 2), curRow)
}

/** Number parts of an identifier stored as f64. */
@inline export function idLo(v: f64): u32 { return <u32>(<u64>v & 0xFFFFFFFF) }
@inline export function idHi(v: f64): u32 { return <u32>(<u64>v >> 32) }

function emitRow(r: i32): void {
  const meta = u32At(colMeta, r)
  if (meta & M_DELETED) return
  curRow = <u32>r
  const d = u32At(colDate, r)
  const y = d / 10000, md = d % 10000
  const key = u32At(colKey, r), fKey = u32At(colFormerKey, r), aKey = u32At(colAliasKey, r)
  const loose = u32At(colLoose, r), fLoose = u32At(colFormerLoose, r), aLoose = u32At(colAliasLoose, r)
  if (d) {
    const ks = u32At(colKeySur, r), fks = u32At(colFormerSurKey, r)
    if (ks) emit(K_DATE_SUR_KEY, d, ks)
    if (fks && fks != ks) emit(K_DATE_SUR_KEY, d, fks)
    const kg = u32At(colKeyGiv, r)
    if (kg) emit(K_DATE_GIV_KEY, d, kg)
    const ls = u32At(colLooseSur, r), fls = u32At(colFormerSurLoose, r)
    if (ls) emit(K_DATE_SUR_LOOSE, d, ls)
    if (fls && fls != ls) emit(K_DATE_SUR_LOOSE, d, fls)
    const lg = u32At(colLooseGiv, r)
    if (lg) emit(K_DATE_GIV_LOOSE, d, lg)
    const pool = <usize>u32At(colPool, r), lens = u32At(colPoolLens, r)
    const kn = <i32>(lens & 0xFFFF), ln = <i32>(lens >> 16)
    // weak keys also carry the sex (halves their blocks; a query without sex probes both)
    const ds = weakPart(d, meta & M_SEX_MASK)
    if (kn > PFX_KEY_UNITS) {
      emit(K_DATE_PFX_KEY, ds, hStr(pool, PFX_KEY_UNITS))
      emit(K_DATE_SFX_KEY, ds, hStr(pool + (<usize>(kn - PFX_KEY_UNITS) << 1), PFX_KEY_UNITS))
    }
    if (ln > PFX_LOOSE_UNITS) {
      const lp = pool + (<usize>kn << 1)
      emit(K_DATE_PFX_LOOSE, ds, hStr(lp, PFX_LOOSE_UNITS))
      emit(K_DATE_SFX_LOOSE, ds, hStr(lp + (<usize>(ln - PFX_LOOSE_UNITS) << 1), PFX_LOOSE_UNITS))
    }
    if (key) { emit(K_KEY_YEAR, key, y); emit(K_KEY_MD, key, md) }
    if (fKey && fKey != key) { emit(K_KEY_YEAR, fKey, y); emit(K_KEY_MD, fKey, md) }
    if (aKey && aKey != key) { emit(K_KEY_YEAR, aKey, y); emit(K_KEY_MD, aKey, md) }
    if (loose) { emit(K_LOOSE_YEAR, loose, y); emit(K_LOOSE_MD, loose, md) }
    if (fLoose && fLoose != loose) { emit(K_LOOSE_YEAR, fLoose, y); emit(K_LOOSE_MD, fLoose, md) }
    if (aLoose && aLoose != loose) { emit(K_LOOSE_YEAR, aLoose, y); emit(K_LOOSE_MD, aLoose, md) }
  }
  if (key) emit(K_NAME_KEY, key, 0)
  if (fKey && fKey != key) emit(K_NAME_KEY, fKey, 0)
  if (aKey && aKey != key) emit(K_NAME_KEY, aKey, 0)
  if (loose) emit(K_NAME_LOOSE, loose, 0)
  if (fLoose && fLoose != loose) emit(K_NAME_LOOSE, fLoose, 0)
  if (aLoose && aLoose != loose) emit(K_NAME_LOOSE, aLoose, 0)
  // Dictionary readings of a kanji-only name (rows.ts expandReadings).
  const rp = <usize>u32At(colReadings, r)
  if (rp) {
    const ns = <i32>load<u32>(rp), ng = <i32>load<u32>(rp + 4)
    const base = rp + 8
    if (d) {
      for (let i = 0; i < ns; i++) emit(K_DATE_SUR_LOOSE, d, load<u32>(base + (<usize>i << 2)))
      for (let j = 0; j < ng; j++) emit(K_DATE_GIV_LOOSE, d, load<u32>(base + (<usize>(ns + j) << 2)))
    }
    for (let k = 0; k < ns * ng; k++) {
      const rf = load<u32>(base + (<usize>(ns + ng + k) << 2))
      if (d) { emit(K_LOOSE_YEAR, rf, y); emit(K_LOOSE_MD, rf, md) }
      emit(K_NAME_LOOSE, rf, 0)
    }
  }
  const my = myAt(r)
  if (my >= 0) emit(K_MY, idLo(my), idHi(my))
  const rid = f64At(colRid, r)
  if (rid >= 0) emit(K_RID, idLo(rid), idHi(rid))
}

/**
 * Builds the postings over rows 0..nRows-1: counts them, histograms them by the top `bucketBits`
 * bits of the key (about 4 per bucket), scatters each (key, row) into its bucket (rows visited
 * backwards and buckets filled from their end, so equal keys keep ascending rows), then sorts
 * each small bucket by key (stable insertion sort). The histogram becomes the bucket index.
 * Returns the number of postings.
 */
export function buildPostings(): i32 {
  mode = MODE_COUNT; emitted = 0
  for (let r = 0; r < nRows; r++) emitRow(r)
  const n = emitted
  let bits: u32 = 4
  while (bits < 30 && (<i64>4 << bits) <= <i64>n) bits++
  bucketBits = bits
  shift = 32 - bits
  const nb = <usize>1 << bits
  buckets = heap.alloc((nb + 1) << 2)
  memory.fill(buckets, 0, (nb + 1) << 2)
  const bytes: usize = <usize>max(n, 1) << 2
  pKeys = heap.alloc(bytes); pRows = heap.alloc(bytes)
  mode = MODE_HIST
  for (let r = 0; r < nRows; r++) emitRow(r)
  // cumulative: buckets[b] = end of bucket b
  let acc: u32 = 0
  for (let b: usize = 0; b < nb; b++) { acc += load<u32>(buckets + (b << 2)); store<u32>(buckets + (b << 2), acc) }
  store<u32>(buckets + (nb << 2), <u32>n)
  mode = MODE_SCATTER
  for (let r = nRows - 1; r >= 0; r--) emitRow(r)
  // now buckets[b] = start of bucket b; sort each bucket by key
  for (let b: usize = 0; b < nb; b++) {
    const s0 = <i32>load<u32>(buckets + (b << 2)), e0 = <i32>load<u32>(buckets + ((b + 1) << 2))
    for (let i = s0 + 1; i < e0; i++) {
      const k = load<u32>(pKeys + (<usize>i << 2)), rw = load<u32>(pRows + (<usize>i << 2))
      let j = i
      while (j > s0 && load<u32>(pKeys + (<usize>(j - 1) << 2)) > k) {
        store<u32>(pKeys + (<usize>j << 2), load<u32>(pKeys + (<usize>(j - 1) << 2)))
        store<u32>(pRows + (<usize>j << 2), load<u32>(pRows + (<usize>(j - 1) << 2)))
        j--
      }
      store<u32>(pKeys + (<usize>j << 2), k); store<u32>(pRows + (<usize>j << 2), rw)
    }
  }
  nPostings = n
  return n
}

/** Start and end (exclusive) of the last looked-up block in the posting rows. */
export let blockStart: i32 = 0
export let blockEnd: i32 = 0

/** Finds the block of `key`; sets blockStart/blockEnd and returns its length. */
export function lookup(key: u32): i32 {
  if (nPostings == 0) { blockStart = 0; blockEnd = 0; return 0 }
  const b = <usize>(key >> (32 - bucketBits))
  let i = <i32>load<u32>(buckets + (b << 2))
  const e = <i32>load<u32>(buckets + ((b + 1) << 2))
  while (i < e && load<u32>(pKeys + (<usize>i << 2)) < key) i++
  let j = i
  while (j < e && load<u32>(pKeys + (<usize>j << 2)) == key) j++
  blockStart = i; blockEnd = j
  return j - i
}

/** Row of posting `i`. */
@inline export function postingRow(i: i32): i32 { return <i32>load<u32>(pRows + (<usize>i << 2)) }

/** Length of a key's block without remembering it. */
export function blockLength(type: u32, a: u32, b: u32): i32 {
  const s = blockStart, e = blockEnd
  const n = lookup(hKey(type, a, b))
  blockStart = s; blockEnd = e
  return n
}

// ---- index image (assembly/index/image.ts) ----------------------------------------------------
// The postings' state, in a fixed order; `mode emitted curRow blockStart blockEnd` are scratch
// (build passes and the last lookup), listed in image.ts.
@inline function put(p: usize, v: f64): usize { store<f64>(p, v); return p + 8 }

/** Writes this module's state globals at `p` (f64 each); returns the end. */
export function postingsSave(p: usize): usize {
  p = put(p, <f64>pKeys); p = put(p, <f64>pRows); p = put(p, <f64>nPostings)
  p = put(p, <f64>bucketBits); p = put(p, <f64>buckets); p = put(p, <f64>shift)
  return p
}

/** Reads what postingsSave wrote; returns the end. */
export function postingsRestore(p: usize): usize {
  pKeys = <usize>load<f64>(p); p += 8; pRows = <usize>load<f64>(p); p += 8; nPostings = <i32>load<f64>(p); p += 8
  bucketBits = <u32>load<f64>(p); p += 8; buckets = <usize>load<f64>(p); p += 8; shift = <u32>load<f64>(p); p += 8
  return p
}
