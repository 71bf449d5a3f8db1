// Plain-TS reference of assembly/normalize/address.ts.
//   parseAddress(s: string): AddressParts | number   parts, or E_ADDRESS (-30)
export const E_ADDRESS = -30

export interface AddressParts {
  /** prefecture + city + town + block, canonical (no 方書) */
  key: string
  prefecture: string
  city: string
  town: string
  /** like '3-12-5' */
  block: string
  /** 方書: building, room */
  rest: string
  /** JIS X 0401 1..47, 0 when absent and not inferable */
  prefCode: number
}

export function parseAddress(s: string): AddressParts | number {
  return s.length >= 0 ? E_ADDRESS : E_ADDRESS
}
