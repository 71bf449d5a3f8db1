// Addresses: 都道府県 市区町村 町字 番地 号 方書 → a canonical key and its parts.
// Rules: docs/normalize-fields.md. src/normalize/reference/address.ts is the same parser in
// plain TS; keep the two in step (tests/wasm/normalize-address.test.ts compares them).
import { E_ADDRESS } from '../abi'
import { foldAsciiWidth, isSpace, writeCodePoint } from './width'
import { compatOf } from './compat.generated'
import { variantOf } from './variants'
import { kanjiDigit, kanjiUnit, readKanjiNumber, kanjiNumUnits } from './numerals'
import { PREF_NAMES, prefShortLen } from './prefectures'
import { MUNI_CHARS, MUNI_START, MUNI_PREF, MUNI_FLAGS, MUNI_KEYS, MUNI_KEY_START } from './municipalities.generated'

/** [start,end) in dst of prefecture, city, town, block, rest (pairs, in that order). */
export const addrParts = new StaticArray<i32>(10)
/** JIS X 0401 prefecture code of the last parsed address; 0 when absent and not inferable. */
export let addrPrefCode: i32 = 0

/** Longest address in units (the batch ABI's MAX_ITEM_UNITS). */
const MAX_UNITS: i32 = 1024
/** The prepared input; a compatibility ideograph may fold to a surrogate pair, hence twice the units. */
const U = new StaticArray<u16>(2 * MAX_UNITS + 8)

const SP: u32 = 0x20, HY: u32 = 0x2D
const C_GUN: u32 = 0x90E1, C_SHI: u32 = 0x5E02, C_KU: u32 = 0x533A, C_MACHI: u32 = 0x753A, C_MURA: u32 = 0x6751
const C_CHOU: u32 = 0x4E01, C_ME: u32 = 0x76EE, C_BAN: u32 = 0x756A, C_CHI: u32 = 0x5730, C_GOU: u32 = 0x53F7
const C_NO: u32 = 0x306E, C_KNO: u32 = 0x30CE, C_YUKI: u32 = 0x4E4B, C_DAI: u32 = 0x5927, C_AZA: u32 = 0x5B57
const C_JOU: u32 = 0x6761, C_SEN: u32 = 0x7DDA, C_WARI: u32 = 0x5272
const C_DAI_ORD: u32 = 0x7B2C, C_KUMI: u32 = 0x7D44, C_UCHI: u32 = 0x5185

/** CJK ideographs (BMP, compatibility), 々, 〇, and surrogates (extension planes). */
export function isKanji(c: u32): bool {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
    c == 0x3005 || c == 0x3007 || (c >= 0xD800 && c <= 0xDFFF)
}
@inline function isKana(c: u32): bool { return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || (c >= 0xFF66 && c <= 0xFF9F) }
/** ケ/が/か/の as the connecting particle of a place name → ヶ, ノ (rules: the reference's placeUnit). */
function placeUnit(c: u32, prev: u32, next: u32): u32 {
  if (c == 0x30B1 || c == 0x30F6 || c == 0x30F5) return (isKanji(prev) || isKana(prev)) && !isKana(next) ? 0x30F6 : c
  if (c == 0x304C || c == 0x30AC) return (isKanji(prev) || isKana(prev)) && isKanji(next) ? 0x30F6 : c
  if (c == 0x304B) return isKanji(prev) && isKanji(next) ? 0x30F6 : c
  if (c == C_NO || c == C_KNO) return isKanji(prev) && isKanji(next) ? C_KNO : c
  return c
}
@inline function isHyphen(c: u32): bool { return c == HY || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0x2043 }
@inline function isDigit(c: u32): bool { return c >= 0x30 && c <= 0x39 }
@inline function isSepNo(c: u32): bool { return c == C_NO || c == C_KNO || c == C_YUKI }

let n: i32 = 0
let numEnd: i32 = 0
let numAscii = false
let muniEnd: i32 = 0
let w: usize = 0          // write cursor (byte address) in dst

@inline function at(i: i32): u32 { return i < n ? <u32>unchecked(U[i]) : 0 }

const DROP: u32 = 0xFFFFFFFF

/** Kanji as registries compare them: compatibility → unified, variant → canonical; VS and IVS dropped. */
function kanjiCp(cp: u32): u32 {
  if (cp - 0xFE00 < 0x10 || cp - 0xE0100 < 0xF0) return DROP
  if (cp < 0x2E80) return cp
  if (cp <= 0x2FDF || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F)) cp = compatOf(cp)
  return variantOf(cp)
}

/**
 * Step 1: kanji folded (code point by code point: surrogate pairs and IVS never split), then width,
 * spaces, hyphens, ー as hyphen unless it lengthens kana, the place-name particles ヶ/ノ.
 */
function prepare(src: usize, len: i32): void {
  const base = changetype<usize>(U)
  let m: i32 = 0
  for (let i = 0; i < len; i++) {
    let c = <u32>load<u16>(src + (<usize>i << 1))
    if (c < 0x2E80) { unchecked(U[m] = <u16>c); m++; continue }                       // ASCII, kana: no kanji fold
    if (c - 0x4E00 < 0x5200) { unchecked(U[m] = <u16>variantOf(c)); m++; continue }  // BMP ideographs
    if (c - 0xD800 < 0x400 && i + 1 < len) {
      const lo = <u32>load<u16>(src + (<usize>(i + 1) << 1))
      if (lo - 0xDC00 < 0x400) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00)
        i++
      }
    }
    c = kanjiCp(c)
    if (c == DROP) continue
    m += writeCodePoint(base + (<usize>m << 1), c)
  }
  // In place: the output never runs ahead of the input
  n = 0
  for (let i = 0; i < m; i++) {
    let c = foldAsciiWidth(<u32>unchecked(U[i]))
    if (c >= 0x4E00 && c <= 0x9FFF) { unchecked(U[n] = <u16>c); n++; continue }   // kanji: nothing more to fold
    const prev = n > 0 ? <u32>unchecked(U[n - 1]) : SP
    if (isSpace(c)) {
      if (prev != SP) { unchecked(U[n] = <u16>SP); n++ }
      continue
    }
    if (isHyphen(c)) c = HY
    else if (c == 0x30FC || c == 0xFF70) { if (!isKana(prev)) c = HY }
    else if ((c >= 0x304B && c <= 0x306E) || (c >= 0x30AC && c <= 0x30F6)) {
      c = placeUnit(c, prev, i + 1 < m ? foldAsciiWidth(<u32>unchecked(U[i + 1])) : 0)
    }
    unchecked(U[n] = <u16>c); n++
  }
  while (n > 0 && unchecked(U[n - 1]) == SP) n--
}

/** End of the name (units at `name`, `len` long) matched at p, spaces in the input skipped; -1 if none. */
function matchAt(p: i32, name: usize, len: i32): i32 {
  for (let j = 0; j < len; j++) {
    if (j > 0) while (at(p) == SP) p++
    if (p >= n || <u32>unchecked(U[p]) != <u32>load<u16>(name + (<usize>j << 1))) return -1
    p++
  }
  return p
}

/** Entry of the longest municipality at p (of prefecture `pref` when pref > 0), or -1. Sets muniEnd. */
function matchCity(p: i32, pref: i32): i32 {
  const c = at(p)
  let lo = 0, hi = MUNI_KEYS.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const k = <u32>unchecked(MUNI_KEYS[mid])
    if (k < c) lo = mid + 1
    else if (k > c) hi = mid - 1
    else {
      const chars = changetype<usize>(MUNI_CHARS)
      for (let e = unchecked(MUNI_KEY_START[mid]), end = unchecked(MUNI_KEY_START[mid + 1]); e < end; e++) {
        if (pref > 0 && <i32>unchecked(MUNI_PREF[e]) != pref) continue
        const s = unchecked(MUNI_START[e])
        const r = matchAt(p, chars + (<usize>s << 1), unchecked(MUNI_START[e + 1]) - s)
        if (r >= 0) { muniEnd = r; return e }
      }
      return -1
    }
  }
  return -1
}

/** A number at p: ASCII digits or kanji numerals (二十三, 百, 一〇); -1 when none. Sets numEnd. */
function readNum(p: i32): i32 {
  let v: i32 = 0, d: i32 = 0
  while (isDigit(at(p)) && d < 9) { v = v * 10 + <i32>at(p) - 0x30; p++; d++ }
  if (d > 0) { numEnd = p; numAscii = true; return isDigit(at(p)) ? -1 : v }
  numAscii = false
  const kv = readKanjiNumber(changetype<usize>(U), p, n, 99999)
  if (kv >= 0) numEnd = p + kanjiNumUnits
  return kv
}

/** A numbered unit of the town name follows at q: 条 線 区 組 地割 町内 (北1条西, 4区, 第1地割). */
function townUnitAt(q: i32): bool {
  const c = at(q)
  return c == C_JOU || c == C_SEN || c == C_KU || c == C_KUMI || (c == C_CHI && at(q + 1) == C_WARI) || (c == C_MACHI && at(q + 1) == C_UCHI)
}

/** Does a block (丁目/番地/号 numbers) start at p? */
function blockAt(p: i32): bool {
  if (p > 0 && at(p - 1) == C_DAI_ORD) return false                       // 第1地割, 第2町内: part of the name
  if (readNum(p) < 0) return false
  const q = numEnd, c = at(q), ascii = numAscii
  if (townUnitAt(q)) return false
  if (c == C_GOU) { const d = at(q + 1); return !isKanji(d) || kanjiDigit(d) >= 0 || kanjiUnit(d) > 0 }   // 東10号北 is a name
  if (c == C_CHOU) { const d = at(q + 1); return d == C_ME || (!isKanji(d) && d != C_KNO) || kanjiDigit(d) >= 0 || kanjiUnit(d) > 0 }   // 八丁堀, 六丁の目 are names
  if (c == C_BAN) {
    const d = at(q + 1)
    if (!ascii && isDigit(d)) return false                              // 麻布十番1-2-3: a name
    if (readNum(q + 1) >= 0 && at(numEnd) == C_CHOU) return false           // 麻布十番二丁目: 丁目 never follows 番
    return d == C_CHI || !isKanji(d) || kanjiDigit(d) >= 0 || kanjiUnit(d) > 0   // 一番五号, not 一番町
  }
  if (c == HY) return true
  if (isSepNo(c)) return readNum(q + 1) >= 0
  return ascii
}

/** Where the address starts after a leading postal code (〒100-8916, 100-8916, 〒1008916). */
function postalEnd(): i32 {
  let p: i32 = 0
  const mark = at(0) == 0x3012 || at(0) == 0x3036
  if (mark) { p++; while (at(p) == SP) p++ }
  let d: i32 = 0
  while (d < 3 && isDigit(at(p + d))) d++
  if (d == 3) {
    let q = p + 3
    const hy = at(q) == HY
    if (hy) q++
    let e: i32 = 0
    while (e < 4 && isDigit(at(q + e))) e++
    q += e
    if (e == 4 && !isDigit(at(q)) && (mark || hy || at(q) == SP)) {
      while (at(q) == SP) q++
      return q
    }
  }
  return mark ? p : 0
}

@inline function push(c: u32): void { store<u16>(w, <u16>c); w += 2 }

function pushNum(v: i32): void {
  let digits: i32 = 1
  for (let t = v; t >= 10; t /= 10) digits++
  for (let i = digits - 1; i >= 0; i--) { store<u16>(w + (<usize>i << 1), <u16>(0x30 + v % 10)); v /= 10 }
  w += <usize>digits << 1
}

function pushStr(s: string): void {
  const p = changetype<usize>(s)
  for (let i = 0; i < s.length; i++) push(<u32>load<u16>(p + (<usize>i << 1)))
}

@inline function unitAt(dst: usize): i32 { return <i32>((w - dst) >> 1) }

/**
 * Writes the key (prefecture + city + town + block, canonical) to dst, then the rest (方書) after
 * it; addrParts gives [start,end) of each part in dst (prefecture, city, town and block lie inside
 * the key) and addrPrefCode the prefecture code. Returns the key's length, or E_ADDRESS when
 * nothing is left. dst needs 4 * len + 8 units.
 * @example parseAddress('千代田区霞が関一丁目3番1号 ビル5F') → key '東京都千代田区霞ヶ関1-3-1', rest 'ビル5F'
 */
export function parseAddress(src: usize, len: i32, dst: usize): i32 {
  addrPrefCode = 0
  for (let i = 0; i < 10; i++) unchecked(addrParts[i] = 0)
  if (len > MAX_UNITS) return E_ADDRESS
  prepare(src, len)
  let p: i32 = postalEnd()
  // 1. prefecture
  let pref: i32 = 0
  const first = at(p)
  for (let k = 0; k < 47 && pref == 0; k++) {
    const name = unchecked(PREF_NAMES[k])
    if (<u32>load<u16>(changetype<usize>(name)) != first) continue
    const e = matchAt(p, changetype<usize>(name), name.length)
    if (e >= 0) { pref = k + 1; p = e }
  }
  while (at(p) == SP) p++
  // 2. municipality: the table (longest), else the prefecture without suffix, else a 郡 before it
  let m = matchCity(p, pref)
  if (m < 0 && pref == 0) {
    for (let k = 0; k < 47 && m < 0; k++) {
      const name = unchecked(PREF_NAMES[k])
      if (<u32>load<u16>(changetype<usize>(name)) != at(p)) continue
      const e = matchAt(p, changetype<usize>(name), prefShortLen(k))
      if (e < 0) continue
      let q = e
      while (at(q) == SP) q++
      m = matchCity(q, k + 1)
      if (m >= 0) pref = k + 1
    }
  }
  if (m < 0) {
    // X郡Y町: the 郡 is dropped, so a query that leaves it out still agrees
    let q = p, k = 0
    while (q < n && k < 8 && at(q) != C_GUN && !isDigit(at(q))) { if (at(q) != SP) k++; q++ }
    if (at(q) == C_GUN) {
      q++
      while (at(q) == SP) q++
      m = matchCity(q, pref)
      if (m >= 0 || pref > 0) p = q
    }
  }
  // The city is either a table entry plus an optional ward from the input, or a span of the input
  let wardFrom: i32 = -1, wardTo: i32 = -1, genFrom: i32 = -1, genTo: i32 = -1
  let inferred: i32 = 0
  if (m >= 0) {
    p = muniEnd
    const flags = <i32>unchecked(MUNI_FLAGS[m])
    if (pref == 0 && (flags & 1) != 0) inferred = <i32>unchecked(MUNI_PREF[m])
    if ((flags & 2) != 0) {
      // A ward the table does not know yet (浜松市中央区 since 2024): up to 4 kanji then 区
      let q = p
      while (at(q) == SP) q++
      let k = 0
      while (k < 4 && isKanji(at(q + k)) && at(q + k) != C_KU) k++
      if (k > 0 && at(q + k) == C_KU) { wardFrom = q; wardTo = q + k + 1; p = q + k + 1 }
    }
  } else if (pref > 0) {
    // Not in the table: up to the first 市/区/町/村 within 8 units
    let q = p, k = 0
    while (q < n && k < 8 && at(q) != C_SHI && at(q) != C_KU && at(q) != C_MACHI && at(q) != C_MURA && !isDigit(at(q))) { if (at(q) != SP) k++; q++ }
    if (q < n && (at(q) == C_SHI || at(q) == C_KU || at(q) == C_MACHI || at(q) == C_MURA)) { genFrom = p; genTo = q + 1; p = q + 1 }
  }
  const prefCode = pref > 0 ? pref : inferred
  addrPrefCode = prefCode
  w = dst
  if (prefCode > 0) pushStr(unchecked(PREF_NAMES[prefCode - 1]))
  unchecked(addrParts[1] = unitAt(dst)); unchecked(addrParts[2] = unitAt(dst))
  if (m >= 0) {
    const s = unchecked(MUNI_START[m]), e = unchecked(MUNI_START[m + 1])
    const chars = changetype<usize>(MUNI_CHARS)
    for (let j = s; j < e; j++) push(<u32>load<u16>(chars + (<usize>j << 1)))
    for (let j = wardFrom; j < wardTo; j++) push(at(j))
  } else {
    for (let j = genFrom; j < genTo; j++) if (at(j) != SP) push(at(j))
  }
  unchecked(addrParts[3] = unitAt(dst)); unchecked(addrParts[4] = unitAt(dst))
  // 3. town (町字): 大字/字 prefixes dropped, numerals kept except before 条/線/地割
  while (at(p) == SP) p++
  while (true) {
    if (at(p) == C_DAI && at(p + 1) == C_AZA) p += 2
    else if (at(p) == C_AZA) p++
    else break
    while (at(p) == SP) p++
  }
  const townStart = w
  while (p < n && at(p) != SP) {
    const c0 = at(p)
    if (isKanji(c0) && c0 != C_AZA && kanjiDigit(c0) < 0 && kanjiUnit(c0) == 0) { push(c0); p++; continue }   // fast path
    if (blockAt(p)) break
    const v = readNum(p)
    if (v >= 0) {
      if (townUnitAt(numEnd) || (p > 0 && at(p - 1) == C_DAI_ORD)) { pushNum(v); p = numEnd; continue }
    }
    if (at(p) == HY) { p++; continue }                                  // 霞が関-1-3-1
    // 大字X字Y, X字Y → XY (字 between kanji, not 十字)
    if (at(p) == C_AZA && w > townStart && isKanji(at(p + 1))) {
      const last = <u32>load<u16>(w - 2)
      if (isKanji(last) && last != 0x5341) { p++; continue }
    }
    push(at(p)); p++
  }
  unchecked(addrParts[5] = unitAt(dst))
  // 4. block: numbers joined by '-', at most three unless markers say otherwise
  while (at(p) == SP) p++
  const hasBlock = blockAt(p)
  // A town ending in a digit (政和第1) is kept apart from its block: 第1 + 12 ≠ 第11 + 2
  if (hasBlock && w > townStart && isDigit(<u32>load<u16>(w - 2))) push(HY)
  unchecked(addrParts[6] = unitAt(dst))
  if (hasBlock) {
    let count = 0
    while (true) {
      const v = readNum(p)
      if (v < 0) break
      if (count > 0) push(HY)
      pushNum(v); count++
      p = numEnd
      let sp = p
      while (at(sp) == SP) sp++
      if (sp > p && (at(sp) == C_CHOU || at(sp) == C_BAN || at(sp) == C_GOU)) p = sp   // 1 丁目 3 番
      const c = at(p)
      let explicit = false
      if (c == C_CHOU) { p += at(p + 1) == C_ME ? 2 : 1; explicit = true }
      else if (c == C_BAN) { p += at(p + 1) == C_CHI ? 2 : 1; explicit = true }
      else if (c == C_GOU) { p++; break }
      else if (c == HY || isSepNo(c)) {
        if (count >= 3 || readNum(p + 1) < 0) break
        p++
        continue
      } else break
      if (explicit) {
        let q = p
        while (at(q) == SP) q++
        if (at(q) == HY || isSepNo(at(q))) q++
        if (readNum(q) < 0) break
        p = q
      }
    }
  }
  const keyLen = unitAt(dst)
  unchecked(addrParts[7] = keyLen)
  // 5. rest (方書), after the key
  while (at(p) == SP || at(p) == HY) p++
  unchecked(addrParts[8] = keyLen)
  for (let j = p; j < n; j++) push(at(j))
  unchecked(addrParts[9] = unitAt(dst))
  unchecked(addrParts[0] = 0)
  if (keyLen == 0) { addrPrefCode = 0; return E_ADDRESS }
  return keyLen
}
