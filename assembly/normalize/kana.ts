// Kana readings (振り仮名) to layered match keys. The rules in words are in docs/normalize.md;
// src/normalize/reference/kana.ts is the plain-TS twin and the property tests keep them equal.
//
// strict: script and width folded only (hiragana → katakana, half-width → full-width, voicing
//         marks composed, separators removed, long-mark look-alikes → ー); small kana, ー, ヴ kept.
// loose:  strict + small → large, ヴ/ヷヸヹヺ → ブ/バビベボ, ヂヅ → ジズ, ヰヱヲ → イエオ, and the
//         notation of long vowels folded (ー → the vowel, then オウ-type ウ → オ, エイ-type イ → エ).
// looser: loose + dakuten/handakuten removed + a vowel repeating the previous kana's vowel dropped.
import { E_BAD_KANA, E_EMPTY } from '../abi'

export const KANA_STRICT: i32 = 0
export const KANA_LOOSE: i32 = 1
export const KANA_LOOSER: i32 = 2

/** Index in dst where the given name starts after the last kanaKey call; -1 if no separator. */
export let kanaSplit: i32 = -1

// Classes in the input table; any value >= 0x30A0 is the katakana to write.
export const C_BAD: u32 = 0
export const C_SEP: u32 = 1
export const C_LONG: u32 = 2
export const C_DAKU: u32 = 3
export const C_HANDAKU: u32 = 4
export const C_ITER: u32 = 5      // ヽ ゝ: repeat the previous kana
export const C_ITER_V: u32 = 6    // ヾ ゞ: repeat it voiced
export const C_YORI: u32 = 7      // ゟ → ヨリ
export const C_KOTO: u32 = 8      // ヿ → コト

const LONG: u16 = 0x30FC   // ー
const KA_A: u16 = 0x30A2, KA_I: u16 = 0x30A4, KA_U: u16 = 0x30A6, KA_E: u16 = 0x30A8, KA_O: u16 = 0x30AA

// 0x3000..0x30FF at [0, 256), 0xFF60..0xFF9F at [256, 320).
const IN_TABLE = memory.data(320 * 2)
// Per katakana 0x30A0..0x30FF: voiced, semi-voiced, unvoiced base, vowel, loose fold.
const VOICED = memory.data(96 * 2)
const SEMI = memory.data(96 * 2)
const BASE = memory.data(96 * 2)
const VOWEL = memory.data(96 * 2)
const LOOSE1 = memory.data(96 * 2)
// Small katakana extension ㇰ..ㇿ (0x31F0..0x31FF) → large.
const SMALL_EXT = memory.data(16 * 2)
// Fused for the loose/looser pass, per katakana 0x30A0..0x30FF: loose fold | vowel(fold) << 16.
const LOOSE_V = memory.data(96 * 4)

@inline function setIn(c: u32, v: u32): void {
  const i = c >= 0xFF60 ? c - 0xFF60 + 256 : c - 0x3000
  store<u16>(IN_TABLE + (<usize>i << 1), <u16>v)
}
@inline function kt(table: usize, k: u32): u16 { return load<u16>(table + (<usize>(k - 0x30A0) << 1)) }
@inline function setK(table: usize, k: u32, v: u32): void { store<u16>(table + (<usize>(k - 0x30A0) << 1), <u16>v) }

function initTables(): void {
  // Input classes.
  setIn(0x3000, C_SEP)
  setIn(0x301C, C_LONG)     // 〜 wave dash
  setIn(0x3030, C_LONG)     // 〰
  for (let c: u32 = 0x3041; c <= 0x3096; c++) setIn(c, c + 0x60)
  setIn(0x3099, C_DAKU); setIn(0x309B, C_DAKU)
  setIn(0x309A, C_HANDAKU); setIn(0x309C, C_HANDAKU)
  setIn(0x309D, C_ITER); setIn(0x309E, C_ITER_V); setIn(0x309F, C_YORI)
  setIn(0x30A0, C_SEP)      // ゠ between the parts of foreign names
  for (let c: u32 = 0x30A1; c <= 0x30FA; c++) setIn(c, c)
  setIn(0x30FB, C_SEP); setIn(0x30FC, C_LONG)
  setIn(0x30FD, C_ITER); setIn(0x30FE, C_ITER_V); setIn(0x30FF, C_KOTO)
  // Half-width katakana ｦ..ﾝ in code order.
  const hw: StaticArray<u16> = [
    0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, // ｦｧｨｩｪｫｬｭｮｯ
    LONG, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1,   // ｰｱｲｳｴｵｶｷｸｹ
    0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, // ｺｻｼｽｾｿﾀﾁﾂﾃ
    0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, // ﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍ
    0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, // ﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗ
    0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3,                                 // ﾘﾙﾚﾛﾜﾝ
  ]
  for (let i = 0; i < hw.length; i++) setIn(0xFF66 + i, hw[i] == LONG ? C_LONG : hw[i])
  setIn(0xFF65, C_SEP); setIn(0xFF9E, C_DAKU); setIn(0xFF9F, C_HANDAKU)

  // Voicing: カ..ト and ハ..ホ rows alternate (base, voiced[, semi]) in code order.
  for (let k: u32 = 0x30A0; k <= 0x30FF; k++) { setK(BASE, k, k); setK(LOOSE1, k, k) }
  for (let k: u32 = 0x30AB; k <= 0x30C1; k += 2) { setK(VOICED, k, k + 1); setK(BASE, k + 1, k); setK(VOICED, k + 1, k + 1) }
  // ッ ツ ヅ テ デ ト ド
  setK(VOICED, 0x30C4, 0x30C5); setK(BASE, 0x30C5, 0x30C4); setK(VOICED, 0x30C5, 0x30C5)
  for (let k: u32 = 0x30C6; k <= 0x30C8; k += 2) { setK(VOICED, k, k + 1); setK(BASE, k + 1, k); setK(VOICED, k + 1, k + 1) }
  for (let k: u32 = 0x30CF; k <= 0x30DB; k += 3) {
    setK(VOICED, k, k + 1); setK(SEMI, k, k + 2)
    setK(BASE, k + 1, k); setK(BASE, k + 2, k)
    setK(VOICED, k + 1, k + 1); setK(SEMI, k + 2, k + 2)
  }
  setK(VOICED, 0x30A6, 0x30F4); setK(BASE, 0x30F4, 0x30A6); setK(VOICED, 0x30F4, 0x30F4) // ウ ヴ
  for (let i: u32 = 0; i < 4; i++) {                                                      // ワヰヱヲ ヷヸヹヺ
    setK(VOICED, 0x30EF + i, 0x30F7 + i); setK(BASE, 0x30F7 + i, 0x30EF + i); setK(VOICED, 0x30F7 + i, 0x30F7 + i)
  }
  setK(VOICED, 0x30FD, 0x30FE); setK(BASE, 0x30FE, 0x30FD)

  // Vowels (ッ, ン, ー have none).
  const rows: StaticArray<u16> = [
    0x30A1, KA_A, 0x30A2, KA_A, 0x30A3, KA_I, 0x30A4, KA_I, 0x30A5, KA_U, 0x30A6, KA_U,
    0x30A7, KA_E, 0x30A8, KA_E, 0x30A9, KA_O, 0x30AA, KA_O,
    0x30E3, KA_A, 0x30E4, KA_A, 0x30E5, KA_U, 0x30E6, KA_U, 0x30E7, KA_O, 0x30E8, KA_O,
    0x30EE, KA_A, 0x30EF, KA_A, 0x30F0, KA_I, 0x30F1, KA_E, 0x30F2, KA_O,
    0x30F4, KA_U, 0x30F5, KA_A, 0x30F6, KA_E, 0x30F7, KA_A, 0x30F8, KA_I, 0x30F9, KA_E, 0x30FA, KA_O,
  ]
  for (let i = 0; i < rows.length; i += 2) setK(VOWEL, rows[i], rows[i + 1])
  // Regular rows by base kana (voiced forms share the vowel).
  const five: StaticArray<u16> = [KA_A, KA_I, KA_U, KA_E, KA_O]
  const bases: StaticArray<u16> = [
    0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3,   // カキクケコ
    0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,   // サシスセソ
    0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,   // タチツテト
    0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE,   // ナニヌネノ
    0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,   // ハヒフヘホ
    0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2,   // マミムメモ
    0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED,   // ラリルレロ
  ]
  for (let i = 0; i < bases.length; i++) {
    const k = <u32>bases[i], v = five[i % 5]
    setK(VOWEL, k, v)
    const vo = kt(VOICED, k), se = kt(SEMI, k)
    if (vo) setK(VOWEL, vo, v)
    if (se) setK(VOWEL, se, v)
  }

  // Loose single-character folds.
  const loose: StaticArray<u16> = [
    0x30A1, 0x30A2, 0x30A3, 0x30A4, 0x30A5, 0x30A6, 0x30A7, 0x30A8, 0x30A9, 0x30AA, // ァィゥェォ
    0x30C3, 0x30C4, 0x30E3, 0x30E4, 0x30E5, 0x30E6, 0x30E7, 0x30E8, 0x30EE, 0x30EF, // ッャュョヮ
    0x30F5, 0x30AB, 0x30F6, 0x30B1,                                                 // ヵヶ
    0x30F4, 0x30D6, 0x30F7, 0x30D0, 0x30F8, 0x30D3, 0x30F9, 0x30D9, 0x30FA, 0x30DC, // ヴヷヸヹヺ
    0x30C2, 0x30B8, 0x30C5, 0x30BA,                                                 // ヂヅ
    0x30F0, 0x30A4, 0x30F1, 0x30A8, 0x30F2, 0x30AA,                                 // ヰヱヲ
  ]
  for (let i = 0; i < loose.length; i += 2) setK(LOOSE1, loose[i], loose[i + 1])
  const ext: StaticArray<u16> = [
    0x30AF, 0x30B7, 0x30B9, 0x30C8, 0x30CC, 0x30CF, 0x30D2, 0x30D5,                 // ㇰㇱㇲㇳㇴㇵㇶㇷ
    0x30D8, 0x30DB, 0x30E0, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED,                 // ㇸㇹㇺㇻㇼㇽㇾㇿ
  ]
  for (let i = 0; i < 16; i++) store<u16>(SMALL_EXT + (<usize>i << 1), ext[i])
  for (let k: u32 = 0x30A0; k <= 0x30FF; k++) {
    const f = <u32>kt(LOOSE1, k)
    // Bit 31 flags the folds the long-vowel rule may rewrite (ー ウ イ): one branch per kana.
    const special: u32 = f == LONG || f == KA_U || f == KA_I ? 0x80000000 : 0
    store<u32>(LOOSE_V + (<usize>(k - 0x30A0) << 2), f | (<u32>kt(VOWEL, f) << 16) | special)
  }
}
initTables()

/** The input class of a code unit: C_* or the katakana to write. */
@inline export function classOf(c: u32): u32 {
  if (c - 0x3000 < 0x100) return <u32>load<u16>(IN_TABLE + (<usize>(c - 0x3000) << 1))
  if (c - 0xFF60 < 0x40) return <u32>load<u16>(IN_TABLE + (<usize>(c - 0xFF60 + 256) << 1))
  if (c - 0x31F0 < 0x10) return c                              // ㇰ..ㇿ kept at strict
  if (c == 0x20 || c == 0x09 || c == 0xA0 || c - 0x2000 < 0x0B || c == 0x202F || c == 0x205F) return C_SEP
  if (c == 0x3D || c == 0xFF1D || c == 0xB7) return C_SEP       // = ＝ · between foreign name parts
  if (c == 0x2D || c - 0x2010 < 6 || c == 0x2212 || c == 0x2500 || c == 0xFF0D || c == 0xFF5E) return C_LONG
  return C_BAD
}

/** `b` (katakana) with a dakuten (`handaku` false) or handakuten added; 0 when it takes none. */
export function composeMark(b: u32, handaku: bool): u32 {
  if (b - 0x30A0 >= 0x60) return 0
  return <u32>(handaku ? kt(SEMI, b) : kt(VOICED, b))
}

/**
 * Strict key of `len` units at `src` into `dst`; returns units written or a negative Status.
 * Sets kanaSplit. `dst` may not overlap `src`.
 */
export function kanaStrict(src: usize, len: i32, dst: usize): i32 {
  let n = 0                  // units written
  let split = -1
  let sepPending = false     // a separator seen since the last kana
  let prevKana = false       // the previous input item was a kana (voicing marks attach to it)
  const end = src + (<usize>len << 1)
  for (let p = src; p < end; p += 2) {
    const c = <u32>load<u16>(p)
    let k = classOf(c)
    if (k >= 0x30A0) {
      if (sepPending) { if (split < 0 && n > 0) split = n; sepPending = false }
      store<u16>(dst + (<usize>n << 1), <u16>k)
      n++
      prevKana = true
      continue
    }
    switch (k) {
      case C_SEP: { sepPending = true; prevKana = false; break }
      case C_LONG: {
        if (sepPending) { if (split < 0 && n > 0) split = n; sepPending = false }
        store<u16>(dst + (<usize>n << 1), LONG); n++
        prevKana = false
        break
      }
      case C_DAKU:
      case C_HANDAKU: {
        // Composes with the kana just written; a mark with nothing to compose with is dropped.
        if (prevKana) {
          const at = dst + (<usize>(n - 1) << 1)
          const b = <u32>load<u16>(at)
          if (b - 0x30A0 < 0x60) {
            const m = k == C_DAKU ? kt(VOICED, b) : kt(SEMI, b)
            if (m) store<u16>(at, m)
          }
        }
        break
      }
      case C_ITER:
      case C_ITER_V: {
        if (sepPending) { if (split < 0 && n > 0) split = n; sepPending = false }
        if (n > 0) {
          const b = <u32>load<u16>(dst + (<usize>(n - 1) << 1))
          let r = b
          if (b - 0x30A0 < 0x60) {
            r = kt(BASE, b)
            if (k == C_ITER_V) { const v = kt(VOICED, r); if (v) r = v }
          }
          store<u16>(dst + (<usize>n << 1), <u16>r); n++
          prevKana = true
        }
        break
      }
      case C_YORI:
      case C_KOTO: {
        if (sepPending) { if (split < 0 && n > 0) split = n; sepPending = false }
        store<u16>(dst + (<usize>n << 1), k == C_YORI ? 0x30E8 : 0x30B3)
        store<u16>(dst + (<usize>(n + 1) << 1), k == C_YORI ? 0x30EA : 0x30C8)
        n += 2
        prevKana = true
        break
      }
      default: { kanaSplit = -1; return E_BAD_KANA }
    }
  }
  kanaSplit = split
  return n > 0 ? n : E_EMPTY
}

/** After kanaLooseLooser: the looser key's length and split (the loose ones are the return and kanaSplit). */
export let kanaLooserLen: i32 = 0
export let kanaLooserSplit: i32 = -1

/**
 * Loose and looser keys from a strict key in one pass: loose into `dstL`, looser into `dstLL`
 * (either may be 0 to skip it; both may equal `src`, since neither output ever runs ahead of
 * the input). Maps `split` through: the loose split goes to kanaSplit, the looser one to
 * kanaLooserSplit. Returns the loose length (shorter than strict only for ヴァ → バ);
 * kanaLooserLen is the looser length.
 */
// @inline: the callers pass constant destinations, so each gets a copy without the dead stores.
@inline export function kanaLooseLooser(src: usize, n: i32, split: i32, dstL: usize, dstLL: usize): i32 {
  let pv: u32 = 0           // vowel of the previous loose kana (0: none)
  let pvL: u32 = 0          // vowel of the previous looser kana
  let m = 0, k = 0
  let splitL = -1, splitLL = -1
  for (let i = 0; i < n; i++) {
    if (i == split) { splitL = m; splitLL = k }
    let c = <u32>load<u16>(src + (<usize>i << 1))
    if (c == 0x30F4 && i + 1 < n) {
      // ヴァ ヴィ ヴェ ヴォ are written バ ビ ベ ボ as often as ブア…: one syllable, one kana
      const nx = <u32>load<u16>(src + (<usize>(i + 1) << 1))
      const d: u32 = nx == 0x30A1 ? 0x30D0 : nx == 0x30A3 ? 0x30D3 : nx == 0x30A7 ? 0x30D9 : nx == 0x30A9 ? 0x30DC : 0
      if (d) { c = d; i++ }
    }
    if (c - 0x31F0 < 0x10) c = <u32>load<u16>(SMALL_EXT + (<usize>(c - 0x31F0) << 1))
    const e = load<u32>(LOOSE_V + (<usize>(c - 0x30A0) << 2))
    let f = e & 0xFFFF, v = (e >>> 16) & 0x7FFF
    if (e >>> 31) {
      // Long vowels in notation only: ー → the vowel before it; オウ → オオ; エイ → エエ.
      if (f == LONG) { if (pv) { f = pv; v = pv } }
      else if (f == KA_U) { if (pv == KA_O) { f = KA_O; v = KA_O } }
      else if (pv == KA_E) { f = KA_E; v = KA_E }
    }
    if (dstL) store<u16>(dstL + (<usize>m << 1), <u16>f)
    m++
    pv = v
    // Looser: voicing removed, and a vowel repeating the previous vowel dropped.
    if (v == f && f == pvL) continue
    if (dstLL) store<u16>(dstLL + (<usize>k << 1), kt(BASE, f))
    k++
    pvL = v
  }
  kanaSplit = splitL > 0 && splitL < m ? splitL : -1
  kanaLooserSplit = splitL > 0 && splitL < m && splitLL > 0 && splitLL < k ? splitLL : -1
  kanaLooserLen = k
  return m
}

/** Loose key from a strict key (`src` may equal `dst`); maps `split` into kanaSplit; returns its length. */
export function kanaLooseFrom(src: usize, n: i32, split: i32, dst: usize): i32 {
  return kanaLooseLooser(src, n, split, dst, 0)
}

/** Looser key from a loose key (`src` may equal `dst`); maps `split` into kanaSplit; returns its length. */
export function kanaLooserFrom(src: usize, n: i32, split: i32, dst: usize): i32 {
  kanaLooseLooser(src, n, split, 0, dst)   // loose is idempotent: the looser of a loose key is the same
  kanaSplit = kanaLooserSplit
  return kanaLooserLen
}

/**
 * The kana key of `len` UTF-16 units at `src` at `level` (KANA_STRICT, KANA_LOOSE, KANA_LOOSER),
 * written to `dst` (capacity 2 * len + 16 units, not overlapping src). Returns units written or
 * E_BAD_KANA / E_EMPTY; kanaSplit is where the given name starts in dst (-1: no separator).
 * @example kanaKey(p, 6, KANA_LOOSE, d) // ｷｮｳｺ → キヨオコ
 */
export function kanaKey(src: usize, len: i32, level: i32, dst: usize): i32 {
  const n = kanaStrict(src, len, dst)
  if (n < 0 || level == KANA_STRICT) return n
  const m = kanaLooseLooser(dst, n, kanaSplit, level == KANA_LOOSE ? dst : 0, level == KANA_LOOSER ? dst : 0)
  if (level == KANA_LOOSE) return m
  kanaSplit = kanaLooserSplit
  return kanaLooserLen
}
