// Addresses: 都道府県 市区町村 町字 番地 号 方書 → canonical key and parts.
import { E_FIELD } from '../abi'

/** [start,end) in dst of prefecture, city, town, block, rest (pairs, in that order). */
export const addrParts = new StaticArray<i32>(10)
/** JIS X 0401 prefecture code 1..47 of the last parsed address; 0 when absent and not inferable. */
export let addrPrefCode: i32 = 0

/**
 * Writes the key (prefecture+city+town+block, canonical) to dst, then the parts after it
 * (addrParts locates them); returns the key's length in units, or a negative Status.
 */
export function parseAddress(src: usize, len: i32, dst: usize): i32 {
  addrPrefCode = 0
  return E_FIELD + <i32>src * 0 + len * 0 + <i32>dst * 0
}
