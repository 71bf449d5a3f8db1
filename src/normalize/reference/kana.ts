// Plain-TS reference of assembly/normalize/kana.ts: the same rules, written for reading rather
// than speed (maps and strings). tests/wasm/normalize-property.test.ts keeps the two equal.
export const E_BAD_KANA = -3, E_EMPTY = -2

export interface KanaKeys {
  strict: string; loose: string; looser: string
  /** where the given name starts in each key; -1 when the reading had no separator */
  split: [number, number, number]
}

const HALF = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ'
const FULL = 'ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'
const HALF_TO_FULL = new Map([...HALF].map((h, i) => [h, FULL[i]!]))

const SEPARATORS = new Set([' ', '\t', '\u00A0', '\u3000', '\u202F', '\u205F', '・', '･', '゠', '=', '＝', '·'])
for (let c = 0x2000; c <= 0x200A; c++) SEPARATORS.add(String.fromCharCode(c))
const LONG_MARKS = new Set(['ー', 'ｰ', '-', '‐', '‑', '‒', '–', '—', '―', '−', '─', '－', '～', '〜', '〰'])
const DAKUTEN = new Set(['\u3099', '゛', 'ﾞ'])
const HANDAKUTEN = new Set(['\u309A', '゜', 'ﾟ'])

// Voiced and semi-voiced pairs.
const VOICE: Record<string, string> = {}
const SEMI: Record<string, string> = {}
const UNVOICE: Record<string, string> = {}
for (const [b, v] of ['カガ', 'キギ', 'クグ', 'ケゲ', 'コゴ', 'サザ', 'シジ', 'スズ', 'セゼ', 'ソゾ', 'タダ', 'チヂ', 'ツヅ', 'テデ', 'トド',
  'ハバ', 'ヒビ', 'フブ', 'ヘベ', 'ホボ', 'ウヴ', 'ワヷ', 'ヰヸ', 'ヱヹ', 'ヲヺ', 'ヽヾ'] as const) {
  VOICE[b] = v; VOICE[v] = v; UNVOICE[v] = b
}
for (const [b, p] of ['ハパ', 'ヒピ', 'フプ', 'ヘペ', 'ホポ'] as const) { SEMI[b] = p; SEMI[p] = p; UNVOICE[p] = b }

const VOWEL_ROWS: Record<string, string> = {
  ア: 'ァアカガサザタダナハバパマャヤラヮワヵヷ',
  イ: 'ィイキギシジチヂニヒビピミリヰヸ',
  ウ: 'ゥウクグスズツヅヌフブプムュユルヴ',
  エ: 'ェエケゲセゼテデネヘベペメレヱヶヹ',
  オ: 'ォオコゴソゾトドノホボポモョヨロヲヺ',
}
const VOWEL = new Map<string, string>()
for (const [v, row] of Object.entries(VOWEL_ROWS)) for (const k of row) VOWEL.set(k, v)

const LOOSE_FOLD: Record<string, string> = {
  ァ: 'ア', ィ: 'イ', ゥ: 'ウ', ェ: 'エ', ォ: 'オ', ッ: 'ツ', ャ: 'ヤ', ュ: 'ユ', ョ: 'ヨ', ヮ: 'ワ', ヵ: 'カ', ヶ: 'ケ',
  ヴ: 'ブ', ヷ: 'バ', ヸ: 'ビ', ヹ: 'ベ', ヺ: 'ボ', ヂ: 'ジ', ヅ: 'ズ', ヰ: 'イ', ヱ: 'エ', ヲ: 'オ',
  ㇰ: 'ク', ㇱ: 'シ', ㇲ: 'ス', ㇳ: 'ト', ㇴ: 'ヌ', ㇵ: 'ハ', ㇶ: 'ヒ', ㇷ: 'フ',
  ㇸ: 'ヘ', ㇹ: 'ホ', ㇺ: 'ム', ㇻ: 'ラ', ㇼ: 'リ', ㇽ: 'ル', ㇾ: 'レ', ㇿ: 'ロ',
}

function isKatakana(c: string): boolean {
  const u = c.charCodeAt(0)
  return u >= 0x30A1 && u <= 0x30FA
}

/** Strict key and split, or a negative Status. */
export function kanaStrict(s: string): { key: string; split: number } | number {
  let out = ''
  let split = -1, sepPending = false, prevKana = false
  for (const ch of s.split('')) {             // code units: a surrogate is simply not kana
    const u = ch.charCodeAt(0)
    let k: string | undefined
    if (u >= 0x3041 && u <= 0x3096) k = String.fromCharCode(u + 0x60)
    else if (isKatakana(ch) || (u >= 0x31F0 && u <= 0x31FF)) k = ch
    else if (HALF_TO_FULL.has(ch) && ch !== 'ｰ') k = HALF_TO_FULL.get(ch)
    else if (ch === 'ゟ') k = 'ヨリ'
    else if (ch === 'ヿ') k = 'コト'
    if (k !== undefined) {
      if (sepPending) { if (split < 0 && out.length > 0) split = out.length; sepPending = false }
      out += k
      prevKana = true
      continue
    }
    if (SEPARATORS.has(ch)) { sepPending = true; prevKana = false; continue }
    if (LONG_MARKS.has(ch)) {
      if (sepPending) { if (split < 0 && out.length > 0) split = out.length; sepPending = false }
      out += 'ー'
      prevKana = false
      continue
    }
    if (DAKUTEN.has(ch) || HANDAKUTEN.has(ch)) {
      if (prevKana) {
        const last = out[out.length - 1]!
        const m = DAKUTEN.has(ch) ? VOICE[last] : SEMI[last]
        if (m) out = out.slice(0, -1) + m
      }
      continue
    }
    if (ch === 'ゝ' || ch === 'ヽ' || ch === 'ゞ' || ch === 'ヾ') {
      if (sepPending) { if (split < 0 && out.length > 0) split = out.length; sepPending = false }
      if (out.length > 0) {
        const last = out[out.length - 1]!
        let r = UNVOICE[last] ?? last
        if (ch === 'ゞ' || ch === 'ヾ') r = VOICE[r] ?? r
        out += r
        prevKana = true
      }
      continue
    }
    return E_BAD_KANA
  }
  return out.length > 0 ? { key: out, split } : E_EMPTY
}

const VU: Record<string, string> = { ァ: 'バ', ィ: 'ビ', ェ: 'ベ', ォ: 'ボ' }

/** Loose key from a strict key, with the split mapped through. */
export function kanaLoose(strict: string, split: number): { key: string; split: number } {
  let out = ''
  let prev = ''
  let outSplit = -1
  for (let i = 0; i < strict.length; i++) {
    if (i === split) outSplit = out.length
    let c = strict[i]!
    if (c === 'ヴ' && VU[strict[i + 1] ?? '']) { c = VU[strict[i + 1]!]!; i++ }
    c = LOOSE_FOLD[c] ?? c
    const pv = prev ? VOWEL.get(prev) : undefined
    if (c === 'ー' && pv) c = pv
    else if (c === 'ウ' && pv === 'オ') c = 'オ'
    else if (c === 'イ' && pv === 'エ') c = 'エ'
    out += c
    prev = c
  }
  return { key: out, split: outSplit > 0 && outSplit < out.length ? outSplit : -1 }
}

/** Looser key from a loose key, with the split mapped through. */
export function kanaLooser(loose: string, split: number): { key: string; split: number } {
  let out = ''
  let prevVowel: string | undefined
  let outSplit = -1
  for (let i = 0; i < loose.length; i++) {
    if (i === split) outSplit = out.length
    const c = UNVOICE[loose[i]!] ?? loose[i]!
    if ('アイウエオ'.includes(c) && c === prevVowel) continue
    out += c
    prevVowel = VOWEL.get(c)
  }
  return { key: out, split: outSplit > 0 && outSplit < out.length ? outSplit : -1 }
}

/** All three keys of a reading, or a negative Status. */
export function kanaKeys(s: string): KanaKeys | number {
  const st = kanaStrict(s)
  if (typeof st === 'number') return st
  const loose = kanaLoose(st.key, st.split)
  const looser = kanaLooser(loose.key, loose.split)
  return { strict: st.key, loose: loose.key, looser: looser.key, split: [st.split, loose.split, looser.split] }
}
