// Hashes for match keys: FNV-1a over UTF-16 units, finished with murmur3's fmix32 so the top
// bits (used by the postings' bucket index) are well spread. 0 is reserved for "missing".

const FNV_OFFSET: u32 = 0x811C9DC5
const FNV_PRIME: u32 = 0x01000193

/** Streaming state for a string hash; continue with hUnits, finish with hFinish. */
@inline export function hStart(): u32 { return FNV_OFFSET }

/** Feeds `n` UTF-16 units at `p`. */
export function hUnits(h: u32, p: usize, n: i32): u32 {
  for (let i = 0; i < n; i++) h = (h ^ <u32>load<u16>(p + (<usize>i << 1))) * FNV_PRIME
  return h
}

@inline export function fmix(h: u32): u32 {
  h ^= h >> 16; h *= 0x85EBCA6B
  h ^= h >> 13; h *= 0xC2B2AE35
  h ^= h >> 16
  return h
}

@inline export function hFinish(h: u32): u32 { const f = fmix(h); return f ? f : 1 }

/** Hash of a string of `n` units (0 when empty: "missing"). */
export function hStr(p: usize, n: i32): u32 {
  if (n <= 0) return 0
  return hFinish(hUnits(hStart(), p, n))
}

/** Hash of the concatenation of two strings (equals hStr of the joined string). */
export function hStr2(p1: usize, n1: i32, p2: usize, n2: i32): u32 {
  if (n1 + n2 <= 0) return 0
  return hFinish(hUnits(hUnits(hStart(), p1, n1), p2, n2))
}

/** A blocking key: key type, then two 32-bit parts. Never 0. */
export function hKey(type: u32, a: u32, b: u32): u32 {
  let h = fmix(type * 0x9E3779B1 + 0x7F4A7C15)
  h = fmix(h ^ a) * 0x27D4EB2F
  h = fmix(h ^ b ^ (type << 24))
  return h ? h : 1
}
