// Index image: the matcher's whole state after load + build, so that a fresh instance can take
// it over without reading rows (src/engine/image.ts writes and verifies the file; docs/store.md).
// State = linear memory [0, heap top) (runtime `stub`: a bump allocator, nothing is ever freed
// below the top) + the module-level globals that describe it. Restoring into a fresh instance of
// the SAME binary: imageReserve(top) first (moves the bump pointer past the copied region), then
// JS copies the bytes to [0, top), then imageRestoreState() sets the globals.
//
// Every module-level `let` of assembly/index/*.ts and assembly/query/*.ts is either saved (the
// *Save/*Restore functions of rows.ts and postings.ts) or scratch, listed here; a fresh
// instance's initial value of a scratch global must be correct after a restore (lazily
// reallocated or reset before use). tests/unit/engine-image-globals.test.ts enforces this list.
//
// image-scratch assembly/index/rows.ts: keyP keyN keySplit looseP looseN looseSplit looserP looserN formerP formerN formerKanaP formerKanaN
// image-scratch assembly/index/postings.ts: mode emitted curRow blockStart blockEnd
// image-scratch assembly/query/api.ts: statBuf statTmp
// image-scratch assembly/query/match.ts: qPresent qErrField qExactH qKeyH qKeyN qKeySplit qKeySurH qKeyGivH qLooseH qLooserH qLooseN qLooseSplit qLooseSurH qLooseGivH qDate qSex qPrefH qCityH qTownH qChomeH qBlockH qMy qRid hasName hasKana hasAddr cntKey cntLoose visited visitedCap gen nCands qFlags lvName lvKana lvBirth lvSex lvAddr lvId wName wBirth wSex wAddr wId nTop sumLR strongHit statsOn nProbes sink tfKeyBits tfLooseBits
// image-scratch assembly/query/readings.ts: indexed
//
// Why those are safe: rows.ts' are per-row parse state; postings.ts' are build passes and the last
// lookup; statBuf/statTmp are allocated on the first collisionRate (the engine keeps the
// statistics in the image header, so a restored engine never calls it); visited/visitedCap/gen
// are allocated on the first query (visitedCap 0 < nRows); the query globals are set by prepare()
// and run() before any read (statsOn: profiling, off until JS turns it on); `indexed` false makes the readings dictionary re-index its static
// tables on first use, writing the same values the image already holds.
import { rowsSave, rowsRestore } from './rows'
import { fmix } from './hash'
import { postingsSave, postingsRestore } from './postings'

/** Bump when the saved globals change (the WASM hash in the file header changes anyway). */
export const IMAGE_LAYOUT: i32 = 1
const IMAGE_STATE_MAX: i32 = 64
const imageState = new StaticArray<f64>(IMAGE_STATE_MAX)

/** Where imageSaveState writes and imageRestoreState reads the globals (f64 each). */
export function imageStatePtr(): usize { return changetype<usize>(imageState) }

/** Copies the state globals into imageState; returns how many. */
export function imageSaveState(): i32 {
  const p0 = changetype<usize>(imageState)
  const p = postingsSave(rowsSave(p0))
  return <i32>((p - p0) >> 3)
}

/** Sets the state globals from imageState (`count` must be what imageSaveState returned). */
export function imageRestoreState(count: i32): i32 {
  const p0 = changetype<usize>(imageState)
  const p = postingsRestore(rowsRestore(p0))
  const n = <i32>((p - p0) >> 3)
  return n == count ? n : -1
}

/** First address no allocation has reached: the image covers [0, top). */
export function imageHeapTop(): usize { return heap.alloc(0) }

/**
 * In a fresh instance: allocates until the bump pointer is past `top`, so nothing allocated later
 * overlaps the restored region. Memory must already be grown to hold `top` (JS grows it first,
 * which avoids the allocator doubling memory). Returns the first free address (≥ top).
 */
export function imageReserve(top: usize): usize {
  while (true) {
    const p = heap.alloc(0)
    if (p >= top) return p
    const want = top - p
    heap.alloc(want > (<usize>1 << 29) ? (<usize>1 << 29) : want)
  }
}

/**
 * Checksum of [p, p + n) continuing from `seed` (chain chunks: seed = the previous chunk's
 * result). Four 128-bit lanes, each step a bijection of the lane state given the input
 * (xor, multiply by an odd constant, rotate), so one damaged byte always changes the lane state;
 * the lanes are folded to 32 bits at the end (a different image passes with odds ~2^-32).
 * Several times faster than zlib's CRC-32 here: the image check costs ~1/5 of the copy.
 */
export function imageChecksum(p: usize, n: usize, seed: u32): u32 {
  const K = i32x4.splat(0x27D4EB2F)
  let a = i32x4.splat(<i32>(seed ^ 0x9E3779B1)), b = i32x4.splat(<i32>(seed + 0x85EBCA6B))
  let c = i32x4.splat(<i32>(seed ^ 0xC2B2AE35)), d = i32x4.splat(<i32>(seed + 0x165667B1))
  let i: usize = 0
  for (; i + 64 <= n; i += 64) {
    a = i32x4.mul(v128.xor(a, v128.load(p + i)), K); a = v128.or(i32x4.shl(a, 13), i32x4.shr_u(a, 19))
    b = i32x4.mul(v128.xor(b, v128.load(p + i + 16)), K); b = v128.or(i32x4.shl(b, 13), i32x4.shr_u(b, 19))
    c = i32x4.mul(v128.xor(c, v128.load(p + i + 32)), K); c = v128.or(i32x4.shl(c, 13), i32x4.shr_u(c, 19))
    d = i32x4.mul(v128.xor(d, v128.load(p + i + 48)), K); d = v128.or(i32x4.shl(d, 13), i32x4.shr_u(d, 19))
  }
  let h: u32 = seed ^ <u32>n
  h = fold(h, a); h = fold(h, b); h = fold(h, c); h = fold(h, d)
  for (; i < n; i++) h = (h ^ <u32>load<u8>(p + i)) * 0x01000193
  return fmix(h)
}

@inline function fold(h: u32, v: v128): u32 {
  h = fmix(h ^ <u32>i32x4.extract_lane(v, 0)) * 0x27D4EB2F
  h = fmix(h ^ <u32>i32x4.extract_lane(v, 1)) * 0x27D4EB2F
  h = fmix(h ^ <u32>i32x4.extract_lane(v, 2)) * 0x27D4EB2F
  return fmix(h ^ <u32>i32x4.extract_lane(v, 3)) * 0x27D4EB2F
}
