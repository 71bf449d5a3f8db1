// Plain-TS reference of assembly/normalize/sex.ts.
//   parseSex(s: string): number   1 | 2, or E_SEX (-20)
export const E_SEX = -20

const SPACE = /^[ \t\u00A0\u3000]+|[ \t\u00A0\u3000]+$/g

/** 1 (male) or 2 (female), or E_SEX. */
export function parseSex(s: string): number {
  let t = s.replace(SPACE, '')
  if (t.length === 2 && t[1] === '性' && (t[0] === '男' || t[0] === '女')) t = t.slice(0, 1)
  if (t.length !== 1) return E_SEX
  let c = t.charCodeAt(0)
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0
  if (c === 0x31 || c === 0x7537 || c === 0x4D || c === 0x6D) return 1
  if (c === 0x32 || c === 0x5973 || c === 0x46 || c === 0x66) return 2
  return E_SEX
}
