// Character-class helpers shared by every normaliser: width folding of ASCII forms, spaces,
// digits. Kana width (half-width katakana) is kana.ts's job.

/** Full-width ASCII (U+FF01..FF5E) to ASCII; anything else unchanged. */
@inline export function foldAsciiWidth(c: u32): u32 {
  return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c
}

/** Spaces of any width (ASCII space, tab, NBSP, ideographic space U+3000). */
@inline export function isSpace(c: u32): bool {
  return c == 0x20 || c == 0x3000 || c == 0x09 || c == 0xA0
}

/** 0..9 for ASCII or full-width digits, -1 otherwise. */
@inline export function digitValue(c: u32): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>(c - 0x30)
  if (c >= 0xFF10 && c <= 0xFF19) return <i32>(c - 0xFF10)
  return -1
}

/** Reads the code point at `p` (a UTF-16 unit pointer); sets `cpUnits` to 1 or 2. */
export let cpUnits: i32 = 1
export function codePointAt(p: usize, end: usize): u32 {
  const hi = <u32>load<u16>(p)
  if (hi >= 0xD800 && hi <= 0xDBFF && p + 2 < end) {
    const lo = <u32>load<u16>(p + 2)
    if (lo >= 0xDC00 && lo <= 0xDFFF) {
      cpUnits = 2
      return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
    }
  }
  cpUnits = 1
  return hi
}

/** Writes a code point at `p`; returns units written (1 or 2). */
export function writeCodePoint(p: usize, cp: u32): i32 {
  if (cp < 0x10000) {
    store<u16>(p, <u16>cp)
    return 1
  }
  const v = cp - 0x10000
  store<u16>(p, <u16>(0xD800 + (v >> 10)))
  store<u16>(p + 2, <u16>(0xDC00 + (v & 0x3FF)))
  return 2
}
