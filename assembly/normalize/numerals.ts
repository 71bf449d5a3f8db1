// Kanji numerals shared by the date and address parsers: 〇一二三…九 and 十 百 千 in the
// positional (一九七〇) and the unit (千九百七十, 二十三) notations.

/** 0..9 for 〇一二三四五六七八九 (and 零), -1 otherwise. */
export function kanjiDigit(c: u32): i32 {
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
export function kanjiUnit(c: u32): i32 {
  return c == 0x5341 ? 10 : c == 0x767E ? 100 : c == 0x5343 ? 1000 : 0
}

/** Units read by the last successful readKanjiNumber. */
export let kanjiNumUnits: i32 = 0

/**
 * The kanji numeral starting at unit `p` of the `len` UTF-16 units at `src`; -1 when there is
 * none, when it is malformed (二二十, 十十), when a digit run exceeds `maxRun`, or when it is
 * longer than 8 characters. Sets kanjiNumUnits on success.
 */
export function readKanjiNumber(src: usize, p: i32, len: i32, maxRun: i32): i32 {
  let total: i32 = 0, cur: i32 = -1, units = false, k: i32 = 0
  while (p + k < len) {
    const c = <u32>load<u16>(src + (<usize>(p + k) << 1))
    const dg = kanjiDigit(c), un = kanjiUnit(c)
    if (dg >= 0) {
      if (units) { if (cur >= 0) return -1; cur = dg } else cur = (cur < 0 ? 0 : cur) * 10 + dg
      if (cur > maxRun) return -1
    } else if (un > 0) {
      if (!units && cur > 9) return -1
      units = true
      total += (cur < 0 ? 1 : cur) * un
      cur = -1
    } else break
    k++
  }
  if (k == 0 || k > 8) return -1
  kanjiNumUnits = k
  return total + (cur < 0 ? 0 : cur)
}
