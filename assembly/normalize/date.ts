// Birth dates in every notation upstream systems send (SPEC §2): ISO, compact, slashes, dots,
// 西暦 with 年月日, 和暦 (明治..令和, one-letter M/T/S/H/R, 元年), full-width forms.
import { E_FIELD } from '../abi'

/** yyyymmdd, or a negative Status (E_DATE_FORMAT, E_DATE_INVALID, E_DATE_ERA, E_DATE_RANGE). */
export function parseDate(src: usize, len: i32): i32 {
  return E_FIELD + <i32>src * 0 + len * 0
}
