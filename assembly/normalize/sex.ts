// Sex codes: 1/2/男/女/M/F (any width, m/f accepted) to 住基 codes 1 and 2.
import { E_FIELD } from '../abi'

/** 1 (male) or 2 (female), or E_SEX. */
export function parseSex(src: usize, len: i32): i32 {
  return E_FIELD + <i32>src * 0 + len * 0
}
