// Plain-TS reference of assembly/normalize/kanji.ts (names as written). Compatibility
// ideographs go through String.prototype.normalize('NFKC') itself; kanji variants come from
// data/tables/kanji-variants.tsv (the table the WASM one is generated from).
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const E_BAD_NAME = -4, E_EMPTY = -2

export interface NameKeys {
  /** variant-folded, hiragana as katakana, no spaces */
  key: string
  /** width/compat/VS folded, no spaces */
  exact: string
  /** where the given name starts in key / exact; -1 when the name had no space */
  split: number
  exactSplit: number
}

/** The ranges whose code points fold as NFKC folds them (data/codegen/compat.mjs). */
export const COMPAT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x2E80, 0x2FDF], [0xF900, 0xFAFF], [0x2F800, 0x2FA1F],
]

const HALF = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ'
const FULL = 'ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'
const WIDE = new Map<number, number>([...HALF].map((h, i) => [h.charCodeAt(0), FULL.charCodeAt(i)]))
WIDE.set(0xFF61, 0x3002); WIDE.set(0xFF62, 0x300C); WIDE.set(0xFF63, 0x300D); WIDE.set(0xFF64, 0x3001)

const VOICE = new Map<string, string>()
const SEMI = new Map<string, string>()
for (const p of ['カガ', 'キギ', 'クグ', 'ケゲ', 'コゴ', 'サザ', 'シジ', 'スズ', 'セゼ', 'ソゾ', 'タダ', 'チヂ', 'ツヅ', 'テデ', 'トド',
  'ハバ', 'ヒビ', 'フブ', 'ヘベ', 'ホボ', 'ウヴ', 'ワヷ', 'ヰヸ', 'ヱヹ', 'ヲヺ']) { VOICE.set(p[0]!, p[1]!); VOICE.set(p[1]!, p[1]!) }
for (const p of ['ハパ', 'ヒピ', 'フプ', 'ヘペ', 'ホポ']) { SEMI.set(p[0]!, p[1]!); SEMI.set(p[1]!, p[1]!) }

const SPACE = -1, DROP = -2, BAD = -3, MARK = -4, MARK_H = -5

function isSpace(cp: number): boolean {
  return cp === 0x20 || cp === 0x09 || cp === 0xA0 || cp === 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp === 0x202F || cp === 0x205F
}

function inCompat(cp: number): boolean {
  return COMPAT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi)
}

/** What one input code point becomes in the exact form (a code point, or a class above). */
function exactOf(cp: number): number {
  if (isSpace(cp)) return SPACE
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return BAD
  if (cp >= 0xD800 && cp <= 0xDFFF) return BAD
  if ((cp >= 0x200B && cp <= 0x200F) || cp === 0x2060 || cp === 0xFEFF) return DROP
  if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)) return DROP
  if (cp === 0x30FB || cp === 0xFF65) return DROP                 // middle dots
  if (cp === 0x3099 || cp === 0x309B || cp === 0xFF9E) return MARK
  if (cp === 0x309A || cp === 0x309C || cp === 0xFF9F) return MARK_H
  let a = cp >= 0xFF01 && cp <= 0xFF5E ? cp - 0xFEE0 : cp
  if (a < 0x80) {
    if (a >= 0x30 && a <= 0x39) return BAD
    if (a >= 0x61 && a <= 0x7A) a -= 0x20
    return a
  }
  const w = WIDE.get(cp)
  if (w !== undefined) return w
  if (inCompat(cp)) {
    const m = [...String.fromCodePoint(cp).normalize('NFKC')]
    return m.length === 1 ? m[0]!.codePointAt(0)! : cp
  }
  return cp
}

let variants: Map<number, number> | undefined

/** variant → canonical from data/tables/kanji-variants.tsv (identity when the table is absent). */
export function variantMap(): Map<number, number> {
  if (variants) return variants
  variants = new Map()
  const here = fileURLToPath(import.meta.url)
  const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'))
  const file = `${root}/data/tables/kanji-variants.tsv`
  if (!existsSync(file)) return variants
  let header = true
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue
    if (header) { header = false; continue }
    const [v, c] = line.split('\t')
    if (!v || !c) continue
    const vc = v.codePointAt(0)!, cc = c.codePointAt(0)!
    if ([...v].length === 1 && [...c].length === 1 && vc !== cc) variants.set(vc, cc)
  }
  return variants
}

function keyOf(cp: number): number {
  if ((cp >= 0x3041 && cp <= 0x3096) || cp === 0x309D || cp === 0x309E) cp += 0x60
  return variantMap().get(cp) ?? cp
}

function isKana(cp: number): boolean {
  return (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA)
}

/** Both forms of a name, or a negative Status. */
export function nameKeys(s: string): NameKeys | number {
  const exact: number[] = [], key: number[] = []
  let split = -1, exactSplit = -1, sepPending = false, lastKana = 0
  let exactUnits = 0, keyUnits = 0
  for (const ch of s) {
    const e = exactOf(ch.codePointAt(0)!)
    if (e === SPACE) { sepPending = true; lastKana = 0; continue }
    if (e === DROP) continue
    if (e === BAD) return E_BAD_NAME
    if (e === MARK || e === MARK_H) {
      if (lastKana) {
        const hira = lastKana <= 0x3096
        const kata = String.fromCharCode(hira ? lastKana + 0x60 : lastKana)
        const c = (e === MARK ? VOICE : SEMI).get(kata)
        if (c && !(hira && c.charCodeAt(0) > 0x30F6)) {
          const ce = hira ? c.charCodeAt(0) - 0x60 : c.charCodeAt(0)
          exact[exact.length - 1] = ce
          const kOld = key.pop()!
          keyUnits -= kOld >= 0x10000 ? 2 : 1
          const k = keyOf(ce)
          key.push(k)
          keyUnits += k >= 0x10000 ? 2 : 1
          lastKana = ce
        }
      }
      continue
    }
    if (sepPending) {
      if (exact.length > 0 && exactSplit < 0) { exactSplit = exactUnits; split = keyUnits }
      sepPending = false
    }
    exact.push(e)
    exactUnits += e >= 0x10000 ? 2 : 1
    const k = keyOf(e)
    key.push(k)
    keyUnits += k >= 0x10000 ? 2 : 1
    lastKana = isKana(e) ? e : 0
  }
  if (exact.length === 0) return E_EMPTY
  return { key: String.fromCodePoint(...key), exact: String.fromCodePoint(...exact), split, exactSplit }
}
