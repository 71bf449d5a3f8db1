// Plain-TS reference of assembly/normalize/ids.ts.
//   checkMyNumber(s: string): string | number    the 12 canonical digits, or a negative Status
//   checkResidentId(s: string): string | number  the 11 canonical digits, or E_RESIDENT_ID
//   myNumberCheckDigit(first11: string): number  the check digit for 11 digits (generators use it)
export const E_MY_NUMBER_FORMAT = -40, E_CHECK_DIGIT = -41, E_RESIDENT_ID = -42

const SPACE = /^[ \t\u00A0\u3000]+|[ \t\u00A0\u3000]+$/g
const SEP = /^[ \t\u00A0\u3000\-\uFF0D\u2010-\u2015\u2212\u30FC\uFF70]$/

/** The digits of s, or null when s holds anything but digit groups separated by spaces/hyphens. */
function digitsOf(s: string, want: number): string | null {
  const t = s.replace(SPACE, '')
  let out = ''
  let prevDigit = false, pendingSep = false
  for (const ch of t) {
    const c = ch.charCodeAt(0)
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0xFF10 && c <= 0xFF19 ? c - 0xFF10 : -1
    if (d >= 0) {
      if (out.length > want) return null
      out += String.fromCharCode(0x30 + d)
      prevDigit = true
      pendingSep = false
    } else if (ch.length === 1 && SEP.test(ch)) {
      if (!prevDigit && !pendingSep) return null
      pendingSep = true
      prevDigit = false
    } else return null
  }
  return pendingSep ? null : out
}

/** Check digit of 個人番号 for its first 11 digits (施行令 第8条). */
export function myNumberCheckDigit(first11: string): number {
  let sum = 0
  for (let k = 1; k <= 11; k++) sum += (first11.charCodeAt(11 - k) - 0x30) * (k <= 6 ? k + 1 : k - 5)
  const r = sum % 11
  return r <= 1 ? 0 : 11 - r
}

export function checkMyNumber(s: string): string | number {
  if (s.length > 64) return E_MY_NUMBER_FORMAT
  const d = digitsOf(s, 12)
  if (d === null || d.length !== 12) return E_MY_NUMBER_FORMAT
  return myNumberCheckDigit(d) === d.charCodeAt(11) - 0x30 ? d : E_CHECK_DIGIT
}

export function checkResidentId(s: string): string | number {
  if (s.length > 64) return E_RESIDENT_ID
  const d = digitsOf(s, 11)
  return d !== null && d.length === 11 ? d : E_RESIDENT_ID
}
