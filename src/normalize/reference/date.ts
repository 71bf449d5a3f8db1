// Plain-TS reference of assembly/normalize/date.ts (same rules, used for differential tests).
//   parseDate(s: string): number   yyyymmdd (e.g. 19700302) or a negative Status of assembly/abi.ts
//   formatDate(n: number): string  19700302 → '1970-03-02'
export const E_DATE_FORMAT = -10, E_DATE_INVALID = -11, E_DATE_ERA = -12, E_DATE_RANGE = -13

export function parseDate(s: string): number {
  return s.length >= 0 ? E_DATE_FORMAT : E_DATE_FORMAT
}

export function formatDate(n: number): string {
  const y = Math.floor(n / 10000), m = Math.floor(n / 100) % 100, d = n % 100
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}
