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

/** Low 16 bits of each posting's key (u16; the bucket gives the rest), and its row (u32). */
let pKeys: usize = 0
let pRows: usize = 0
export let nPostings: i32 = 0
let bucketBits: u32 = 1
let buckets: usize = 0

// Emission passes: histogram of the top PART_BITS bits of every key (2 048 counters: stays in L1),
// then scatter into those partitions; each partition is then sorted in cache (buildPostings).
const MODE_HIST: i32 = 1, MODE_SCATTER: i32 = 2
const PART_BITS: u32 = 11
const PART_SHIFT: u32 = 32 - PART_BITS
/** At least 2^16 buckets: a key's top bucketBits bits + the stored low 16 bits are all of it. */
const MIN_BUCKET_BITS: u32 = 16
const N_PARTS: i32 = 1 << PART_BITS
const parts = new StaticArray<u32>(N_PARTS + 1)
let mode = MODE_HIST
let emitted: i32 = 0
let curRow: u32 = 0
let shift: u32 = 28

@inline function emit(type: u32, a: u32, b: u32): void {
  emitted++
  const k = hKey(type, a, b)
  const at = changetype<usize>(parts) + (<usize>(k >> PART_SHIFT) << 2)
  if (mode == MODE_HIST) { store<u32>(at, load<u32>(at) + 1); return }
  const pos = load<u32>(at)
  store<u32>(at, pos + 1)
  // low 16 bits of the key; bits 16..20 ride in the row's top bits until the partition is sorted
  store<u16>(pKeys + (<usize>pos << 1), <u16>k)
  store<u32>(pRows + (<usize>pos << 2), curRow | (((k >> 16) & TAG_MASK) << TAG_SHIFT))
}

/** Bits 16..20 of a key (not in the u16, not implied by the partition) while building. */
const TAG_SHIFT: u32 = 27
const TAG_MASK: u32 = 31
const ROW_MASK: u32 = (1 << TAG_SHIFT) - 1

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
 * Builds the postings over rows 0..nRows-1 in CSR form, sorted by key, equal keys in ascending
 * row order, with a bucket index on the top `bucketBits` bits of the key (about 4 postings per
 * bucket, at least 65 536 buckets, so that a key's bucket and its low 16 bits — all that is
 * stored of it: 6 bytes per posting — determine it). Two emission passes (rows in order): a histogram of the top 11
 * bits, then a stable scatter into those 2 048 partitions; then each partition (≈ 8 000 postings
 * at 1 M residents) is counting-sorted in cache on the next bits, which also yields the bucket
 * index, and each bucket (a few postings) is insertion-sorted by key (stable). Every pass either
 * streams or stays in cache, and no key is hashed more than twice. Returns the number of postings.
 */
export function buildPostings(): i32 {
  assert(nRows <= <i32>ROW_MASK + 1)
  const pc = changetype<usize>(parts)
  memory.fill(pc, 0, <usize>(N_PARTS + 1) << 2)
  mode = MODE_HIST; emitted = 0
  for (let r = 0; r < nRows; r++) emitRow(r)
  const n = emitted
  let bits: u32 = MIN_BUCKET_BITS
  while (bits < 30 && (<i64>4 << bits) <= <i64>n) bits++
  bucketBits = bits
  shift = 32 - bits
  const subBits = bits - PART_BITS
  const nSub = <i32>1 << subBits
  const nb = <usize>1 << bits
  buckets = heap.alloc((nb + 1) << 2)
  const bytes: usize = <usize>max(n, 1) << 2
  pKeys = heap.alloc(bytes >> 1); pRows = heap.alloc(bytes)
  // partition starts (exclusive prefix sums); parts[N_PARTS] = n
  let acc: u32 = 0, maxPart: u32 = 0
  for (let p = 0; p < N_PARTS; p++) {
    const c = load<u32>(pc + (<usize>p << 2))
    store<u32>(pc + (<usize>p << 2), acc)
    acc += c
    if (c > maxPart) maxPart = c
  }
  store<u32>(pc + (<usize>N_PARTS << 2), acc)
  mode = MODE_SCATTER; emitted = 0
  for (let r = 0; r < nRows; r++) emitRow(r)
  // parts[p] is now the end of partition p = start of p + 1; sort each partition in scratch
  const scratchK = heap.alloc(<usize>max(maxPart, 1) << 2)
  const scratchR = heap.alloc(<usize>max(maxPart, 1) << 2)
  const sub = heap.alloc(<usize>(nSub + 1) << 2)
  const subMask: u32 = <u32>nSub - 1
  let start: u32 = 0
  for (let p = 0; p < N_PARTS; p++) {
    const end = load<u32>(pc + (<usize>p << 2))
    const m = <i32>(end - start)
    const bk = pKeys + (<usize>start << 1), br = pRows + (<usize>start << 2)
    if (m > 0) {
      // full keys of the partition: its top 11 bits, the tag in the row, the u16
      const top = <u32>p << PART_SHIFT
      for (let i = 0; i < m; i++) {
        const rw = load<u32>(br + (<usize>i << 2))
        store<u32>(scratchK + (<usize>i << 2), top | ((rw >> TAG_SHIFT) << 16) | <u32>load<u16>(bk + (<usize>i << 1)))
        store<u32>(br + (<usize>i << 2), rw & ROW_MASK)
      }
      memory.fill(sub, 0, <usize>(nSub + 1) << 2)
      for (let i = 0; i < m; i++) {
        const at = sub + (<usize>((load<u32>(scratchK + (<usize>i << 2)) >> shift) & subMask) << 2)
        store<u32>(at, load<u32>(at) + 1)
      }
      let a: u32 = 0
      for (let j = 0; j < nSub; j++) {
        const at = sub + (<usize>j << 2)
        const c = load<u32>(at)
        store<u32>(at, a)
        store<u32>(buckets + ((<usize>p << subBits) + <usize>j << 2), start + a)
        a += c
      }
      for (let i = 0; i < m; i++) {
        const k = load<u32>(scratchK + (<usize>i << 2))
        const at = sub + (<usize>((k >> shift) & subMask) << 2)
        const pos = load<u32>(at)
        store<u32>(at, pos + 1)
        store<u16>(bk + (<usize>pos << 1), <u16>k)
        store<u32>(scratchR + (<usize>pos << 2), load<u32>(br + (<usize>i << 2)))
      }
      memory.copy(br, scratchR, <usize>m << 2)
    } else {
      for (let j = 0; j < nSub; j++) store<u32>(buckets + ((<usize>p << subBits) + <usize>j << 2), start)
    }
    start = end
  }
  store<u32>(buckets + (nb << 2), <u32>n)
  // the scratch was allocated last: give it back to the bump allocator (LIFO)
  heap.free(sub); heap.free(scratchR); heap.free(scratchK)
  // each bucket by key (stable insertion sort: few postings per bucket; within a bucket the u16
  // orders like the key, its top `bucketBits` ≥ 16 bits being equal)
  for (let b: usize = 0; b < nb; b++) {
    const s0 = <i32>load<u32>(buckets + (b << 2)), e0 = <i32>load<u32>(buckets + ((b + 1) << 2))
    for (let i = s0 + 1; i < e0; i++) {
      const k = load<u16>(pKeys + (<usize>i << 1)), rw = load<u32>(pRows + (<usize>i << 2))
      let j = i
      while (j > s0 && load<u16>(pKeys + (<usize>(j - 1) << 1)) > k) {
        store<u16>(pKeys + (<usize>j << 1), load<u16>(pKeys + (<usize>(j - 1) << 1)))
        store<u32>(pRows + (<usize>j << 2), load<u32>(pRows + (<usize>(j - 1) << 2)))
        j--
      }
      store<u16>(pKeys + (<usize>j << 1), k); store<u32>(pRows + (<usize>j << 2), rw)
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
  // bucketBits ≥ 16: the bucket and the low 16 bits together are the whole key
  const lo = <u16>key
  while (i < e && load<u16>(pKeys + (<usize>i << 1)) < lo) i++
  let j = i
  while (j < e && load<u16>(pKeys + (<usize>j << 1)) == lo) j++
  blockStart = i; blockEnd = j
  return j - i
}

/** Bucket-index entry of `key`: the first posting of its bucket (0 when there are no postings). match.ts reads it early, for several probes at once, so that their cache misses overlap. */
@inline export function bucketFirst(key: u32): i32 {
  if (nPostings == 0) return 0
  return <i32>load<u32>(buckets + (<usize>(key >> (32 - bucketBits)) << 2))
}
/** Stored key bits of posting i (0 past the end): read early for the same reason. */
@inline export function postingKey(i: i32): u32 { return i < nPostings ? <u32>load<u16>(pKeys + (<usize>i << 1)) : 0 }

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
