/**
 * Kana transformations the generator applies to readings: hiragana, half-width katakana,
 * small↔large kana, long-vowel spelling (オオノ/オーノ/オウノ) and one-edit typos.
 * Inputs are full-width katakana with an optional separator space.
 */
import type { Rng } from './rng.js'

/**
 * Full-width katakana → hiragana. ヴ, ヵ and ヶ stay katakana (ゔ, ゕ, ゖ are rare in practice and
 * CP932 cannot hold them); ー stays ー.
 */
export function toHiragana(s: string): string {
  let out = ''
  for (const ch of s) {
    const c = ch.charCodeAt(0)
    out += c >= 0x30a1 && c <= 0x30f3 ? String.fromCharCode(c - 0x60) : ch
  }
  return out
}

const HALF: Record<string, string> = {}
{
  const full = 'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴー　'
  const half = [
    'ｧ', 'ｱ', 'ｨ', 'ｲ', 'ｩ', 'ｳ', 'ｪ', 'ｴ', 'ｫ', 'ｵ', 'ｶ', 'ｶﾞ', 'ｷ', 'ｷﾞ', 'ｸ', 'ｸﾞ', 'ｹ', 'ｹﾞ', 'ｺ', 'ｺﾞ',
    'ｻ', 'ｻﾞ', 'ｼ', 'ｼﾞ', 'ｽ', 'ｽﾞ', 'ｾ', 'ｾﾞ', 'ｿ', 'ｿﾞ', 'ﾀ', 'ﾀﾞ', 'ﾁ', 'ﾁﾞ', 'ｯ', 'ﾂ', 'ﾂﾞ', 'ﾃ', 'ﾃﾞ', 'ﾄ', 'ﾄﾞ',
    'ﾅ', 'ﾆ', 'ﾇ', 'ﾈ', 'ﾉ', 'ﾊ', 'ﾊﾞ', 'ﾊﾟ', 'ﾋ', 'ﾋﾞ', 'ﾋﾟ', 'ﾌ', 'ﾌﾞ', 'ﾌﾟ', 'ﾍ', 'ﾍﾞ', 'ﾍﾟ', 'ﾎ', 'ﾎﾞ', 'ﾎﾟ',
    'ﾏ', 'ﾐ', 'ﾑ', 'ﾒ', 'ﾓ', 'ｬ', 'ﾔ', 'ｭ', 'ﾕ', 'ｮ', 'ﾖ', 'ﾗ', 'ﾘ', 'ﾙ', 'ﾚ', 'ﾛ', 'ﾜ', 'ﾜ', 'ｲ', 'ｴ', 'ｦ', 'ﾝ', 'ｳﾞ', 'ｰ', ' ',
  ]
  ;[...full].forEach((ch, i) => { HALF[ch] = half[i]! })
}

/** Full-width katakana → half-width katakana (ｻﾄｳ ﾀﾛｳ); the separator becomes an ASCII space. */
export function toHalfWidth(s: string): string {
  let out = ''
  for (const ch of s) out += HALF[ch] ?? ch
  return out
}

const SMALL_TO_LARGE: Record<string, string> = { ァ: 'ア', ィ: 'イ', ゥ: 'ウ', ェ: 'エ', ォ: 'オ', ッ: 'ツ', ャ: 'ヤ', ュ: 'ユ', ョ: 'ヨ', ヮ: 'ワ' }

/** True when the reading has a small kana that old systems write large (キョウコ → キヨウコ). */
export function hasSmallKana(s: string): boolean {
  for (const ch of s) if (SMALL_TO_LARGE[ch]) return true
  return false
}

/** Writes every small kana large, as systems limited to large kana did. */
export function enlargeSmallKana(s: string): string {
  let out = ''
  for (const ch of s) out += SMALL_TO_LARGE[ch] ?? ch
  return out
}

const O_ROW = new Set([...'オコゴソゾトドノホボポモヨロョ'])
const U_ROW = new Set([...'ウクグスズツヅヌフブプムユルュ'])

/**
 * Alternative long-vowel spellings, if the reading has one: オオ/オウ/オー after an お-row kana
 * (オオノ, オーノ, オウノ), ウウ/ウー after an う-row kana (ユウコ, ユーコ). Returns the other
 * spellings (never the input itself); empty when the reading has no long vowel.
 */
export function longVowelVariants(s: string): string[] {
  const chars = [...s]
  for (let i = 1; i < chars.length; i++) {
    const prev = chars[i - 1]!, c = chars[i]!
    const oLong = O_ROW.has(prev) && (c === 'ウ' || c === 'オ' || c === 'ー')
    const uLong = U_ROW.has(prev) && (c === 'ウ' || c === 'ー')
    if (!oLong && !uLong) continue
    const options = oLong ? ['ウ', 'オ', 'ー'] : ['ウ', 'ー']
    return options.filter((o) => o !== c).map((o) => [...chars.slice(0, i), o, ...chars.slice(i + 1)].join(''))
  }
  return []
}

// Confusable substitutions typed or heard wrong: voicing, similar shapes, neighbouring sounds.
const CONFUSABLE: Record<string, string> = {
  カ: 'ガ', ガ: 'カ', キ: 'ギ', ギ: 'キ', ク: 'グ', グ: 'ク', ケ: 'ゲ', コ: 'ゴ', ゴ: 'コ', サ: 'ザ', シ: 'ジ', ジ: 'シ',
  ス: 'ズ', セ: 'ゼ', ソ: 'ゾ', タ: 'ダ', ダ: 'タ', チ: 'ヂ', ツ: 'シ', テ: 'デ', ト: 'ド', ド: 'ト', ハ: 'バ', ヒ: 'ビ',
  フ: 'ブ', ヘ: 'ベ', ホ: 'ボ', ボ: 'ホ', ン: 'ソ', ノ: 'メ', ワ: 'ウ', ヲ: 'オ', ヌ: 'ス', ル: 'レ',
  レ: 'ル', マ: 'ア', ア: 'マ', ユ: 'コ', ロ: 'コ', ミ: 'ニ', ニ: 'ミ', ナ: 'タ', イ: 'エ', エ: 'イ', オ: 'ウ', ウ: 'オ',
}
const KANA = [...'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン']

/**
 * One edit of a reading, avoiding the separator: a confusable substitution (most often), a
 * deletion, an insertion or a transposition of neighbours. Always returns a different string.
 */
export function kanaTypo(rng: Rng, s: string): string {
  const chars = [...s]
  const positions = chars.map((c, i) => (c === ' ' || c === '　' ? -1 : i)).filter((i) => i >= 0)
  if (positions.length === 0) return s + 'ア'
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = rng.pick(positions)
    const c = chars[i]!
    const kind = rng.float()
    let out: string[]
    if (kind < 0.55) out = [...chars.slice(0, i), CONFUSABLE[c] ?? rng.pick(KANA), ...chars.slice(i + 1)]
    else if (kind < 0.75 && positions.length > 2) out = [...chars.slice(0, i), ...chars.slice(i + 1)]
    else if (kind < 0.9) out = [...chars.slice(0, i), rng.pick(KANA), ...chars.slice(i)]
    else {
      const j = i + 1
      if (j >= chars.length || chars[j] === ' ' || chars[j] === '　') continue
      out = [...chars]
      out[i] = chars[j]!
      out[j] = c
    }
    const r = out.join('')
    if (r !== s) return r
  }
  return s.replace(/^./, (c) => (c === 'ア' ? 'イ' : 'ア'))
}
