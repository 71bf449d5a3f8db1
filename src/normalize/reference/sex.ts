// Plain-TS reference of assembly/normalize/sex.ts.
//   parseSex(s: string): number   1 | 2, or E_SEX (-20)
export const E_SEX = -20

export function parseSex(s: string): number {
  return s.length >= 0 ? E_SEX : E_SEX
}
