// Birth dates in every notation upstream systems send (SPEC §2): ISO, compact, slashes, dots,
// 西暦 with 年月日, 和暦 (明治..令和, one kanji, one letter M/T/S/H/R, ㍻, 元年), the 住基 era-digit
// code (3450302), full-width forms, kanji numerals. Rules: docs/normalize-fields.md.
// src/normalize/reference/date.ts is the same parser in plain TS; keep the two in step.
import { E_DATE_FORMAT, E_DATE_INVALID, E_DATE_ERA, E_DATE_RANGE } from '../abi'
import { foldAsciiWidth } from './width'
import { readKanjiNumber, kanjiNumUnits } from './numerals'

// Era 0..4 = 明治 大正 昭和 平成 令和: Gregorian year of 元年 minus one, first and last day.
// 1989-01-08 is the first day of 平成, not 1989-01-01; 明治 starts at 1868-01-25, the Gregorian
// date of 明治元年1月1日 (old calendar), which is also the first supported day.
const ERA_BASE: StaticArray<i32> = [1867, 1911, 1925, 1988, 2018]
const ERA_FIRST: StaticArray<i32> = [18680125, 19120730, 19261225, 19890108, 20190501]
const ERA_LAST: StaticArray<i32> = [19120729, 19261224, 19890107, 20190430, 99991231]
const FIRST_DAY: i32 = 18680125
const ERA_KANJI: StaticArray<u32> = [0x660E, 0x6CBB, 0x5927, 0x6B63, 0x662D, 0x548C, 0x5E73, 0x6210, 0x4EE4, 0x548C]
const ERA_LETTER: StaticArray<u32> = [0x4D, 0x54, 0x53, 0x48, 0x52]
const ERA_SQUARED: StaticArray<u32> = [0x337E, 0x337D, 0x337C, 0x337B, 0x32FF]

/** One code unit as the parser sees it: ASCII width folded, letters upper case, hyphens '-', '・' '.'. */
export function dateUnit(c: u32): u32 {
  c = foldAsciiWidth(c)
  if (c >= 0x61 && c <= 0x7A) return c - 0x20
  if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FC || c == 0xFF70 || c == 0xFE63) return 0x2D
  if (c == 0x30FB || c == 0xFF65) return 0x2E
  if (c == 0x3000 || c == 0x09 || c == 0xA0) return 0x20
  return c
}

const MAX_UNITS: i32 = 64
/** The input, folded by dateUnit once. */
const U = new StaticArray<u16>(MAX_UNITS + 4)
let gLen: i32 = 0
let pos: i32 = 0
let numDigits: i32 = 0

@inline function at(i: i32): u32 {
  return <u32>i < <u32>gLen ? <u32>unchecked(U[i]) : 0
}

@inline function isDigit(c: u32): bool { return c >= 0x30 && c <= 0x39 }

function skipSpaces(): void { while (at(pos) == 0x20) pos++ }

/** A number at pos: ASCII digits or kanji numerals (一九七〇, 四十五, 千九百七十); -1 when none. */
function readNum(): i32 {
  let v: i32 = 0
  numDigits = 0
  while (isDigit(at(pos)) && numDigits < 9) { v = v * 10 + <i32>at(pos) - 0x30; pos++; numDigits++ }
  if (numDigits > 0) return isDigit(at(pos)) ? -1 : v
  const kv = readKanjiNumber(changetype<usize>(U), pos, gLen, 9999)
  if (kv >= 0) pos += kanjiNumUnits
  return kv
}

/** Era 0..4 at pos, advancing; -1 when none. */
function readEra(): i32 {
  const c = at(pos), d = at(pos + 1)
  for (let e = 0; e < 5; e++) {
    if (c == unchecked(ERA_KANJI[e * 2])) { pos += d == unchecked(ERA_KANJI[e * 2 + 1]) ? 2 : 1; return e }
  }
  for (let e = 0; e < 5; e++) if (c == unchecked(ERA_LETTER[e])) { pos++; return e }
  for (let e = 0; e < 5; e++) if (c == unchecked(ERA_SQUARED[e])) { pos++; return e }
  return -1
}

@inline function isSep(c: u32): bool { return c == 0x2D || c == 0x2F || c == 0x2E || c == 0x5E74 }

/** After the day: optional 日 (年 form only), 生/生まれ, then nothing or a time of day. */
function tailOk(kanjiForm: bool): bool {
  skipSpaces()
  if (kanjiForm && at(pos) == 0x65E5) { pos++; skipSpaces() }
  if (at(pos) == 0x751F) {
    pos++
    if (at(pos) == 0x307E && at(pos + 1) == 0x308C) pos += 2
    skipSpaces()
  }
  if (pos >= gLen) return true
  // A time of day after a space or 'T' (spreadsheet exports: 1970/03/02 0:00:00)
  const spaced = at(pos - 1) == 0x20
  if (at(pos) == 0x54) pos++
  else if (!spaced) return false
  let colons = 0
  if (!isDigit(at(pos))) return false
  for (; pos < gLen; pos++) {
    const c = at(pos)
    if (c == 0x3A) colons++
    else if (!(isDigit(c) || c == 0x2E)) return false
  }
  return colons > 0
}

function daysIn(y: i32, m: i32): i32 {
  if (m == 2) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31
}

function finish(era: i32, year: i32, m: i32, d: i32): i32 {
  const y = era >= 0 ? unchecked(ERA_BASE[era]) + year : year
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return E_DATE_INVALID
  const v = y * 10000 + m * 100 + d
  if (v < FIRST_DAY) return E_DATE_RANGE
  if (era >= 0 && (year < 1 || v < unchecked(ERA_FIRST[era]) || v > unchecked(ERA_LAST[era]))) return E_DATE_ERA
  return v
}

function monthDay(era: i32, year: i32, sep: u32): i32 {
  skipSpaces()
  const m = readNum()
  if (m < 0 || numDigits > 2 || m > 99) return E_DATE_FORMAT
  skipSpaces()
  const s2 = at(pos)
  if (sep == 0x5E74 ? s2 != 0x6708 : s2 != sep) return E_DATE_FORMAT
  pos++
  skipSpaces()
  const d = readNum()
  if (d < 0 || numDigits > 2 || d > 99) return E_DATE_FORMAT
  if (!tailOk(sep == 0x5E74)) return E_DATE_FORMAT
  return finish(era, year, m, d)
}

/**
 * yyyymmdd, or a negative Status (E_DATE_FORMAT, E_DATE_INVALID, E_DATE_ERA, E_DATE_RANGE).
 * @example parseDate('昭和45年3月2日') == 19700302; parseDate('平成31年5月1日') == E_DATE_ERA
 */
export function parseDate(src: usize, len: i32): i32 {
  if (len > MAX_UNITS) return E_DATE_FORMAT
  for (let i = 0; i < len; i++) unchecked(U[i] = <u16>dateUnit(<u32>load<u16>(src + (<usize>i << 1))))
  gLen = len
  while (gLen > 0 && at(gLen - 1) == 0x20) gLen--
  pos = 0
  skipSpaces()
  if (at(pos) == 0x897F && at(pos + 1) == 0x66A6) { pos += 2; skipSpaces() }   // 西暦
  const era = readEra()
  if (era >= 0) {
    // S.45.3.2, 昭.45.3.2: a dot after the era abbreviation
    if (at(pos) == 0x2E && ((at(pos + 1) >= 0x30 && at(pos + 1) <= 0x39) || at(pos + 1) == 0x5143)) pos++
    skipSpaces()
    let year: i32
    const start = pos
    if (at(pos) == 0x5143) { pos++; year = 1; numDigits = 1 }                  // 元年
    else year = readNum()
    if (year < 0) return E_DATE_FORMAT
    if (numDigits == 6 && pos - start == 6) {                                   // S450302
      if (!tailOk(false)) return E_DATE_FORMAT
      return finish(era, year / 10000, (year / 100) % 100, year % 100)
    }
    if (numDigits > 2 || year > 99) return E_DATE_FORMAT
    skipSpaces()
    const sep = at(pos)
    if (!isSep(sep)) return E_DATE_FORMAT
    pos++
    return monthDay(era, year, sep)
  }
  const start = pos
  const y = readNum()
  if (y < 0) return E_DATE_FORMAT
  if (numDigits == 8) {                                                          // 19700302
    if (!tailOk(false)) return E_DATE_FORMAT
    return finish(-1, y / 10000, (y / 100) % 100, y % 100)
  }
  const first = at(start)
  if (numDigits == 7 && first >= 0x31 && first <= 0x35) {                       // 住基 era code 3450302
    if (!tailOk(false)) return E_DATE_FORMAT
    const r = y % 1000000
    return finish(<i32>first - 0x31, r / 10000, (r / 100) % 100, r % 100)
  }
  if (numDigits == 0 ? y < 1000 || y > 9999 : numDigits != 4) return E_DATE_FORMAT
  skipSpaces()
  const sep = at(pos)
  if (!isSep(sep)) return E_DATE_FORMAT
  pos++
  return monthDay(-1, y, sep)
}
