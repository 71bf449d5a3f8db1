// Sex codes to 住基 codes: 1/男/男性/M → 1, 2/女/女性/F → 2, either width, m/f accepted,
// surrounding spaces ignored. Anything else (0, 9, 不明, '') is E_SEX. Rules: docs/normalize-fields.md.
import { E_SEX } from '../abi'
import { foldAsciiWidth, isSpace } from './width'

/**
 * 1 (male) or 2 (female), or E_SEX.
 * @example parseSex('Ｆ') == 2
 */
export function parseSex(src: usize, len: i32): i32 {
  let a: i32 = 0, b = len
  while (a < b && isSpace(<u32>load<u16>(src + (<usize>a << 1)))) a++
  while (b > a && isSpace(<u32>load<u16>(src + (<usize>(b - 1) << 1)))) b--
  if (b - a == 2 && load<u16>(src + (<usize>(a + 1) << 1)) == 0x6027) {     // 男性 / 女性
    const f = load<u16>(src + (<usize>a << 1))
    if (f == 0x7537 || f == 0x5973) b--
  }
  if (b - a != 1) return E_SEX
  const c = foldAsciiWidth(<u32>load<u16>(src + (<usize>a << 1)))
  if (c == 0x31 || c == 0x7537 || c == 0x4D || c == 0x6D) return 1
  if (c == 0x32 || c == 0x5973 || c == 0x46 || c == 0x66) return 2
  return E_SEX
}
