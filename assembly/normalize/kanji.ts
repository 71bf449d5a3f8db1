// Names as written (氏名, 旧氏, 通称, alphabet names) to match keys. The rules in words are in
// docs/normalize.md; src/normalize/reference/name.ts is the plain-TS twin.
//
// exact: full-width ASCII → ASCII, ASCII letters upper-cased, half-width katakana → full-width
//        (voicing marks composed), CJK compatibility ideographs → unified (as NFKC), variation
//        selectors (IVS and FE00..FE0F) dropped, spaces and middle dots removed.
// key:   exact + hiragana → katakana + kanji variant folding (variantOf, 異体字 → 正字).
// A surrogate pair (𠮷) or an IVS sequence (葛󠄀) is read as whole code points, never split.
import { E_BAD_NAME, E_EMPTY } from '../abi'
import { codePointAt, cpUnits, writeCodePoint } from './width'
import { classOf, composeMark, C_BAD, C_DAKU, C_HANDAKU, C_LONG, C_SEP } from './kana'
import { compatOf } from './compat.generated'
import { variantOf } from './variants'

/** Index in dst where the given name starts after the last nameKey call; -1 if no space. */
export let nameSplit: i32 = -1
/** After nameFold: the exact form's split and length (the key's are nameSplit and the return). */
export let nameExactSplit: i32 = -1
export let nameExactLen: i32 = 0

// What one input code point becomes.
const K_SPACE: i32 = -1
const K_DROP: i32 = -2
const K_BAD: i32 = -3
const K_MARK: i32 = -4       // dakuten
const K_MARK_H: i32 = -5     // handakuten

/** The exact-form code point for `cp`, or a K_* class. */
@inline function exactOf(cp: u32): i32 {
  if (cp < 0x80) {
    if (cp == 0x20 || cp == 0x09) return K_SPACE
    if (cp < 0x20 || cp == 0x7F) return K_BAD
    if (cp - 0x30 < 10) return K_BAD
    if (cp - 0x61 < 26) return <i32>(cp - 0x20)
    return <i32>cp
  }
  if (cp < 0x3000) {
    if (cp < 0xA0) return K_BAD                                     // C1 controls
    if (cp == 0xA0 || cp - 0x2000 < 0x0B || cp == 0x202F || cp == 0x205F) return K_SPACE
    if (cp - 0x200B < 5 || cp == 0x2060) return K_DROP              // zero-width, direction marks
    if (cp - 0x2E80 < 0x160) return <i32>compatOf(cp)                // radicals → ideographs
    return <i32>cp
  }
  if (cp == 0x3000) return K_SPACE
  if (cp == 0x3099 || cp == 0x309B) return K_MARK
  if (cp == 0x309A || cp == 0x309C) return K_MARK_H
  if (cp == 0x30FB) return K_DROP
  if (cp - 0xD800 < 0x800) return K_BAD                              // lone surrogate
  if (cp < 0xF900) return <i32>cp
  if (cp < 0xFB00) return <i32>compatOf(cp)
  if (cp - 0xFE00 < 0x10 || cp == 0xFEFF) return K_DROP             // variation selectors, BOM
  if (cp - 0xFF01 < 0x5E) {                                          // full-width ASCII
    const a = cp - 0xFEE0
    if (a - 0x30 < 10) return K_BAD
    if (a - 0x61 < 26) return <i32>(a - 0x20)
    return <i32>a
  }
  if (cp - 0xFF61 < 0x3F) {                                          // half-width katakana
    if (cp == 0xFF61) return 0x3002
    if (cp == 0xFF62) return 0x300C
    if (cp == 0xFF63) return 0x300D
    if (cp == 0xFF64) return 0x3001
    const k = classOf(cp)
    if (k >= 0x30A0) return <i32>k
    if (k == C_LONG) return 0x30FC
    if (k == C_DAKU) return K_MARK
    if (k == C_HANDAKU) return K_MARK_H
    if (k == C_SEP) return K_DROP
    return <i32>cp
  }
  if (cp - 0x2F800 < 0x220) return <i32>compatOf(cp)
  if (cp - 0xE0100 < 0xF0) return K_DROP                             // IVS
  return <i32>cp
}

/** The key code point for an exact-form code point. */
@inline function keyOf(cp: u32): u32 {
  if (cp - 0x3041 < 0x56 || cp - 0x309D < 2) cp += 0x60             // hiragana, ゝゞ → katakana
  return variantOf(cp)
}

/**
 * Folds a name once into both forms: the exact form into `dstExact` and the key into `dstKey`
 * (either may be 0 to skip it). Returns the key's length (or the exact length when dstKey is
 * 0), or E_BAD_NAME / E_EMPTY. Sets nameSplit, nameExactSplit, nameExactLen.
 */
export function nameFold(src: usize, len: i32, dstExact: usize, dstKey: usize): i32 {
  const end = src + (<usize>len << 1)
  let ne = 0, nk = 0
  let splitE = -1, splitK = -1
  let sepPending = false
  let lastE: u32 = 0, lastK = 0              // last exact code point (0: none / not composable), key units
  let p = src
  while (p < end) {
    const u = <u32>load<u16>(p)
    if (u - 0x3100 < 0xD800 - 0x3100) {
      // Fast path for the common case, a BMP ideograph (or any other code unit from U+3100 to
      // U+D7FF): exact as it is, key through the variant table. Same result as the general path.
      p += 2
      if (sepPending) {
        if (ne > 0) { if (splitE < 0) { splitE = ne; splitK = nk } }
        sepPending = false
      }
      if (dstExact) store<u16>(dstExact + (<usize>ne << 1), <u16>u)
      ne++
      if (dstKey) { lastK = writeCodePoint(dstKey + (<usize>nk << 1), variantOf(u)); nk += lastK }
      lastE = 0
      continue
    }
    const cp = codePointAt(p, end)
    p += <usize>cpUnits << 1
    let e = exactOf(cp)
    if (e < 0) {
      if (e == K_SPACE) { sepPending = true; lastE = 0; continue }
      if (e == K_DROP) continue
      if (e == K_BAD) { nameSplit = -1; nameExactSplit = -1; nameExactLen = 0; return E_BAD_NAME }
      // A voicing mark composes with the kana just written; otherwise it is dropped.
      if (lastE) {
        const hira = lastE - 0x3041 < 0x56
        const c = composeMark(hira ? lastE + 0x60 : lastE, e == K_MARK_H)
        if (c && !(hira && c > 0x30F6)) {
          const ce = hira ? c - 0x60 : c
          if (dstExact) store<u16>(dstExact + (<usize>(ne - 1) << 1), <u16>ce)
          if (dstKey) { nk -= lastK; lastK = writeCodePoint(dstKey + (<usize>nk << 1), keyOf(ce)); nk += lastK }
          lastE = ce
        }
      }
      continue
    }
    if (sepPending) {
      if (ne > 0) { if (splitE < 0) { splitE = ne; splitK = nk } }
      sepPending = false
    }
    const ue = <u32>e
    if (dstExact) ne += writeCodePoint(dstExact + (<usize>ne << 1), ue)
    else ne += ue >= 0x10000 ? 2 : 1
    if (dstKey) { lastK = writeCodePoint(dstKey + (<usize>nk << 1), keyOf(ue)); nk += lastK }
    lastE = ue - 0x3041 < 0x56 || ue - 0x30A1 < 0x5A ? ue : 0
  }
  nameExactSplit = splitE
  nameSplit = splitK
  nameExactLen = ne
  if (ne == 0) { nameSplit = -1; nameExactSplit = -1; return E_EMPTY }
  return dstKey ? nk : ne
}

/**
 * The name key of `len` UTF-16 units at `src`, written to `dst` (capacity 2 * len + 16 units):
 * with `variantFold`, the variant-folded key; without, the exact form. Returns units written or
 * E_BAD_NAME / E_EMPTY; nameSplit is where the given name starts in dst (-1: no space).
 * @example nameKey(p, 5, true, d) // 髙橋　一郎 → 高橋一郎, nameSplit 2 (once the variant table exists)
 */
export function nameKey(src: usize, len: i32, variantFold: bool, dst: usize): i32 {
  if (variantFold) return nameFold(src, len, 0, dst)
  const n = nameFold(src, len, dst, 0)
  nameSplit = nameExactSplit
  return n
}
