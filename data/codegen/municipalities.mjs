// Compiles data/tables/municipalities.tsv into assembly/normalize/municipalities.generated.ts:
// every municipality / ward name (place-folded as the address normaliser folds its input:
// ケ/ヶ/ヵ/が/ガ/か as a place-name particle → ヶ, の/ノ between kanji → ノ), plus the designated cities
// themselves (横浜市, derived from their ward rows), in one string literal with offsets, grouped by
// first code unit (longest first) so a lookup compares only names that start with that unit.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readVariantPairs } from './kanji-variants.mjs'

const isKanji = (c) => (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
  c === 0x3005 || c === 0x3007 || (c >= 0xD800 && c <= 0xDFFF)
const isKana = (c) => (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) || c === 0x30FC || (c >= 0xFF66 && c <= 0xFF9F)
/** As placeUnit in src/normalize/reference/address.ts. */
function placeUnit(c, prev, next) {
  if (c === 0x30B1 || c === 0x30F6 || c === 0x30F5) return (isKanji(prev) || isKana(prev)) && !isKana(next) ? 0x30F6 : c
  if (c === 0x304C || c === 0x30AC) return (isKanji(prev) || isKana(prev)) && isKanji(next) ? 0x30F6 : c
  if (c === 0x304B) return isKanji(prev) && isKanji(next) ? 0x30F6 : c
  if (c === 0x306E || c === 0x30CE) return isKanji(prev) && isKanji(next) ? 0x30CE : c
  return c
}

let variants
/** variant → canonical, from the same reader that compiles the variant table into the core. */
function variantMap(root) {
  if (!variants) variants = existsSync(join(root, 'data', 'tables', 'kanji-variants.tsv')) ? new Map(readVariantPairs(root)) : new Map()
  return variants
}

const COMPAT = [[0x2E80, 0x2FDF], [0xF900, 0xFAFF], [0x2F800, 0x2FA1F]]
/** As kanjiFold in src/normalize/reference/address.ts: compat → unified, variant → canonical, VS dropped. */
function kanjiFold(root, cp) {
  if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)) return -1
  if (cp < 0x2E80) return cp
  if (COMPAT.some(([lo, hi]) => cp >= lo && cp <= hi)) {
    const m = [...String.fromCodePoint(cp).normalize('NFKC')]
    if (m.length === 1) cp = m[0].codePointAt(0)
  }
  return variantMap(root).get(cp) ?? cp
}

/** The address normaliser's fold for a place name without spaces, digits or hyphens. */
export function placeFold(root, name) {
  const w = (c) => (c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c)
  const s = String.fromCodePoint(...[...name].map((ch) => kanjiFold(root, w(ch.codePointAt(0)))).filter((c) => c >= 0))
  const out = []
  for (let i = 0; i < s.length; i++) {
    const prev = out.length ? out[out.length - 1] : 0
    out.push(placeUnit(s.charCodeAt(i), prev, i + 1 < s.length ? s.charCodeAt(i + 1) : 0))
  }
  return String.fromCharCode(...out)
}

/** [{name, pref, designated}] as the normaliser looks them up (also used by tests). */
export function municipalityEntries(root) {
  const text = readFileSync(join(root, 'data', 'tables', 'municipalities.tsv'), 'utf8')
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'))
  const header = lines.shift().split('\t')
  const ci = header.indexOf('city'), pi = header.indexOf('prefecture'), ki = header.indexOf('code')
  const PREFS = ['北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県',
    '埼玉県', '千葉県', '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県',
    '岐阜県', '静岡県', '愛知県', '三重県', '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県',
    '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県', '香川県', '愛媛県', '高知県', '福岡県',
    '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県']
  const seen = new Map()
  const add = (name, pref, designated) => {
    const key = `${name}\t${pref}`
    if (!seen.has(key)) seen.set(key, { name, pref, designated })
  }
  for (const l of lines) {
    const f = l.split('\t')
    const pref = PREFS.indexOf(f[pi]) + 1
    if (pref <= 0) throw new Error(`unknown prefecture in ${f[ki]}`)
    const city = placeFold(root, f[ci])
    add(city, pref, false)
    // A designated city's ward (code digit 3 is 1, name X市Y区): X市 is a lookup entry too
    const shi = city.indexOf('市')
    if (f[ki][2] === '1' && shi > 0 && shi < city.length - 1 && city.endsWith('区')) add(city.slice(0, shi + 1), pref, true)
  }
  const entries = [...seen.values()]
  const prefsOf = new Map()
  for (const e of entries) prefsOf.set(e.name, (prefsOf.get(e.name) ?? new Set()).add(e.pref))
  for (const e of entries) e.unique = prefsOf.get(e.name).size === 1
  entries.sort((a, b) => a.name.charCodeAt(0) - b.name.charCodeAt(0) || b.name.length - a.name.length ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.pref - b.pref)
  return entries
}

export function generate(root) {
  const entries = municipalityEntries(root)
  const starts = [0]
  let chars = ''
  for (const e of entries) { chars += e.name; starts.push(chars.length) }
  const keys = [], keyStart = []
  entries.forEach((e, i) => {
    const c = e.name.charCodeAt(0)
    if (keys[keys.length - 1] !== c) { keys.push(c); keyStart.push(i) }
  })
  keyStart.push(entries.length)
  const arr = (a) => `[${a.join(',')}]`
  const source = `// Generated by data/codegen/municipalities.mjs from data/tables/municipalities.tsv. Do not edit.
// ${entries.length} names (municipalities, wards, designated cities), place-folded, grouped by first unit, longest first.
export const MUNI_COUNT: i32 = ${entries.length}
export const MUNI_CHARS: string = ${JSON.stringify(chars)}
/** Entry i is MUNI_CHARS[MUNI_START[i] .. MUNI_START[i + 1]). */
export const MUNI_START: StaticArray<i32> = ${arr(starts)}
/** JIS X 0401 prefecture code of entry i. */
export const MUNI_PREF: StaticArray<u8> = ${arr(entries.map((e) => e.pref))}
/** bit 0: the name exists in one prefecture only; bit 1: a designated city (its wards follow it). */
export const MUNI_FLAGS: StaticArray<u8> = ${arr(entries.map((e) => (e.unique ? 1 : 0) | (e.designated ? 2 : 0)))}
/** Distinct first code units, ascending; entries of MUNI_KEYS[j] are MUNI_KEY_START[j] .. MUNI_KEY_START[j + 1]. */
export const MUNI_KEYS: StaticArray<u16> = ${arr(keys)}
export const MUNI_KEY_START: StaticArray<i32> = ${arr(keyStart)}
`
  return [{ path: 'assembly/normalize/municipalities.generated.ts', source }]
}
