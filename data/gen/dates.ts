/**
 * Calendar helpers for the generator: whole days since 1970-01-01 (proleptic Gregorian, no time
 * zones), ISO formatting, and the 和暦 and other notations that upstream systems send.
 */
import type { Rng } from './rng.js'

/** Days since 1970-01-01 of a civil date (Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Civil date of a day number. */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp + (mp < 10 ? 3 : -9)
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}

const p2 = (n: number) => (n < 10 ? '0' : '') + n

/** `YYYY-MM-DD` of a day number. */
export function isoOf(day: number): string {
  const [y, m, d] = civilFromDays(day)
  return `${y}-${p2(m)}-${p2(d)}`
}

/** Day number of a `YYYY-MM-DD` string, or NaN. */
export function dayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return NaN
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!
  const day = daysFromCivil(y, mo, d)
  const back = civilFromDays(day)
  return back[0] === y && back[1] === mo && back[2] === d ? day : NaN
}

/** Whole years between a birth day and a reference day (the age on that day). */
export function ageOn(birth: number, on: number): number {
  const [by, bm, bd] = civilFromDays(birth)
  const [y, m, d] = civilFromDays(on)
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

/** A uniformly chosen birth day for someone aged `age` on day `asOf`. */
export function birthDayForAge(rng: Rng, age: number, asOf: number): number {
  const [y, m, d] = civilFromDays(asOf)
  const latest = daysFromCivil(y - age, m, d) // the birthday itself: turned `age` that day
  const earliest = daysFromCivil(y - age - 1, m, d) + 1
  return earliest + rng.int(latest - earliest + 1)
}

/** Eras from their first day; 1989-01-08 is the first day of 平成, not 1989-01-01. */
const ERAS = [
  { name: '令和', letter: 'R', start: daysFromCivil(2019, 5, 1), year: 2019 },
  { name: '平成', letter: 'H', start: daysFromCivil(1989, 1, 8), year: 1989 },
  { name: '昭和', letter: 'S', start: daysFromCivil(1926, 12, 25), year: 1926 },
  { name: '大正', letter: 'T', start: daysFromCivil(1912, 7, 30), year: 1912 },
  { name: '明治', letter: 'M', start: daysFromCivil(1868, 1, 25), year: 1868 },
]

/** The 和暦 of a day: era name, letter and year in era (1 = 元年). */
export function wareki(day: number): { name: string; letter: string; year: number } {
  const [y] = civilFromDays(day)
  const e = ERAS.find((e) => day >= e.start) ?? ERAS[ERAS.length - 1]!
  return { name: e.name, letter: e.letter, year: y - e.year + 1 }
}

/** Date notations a query may use besides ISO (SPEC §2). */
export const DATE_FORMATS = ['compact', 'slash', 'wareki-kanji', 'wareki-letter', 'kanji-year', 'slash-padded'] as const
export type DateFormat = (typeof DATE_FORMATS)[number]

/** Writes a day number in one notation: 19700302, 1970/3/2, 昭和45年3月2日, S45.3.2, 1970年3月2日, 1970/03/02. */
export function formatDate(day: number, format: DateFormat | 'iso'): string {
  const [y, m, d] = civilFromDays(day)
  switch (format) {
    case 'iso': return isoOf(day)
    case 'compact': return `${y}${p2(m)}${p2(d)}`
    case 'slash': return `${y}/${m}/${d}`
    case 'slash-padded': return `${y}/${p2(m)}/${p2(d)}`
    case 'kanji-year': return `${y}年${m}月${d}日`
    case 'wareki-kanji': {
      const w = wareki(day)
      return `${w.name}${w.year === 1 ? '元' : w.year}年${m}月${d}日`
    }
    case 'wareki-letter': {
      const w = wareki(day)
      return `${w.letter}${w.year}.${m}.${d}`
    }
  }
}

/**
 * A plausible clerical date error: day↔month swap when both are ≤ 12 and differ, otherwise one
 * wrong digit of the ISO form that still makes a valid, different date not in the future.
 */
export function dateError(rng: Rng, day: number, latest: number): { day: number; kind: 'swap' | 'digit' } {
  const [y, m, d] = civilFromDays(day)
  if (d <= 12 && d !== m && rng.chance(0.5)) return { day: daysFromCivil(y, d, m), kind: 'swap' }
  const iso = isoOf(day)
  const positions = [2, 3, 5, 6, 8, 9] // decade, year, month, day digits; never the century
  for (let attempt = 0; attempt < 50; attempt++) {
    const pos = rng.pick(positions)
    const digit = String.fromCharCode(48 + rng.int(10))
    if (digit === iso[pos]) continue
    const out = dayOf(iso.slice(0, pos) + digit + iso.slice(pos + 1))
    if (Number.isFinite(out) && out !== day && out <= latest) return { day: out, kind: 'digit' }
  }
  return { day: day === latest ? day - 1 : day + 1, kind: 'digit' }
}
