// Identifiers: 個人番号 (my_number: 12 digits, the last a check digit, 施行令 第8条) and 住民票コード
// (resident_id: 11 digits). Full-width digits fold; runs of spaces or hyphen-like marks between
// digit groups (1234-5678-9012, 1234 5678 9012) are dropped; anything else is an error.
import { E_MY_NUMBER_FORMAT, E_CHECK_DIGIT, E_RESIDENT_ID } from '../abi'
import { digitValue, isSpace } from './width'

@inline function isIdSep(c: u32): bool {
  return isSpace(c) || c == 0x2D || c == 0xFF0D || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FC || c == 0xFF70
}

/** Writes the digits of src to dst (at most `want`+1); returns how many, or -1 when malformed. */
function digitsOf(src: usize, len: i32, dst: usize, want: i32): i32 {
  let a: i32 = 0, b = len
  while (a < b && isSpace(<u32>load<u16>(src + (<usize>a << 1)))) a++
  while (b > a && isSpace(<u32>load<u16>(src + (<usize>(b - 1) << 1)))) b--
  let n: i32 = 0
  let prevDigit = false
  let pendingSep = false
  for (let i = a; i < b; i++) {
    const c = <u32>load<u16>(src + (<usize>i << 1))
    const d = digitValue(c)
    if (d >= 0) {
      if (n > want) return -1
      store<u16>(dst + (<usize>n << 1), <u16>(0x30 + d))
      n++
      prevDigit = true
      pendingSep = false
    } else if (isIdSep(c)) {
      if (!prevDigit && !pendingSep) return -1   // a separator must follow a digit
      pendingSep = true
      prevDigit = false
    } else return -1
  }
  return pendingSep ? -1 : n
}

/**
 * Writes the 12 canonical digits to dst and returns 12, or E_MY_NUMBER_FORMAT / E_CHECK_DIGIT.
 * @example checkMyNumber('１２３４ ５６７８ ９０１８') writes '123456789018'
 */
export function checkMyNumber(src: usize, len: i32, dst: usize): i32 {
  if (len > 64) return E_MY_NUMBER_FORMAT
  const n = digitsOf(src, len, dst, 12)
  if (n != 12) return E_MY_NUMBER_FORMAT
  // P_n is the n-th digit from the right of the first 11; Q_n = n+1 (n ≤ 6), n-5 (n ≥ 7)
  let sum: i32 = 0
  for (let k = 1; k <= 11; k++) {
    const p = <i32>load<u16>(dst + (<usize>(11 - k) << 1)) - 0x30
    sum += p * (k <= 6 ? k + 1 : k - 5)
  }
  const r = sum % 11
  const check = r <= 1 ? 0 : 11 - r
  return <i32>load<u16>(dst + 22) - 0x30 == check ? 12 : E_CHECK_DIGIT
}

/** Writes the 11 canonical digits to dst and returns 11, or E_RESIDENT_ID. */
export function checkResidentId(src: usize, len: i32, dst: usize): i32 {
  if (len > 64) return E_RESIDENT_ID
  return digitsOf(src, len, dst, 11) == 11 ? 11 : E_RESIDENT_ID
}
