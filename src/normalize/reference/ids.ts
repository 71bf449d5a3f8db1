// Plain-TS reference of assembly/normalize/ids.ts.
//   checkMyNumber(s: string): string | number    the 12 canonical digits, or a negative Status
//   checkResidentId(s: string): string | number  the 11 canonical digits, or E_RESIDENT_ID
export const E_MY_NUMBER_FORMAT = -40, E_CHECK_DIGIT = -41, E_RESIDENT_ID = -42

export function checkMyNumber(s: string): string | number {
  return s.length >= 0 ? E_MY_NUMBER_FORMAT : E_MY_NUMBER_FORMAT
}

export function checkResidentId(s: string): string | number {
  return s.length >= 0 ? E_RESIDENT_ID : E_RESIDENT_ID
}
