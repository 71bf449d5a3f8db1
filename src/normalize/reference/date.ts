// Plain-TS reference of assembly/normalize/date.ts (same rules, line for line, used for
// differential tests). Signatures:
//   parseDate(s: string): number   yyyymmdd (e.g. 19700302) or a negative Status of assembly/abi.ts
//   formatDate(n: number): string  19700302 → '1970-03-02'
// Rules: docs/normalize-fields.md.
export const E_DATE_FORMAT = -10, E_DATE_INVALID = -11, E_DATE_ERA = -12, E_DATE_RANGE = -13

/** Era 0..4 = 明治 大正 昭和 平成 令和: Gregorian year of 元年 minus one, first and last day. */
const ERA_BASE = [1867, 1911, 1925, 1988, 2018]
const ERA_FIRST = [18680125, 19120730, 19261225, 19890108, 20190501]
const ERA_LAST = [19120729, 19261224, 19890107, 20190430, 99991231]
/** 1868-01-25 (明治元年1月1日 of the old calendar) is the first supported day. */
const FIRST_DAY = 18680125

const HYPHENS = [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC, 0xFF70, 0xFE63]

/** One code unit as the parser sees it: ASCII width folded, letters upper case, hyphens '-', '・' '.'. */
export function dateUnit(c: number): number {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0
  if (c >= 0x61 && c <= 0x7A) return c - 0x20
  if (HYPHENS.includes(c)) return 0x2D
  if (c === 0x30FB || c === 0xFF65) return 0x2E
  if (c === 0x3000 || c === 0x09 || c === 0xA0) return 0x20
  return c
}

/** 0..9 for 〇一二三四五六七八九 (and 零), -1 otherwise. */
export function kanjiDigit(c: number): number {
  switch (c) {
    case 0x3007: case 0x96F6: return 0
    case 0x4E00: return 1
    case 0x4E8C: return 2
    case 0x4E09: return 3
    case 0x56DB: return 4
    case 0x4E94: return 5
    case 0x516D: return 6
    case 0x4E03: return 7
    case 0x516B: return 8
    case 0x4E5D: return 9
  }
  return -1
}

/** 10, 100, 1000 for 十 百 千, 0 otherwise. */
export function kanjiUnit(c: number): number {
  return c === 0x5341 ? 10 : c === 0x767E ? 100 : c === 0x5343 ? 1000 : 0
}

let u: number[] = []
let pos = 0
/** ASCII digits read by the last readNum (0 when it read kanji numerals). */
let numDigits = 0

function at(i: number): number { return i < u.length ? u[i]! : 0 }

function skipSpaces(): void { while (at(pos) === 0x20) pos++ }

/**
 * A number at pos: a run of ASCII digits, or a run of kanji numerals (一九七〇 positional,
 * 四十五 / 千九百七十 with units). -1 when there is none (or it is malformed).
 */
function readNum(): number {
  let v = 0
  numDigits = 0
  while (at(pos) >= 0x30 && at(pos) <= 0x39 && numDigits < 9) { v = v * 10 + at(pos) - 0x30; pos++; numDigits++ }
  if (numDigits > 0) return at(pos) >= 0x30 && at(pos) <= 0x39 ? -1 : v
  const start = pos
  let total = 0, cur = -1, units = false, n = 0
  for (;;) {
    const c = at(pos)
    const dg = kanjiDigit(c), un = kanjiUnit(c)
    if (dg >= 0) {
      if (units) { if (cur >= 0) return -1; cur = dg } else cur = (cur < 0 ? 0 : cur) * 10 + dg
      if (cur > 9999) return -1
    } else if (un > 0) {
      if (!units && cur > 9) return -1   // 一九十: positional digits before a unit
      units = true
      total += (cur < 0 ? 1 : cur) * un
      cur = -1
    } else break
    pos++; n++
  }
  if (n === 0 || n > 8) { pos = start; return -1 }
  return total + (cur < 0 ? 0 : cur)
}

/** Era 0..4 at pos (kanji, one kanji, letter, squared ㍻), advancing; -1 when none. */
function readEra(): number {
  const c = at(pos), d = at(pos + 1)
  const two = [0x660E, 0x6CBB, 0x5927, 0x6B63, 0x662D, 0x548C, 0x5E73, 0x6210, 0x4EE4, 0x548C]
  for (let e = 0; e < 5; e++) {
    if (c === two[e * 2]) { pos += d === two[e * 2 + 1] ? 2 : 1; return e }
  }
  const letters = [0x4D, 0x54, 0x53, 0x48, 0x52]
  for (let e = 0; e < 5; e++) if (c === letters[e]) { pos++; return e }
  const squared = [0x337E, 0x337D, 0x337C, 0x337B, 0x32FF]
  for (let e = 0; e < 5; e++) if (c === squared[e]) { pos++; return e }
  return -1
}

function isSep(c: number): boolean { return c === 0x2D || c === 0x2F || c === 0x2E || c === 0x5E74 }

/** After the day: optional 日 (年 form only), 生/生まれ, then nothing or a time of day. */
function tailOk(kanjiForm: boolean): boolean {
  skipSpaces()
  if (kanjiForm && at(pos) === 0x65E5) { pos++; skipSpaces() }
  if (at(pos) === 0x751F) {
    pos++
    if (at(pos) === 0x307E && at(pos + 1) === 0x308C) pos += 2
    skipSpaces()
  }
  if (pos >= u.length) return true
  // A time of day after a space or 'T' (spreadsheet exports: 1970/03/02 0:00:00)
  const spaced = at(pos - 1) === 0x20
  if (at(pos) === 0x54) pos++
  else if (!spaced) return false
  let colons = 0
  if (!(at(pos) >= 0x30 && at(pos) <= 0x39)) return false
  for (; pos < u.length; pos++) {
    const c = at(pos)
    if (c === 0x3A) colons++
    else if (!((c >= 0x30 && c <= 0x39) || c === 0x2E)) return false
  }
  return colons > 0
}

function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

/** Checks a parsed date; era -1 for 西暦. */
function finish(era: number, year: number, m: number, d: number): number {
  const y = era >= 0 ? ERA_BASE[era]! + year : year
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return E_DATE_INVALID
  const v = y * 10000 + m * 100 + d
  if (v < FIRST_DAY) return E_DATE_RANGE
  if (era >= 0 && (year < 1 || v < ERA_FIRST[era]! || v > ERA_LAST[era]!)) return E_DATE_ERA
  return v
}

/** Month and day after the year and its separator `sep`; then the tail. */
function monthDay(era: number, year: number, sep: number): number {
  skipSpaces()
  const m = readNum()
  if (m < 0 || numDigits > 2 || m > 99) return E_DATE_FORMAT
  skipSpaces()
  const s2 = at(pos)
  if (sep === 0x5E74 ? s2 !== 0x6708 : s2 !== sep) return E_DATE_FORMAT
  pos++
  skipSpaces()
  const d = readNum()
  if (d < 0 || numDigits > 2 || d > 99) return E_DATE_FORMAT
  if (!tailOk(sep === 0x5E74)) return E_DATE_FORMAT
  return finish(era, year, m, d)
}

/** yyyymmdd, or E_DATE_FORMAT / E_DATE_INVALID / E_DATE_ERA / E_DATE_RANGE. */
export function parseDate(s: string): number {
  if (s.length > 64) return E_DATE_FORMAT
  u = []
  for (let i = 0; i < s.length; i++) u.push(dateUnit(s.charCodeAt(i)))
  let end = u.length
  while (end > 0 && u[end - 1] === 0x20) end--
  u.length = end
  pos = 0
  skipSpaces()
  if (at(pos) === 0x897F && at(pos + 1) === 0x66A6) { pos += 2; skipSpaces() }   // 西暦
  const era = readEra()
  if (era >= 0) {
    // S.45.3.2, 昭.45.3.2: a dot after the era abbreviation
    if (at(pos) === 0x2E && ((at(pos + 1) >= 0x30 && at(pos + 1) <= 0x39) || at(pos + 1) === 0x5143)) pos++
    skipSpaces()
    let year: number
    const start = pos
    if (at(pos) === 0x5143) { pos++; year = 1; numDigits = 1 }                 // 元年
    else year = readNum()
    if (year < 0) return E_DATE_FORMAT
    if (numDigits === 6 && pos - start === 6) {                                  // S450302
      if (!tailOk(false)) return E_DATE_FORMAT
      return finish(era, Math.floor(year / 10000), Math.floor(year / 100) % 100, year % 100)
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
  if (numDigits === 8) {                                                         // 19700302
    if (!tailOk(false)) return E_DATE_FORMAT
    return finish(-1, Math.floor(y / 10000), Math.floor(y / 100) % 100, y % 100)
  }
  if (numDigits === 7 && u[start]! >= 0x31 && u[start]! <= 0x35) {              // 住基 era code 3450302
    if (!tailOk(false)) return E_DATE_FORMAT
    const r = y % 1000000
    return finish(u[start]! - 0x31, Math.floor(r / 10000), Math.floor(r / 100) % 100, r % 100)
  }
  if (numDigits === 0 ? y < 1000 || y > 9999 : numDigits !== 4) return E_DATE_FORMAT
  skipSpaces()
  const sep = at(pos)
  if (!isSep(sep)) return E_DATE_FORMAT
  pos++
  return monthDay(-1, y, sep)
}

export function formatDate(n: number): string {
  const y = Math.floor(n / 10000), m = Math.floor(n / 100) % 100, d = n % 100
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}
