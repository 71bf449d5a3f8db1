// Plain-TS reference of assembly/normalize/address.ts (same rules, step for step; used for
// differential tests). Signature:
//   parseAddress(s: string): AddressParts | number   parts, or E_ADDRESS (-30)
// Rules: docs/normalize-fields.md. The municipality list is data/tables/municipalities.tsv, read
// once on first use and folded exactly as data/codegen/municipalities.mjs folds it for the WASM.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { COMPAT_RANGES, variantMap } from './name.js'
import { kanjiDigit, kanjiUnit } from './date.js'

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

export const PREF_NAMES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県',
  '埼玉県', '千葉県', '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県',
  '岐阜県', '静岡県', '愛知県', '三重県', '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県',
  '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県', '香川県', '愛媛県', '高知県', '福岡県',
  '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
]

const SP = 0x20, HY = 0x2D
const C_GUN = 0x90E1, C_SHI = 0x5E02, C_KU = 0x533A, C_MACHI = 0x753A, C_MURA = 0x6751
const C_CHOU = 0x4E01, C_ME = 0x76EE, C_BAN = 0x756A, C_CHI = 0x5730, C_GOU = 0x53F7
const C_NO = 0x306E, C_KNO = 0x30CE, C_YUKI = 0x4E4B, C_DAI = 0x5927, C_AZA = 0x5B57
const C_JOU = 0x6761, C_SEN = 0x7DDA, C_WARI = 0x5272
const C_DAI_ORD = 0x7B2C, C_KUMI = 0x7D44, C_UCHI = 0x5185

export function isKanji(c: number): boolean {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
    c === 0x3005 || c === 0x3007 || (c >= 0xD800 && c <= 0xDFFF)
}
function isKana(c: number): boolean { return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) || c === 0x30FC || (c >= 0xFF66 && c <= 0xFF9F) }
/**
 * ケ/ヶ/ヵ/が/ガ/か and の/ノ as the connecting particle of a place name, folded to ヶ and ノ:
 * ケ ヶ ヵ after kanji or kana and before anything but kana (霞ヶ関, ひばりケ丘, 三ヶ + 番地);
 * が ガ after kanji or kana before kanji (自由が丘, ひばりが丘); か, の, ノ between kanji (霞か関, 一の宮).
 */
export function placeUnit(c: number, prev: number, next: number): number {
  if (c === 0x30B1 || c === 0x30F6 || c === 0x30F5) return (isKanji(prev) || isKana(prev)) && !isKana(next) ? 0x30F6 : c
  if (c === 0x304C || c === 0x30AC) return (isKanji(prev) || isKana(prev)) && isKanji(next) ? 0x30F6 : c
  if (c === 0x304B) return isKanji(prev) && isKanji(next) ? 0x30F6 : c
  if (c === C_NO || c === C_KNO) return isKanji(prev) && isKanji(next) ? C_KNO : c
  return c
}
function isHyphen(c: number): boolean {
  return c === HY || (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xFE63 || c === 0x2043
}
function isSpace(c: number): boolean { return c === 0x20 || c === 0x3000 || c === 0x09 || c === 0xA0 }
function width(c: number): number { return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c }

function isDigit(c: number): boolean { return c >= 0x30 && c <= 0x39 }

/**
 * Kanji as registries compare them: CJK compatibility ideographs to unified (NFKC), variants to
 * their canonical form (髙 → 高, 﨑 → 崎, 龍 → 竜: data/tables/kanji-variants.tsv, as names);
 * -1 for variation selectors and IVS (葛󠄀飾区 = 葛飾区), which are dropped.
 */
export function kanjiFold(cp: number): number {
  if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)) return -1
  if (cp < 0x2E80) return cp
  if (COMPAT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi)) {
    const m = [...String.fromCodePoint(cp).normalize('NFKC')]
    if (m.length === 1) cp = m[0]!.codePointAt(0)!
  }
  return variantMap().get(cp) ?? cp
}

// ---- municipality table ------------------------------------------------------------------
interface Muni { name: string; pref: number; unique: boolean; designated: boolean }
let byFirst: Map<number, Muni[]> | undefined

function placeFoldName(name: string): string {
  const cps = [...name].map((ch) => kanjiFold(width(ch.codePointAt(0)!))).filter((c) => c >= 0)
  const s = String.fromCodePoint(...cps)
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    const prev = out.length ? out[out.length - 1]! : 0
    out.push(placeUnit(s.charCodeAt(i), prev, i + 1 < s.length ? s.charCodeAt(i + 1) : 0))
  }
  return String.fromCharCode(...out)
}

function tablePath(): string {
  const here = fileURLToPath(import.meta.url)
  const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'))
  return `${root}/data/tables/municipalities.tsv`
}

function table(): Map<number, Muni[]> {
  if (byFirst) return byFirst
  const lines = readFileSync(tablePath(), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
  const header = lines.shift()!.split('\t')
  const ci = header.indexOf('city'), pi = header.indexOf('prefecture'), ki = header.indexOf('code')
  const seen = new Map<string, Muni>()
  const add = (name: string, pref: number, designated: boolean) => {
    const k = `${name}\t${pref}`
    if (!seen.has(k)) seen.set(k, { name, pref, unique: false, designated })
  }
  for (const l of lines) {
    const f = l.split('\t')
    const pref = PREF_NAMES.indexOf(f[pi]!) + 1
    const city = placeFoldName(f[ci]!)
    add(city, pref, false)
    const shi = city.indexOf('市')
    if (f[ki]![2] === '1' && shi > 0 && shi < city.length - 1 && city.endsWith('区')) add(city.slice(0, shi + 1), pref, true)
  }
  const prefs = new Map<string, Set<number>>()
  for (const m of seen.values()) prefs.set(m.name, (prefs.get(m.name) ?? new Set()).add(m.pref))
  const all = [...seen.values()]
  for (const m of all) m.unique = prefs.get(m.name)!.size === 1
  all.sort((a, b) => a.name.charCodeAt(0) - b.name.charCodeAt(0) || b.name.length - a.name.length ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.pref - b.pref)
  byFirst = new Map()
  for (const m of all) {
    const c = m.name.charCodeAt(0)
    if (!byFirst.has(c)) byFirst.set(c, [])
    byFirst.get(c)!.push(m)
  }
  return byFirst
}

// ---- parser state ------------------------------------------------------------------------
let u: number[] = []
let n = 0
let numEnd = 0       // position after the number read by readNum
let numAscii = false // the number was ASCII digits

function at(i: number): number { return i < n ? u[i]! : 0 }

/** Step 1: width, spaces, hyphens, ー as hyphen unless it lengthens katakana, ケ/ノ between kanji. */
function prepare(raw: string): void {
  // Kanji folded first, code point by code point (surrogate pairs and IVS never split)
  let s = ''
  for (const ch of raw) {
    const c = kanjiFold(ch.codePointAt(0)!)
    if (c >= 0) s += String.fromCodePoint(c)
  }
  u = []
  for (let i = 0; i < s.length; i++) {
    let c = width(s.charCodeAt(i))
    const prev = u.length ? u[u.length - 1]! : SP
    if (isSpace(c)) {
      if (prev !== SP) u.push(SP)
      continue
    }
    if (isHyphen(c)) c = HY
    else if (c === 0x30FC || c === 0xFF70) { if (!isKana(prev)) c = HY }
    else if ((c >= 0x304B && c <= 0x306E) || (c >= 0x30AC && c <= 0x30F6)) c = placeUnit(c, prev, i + 1 < s.length ? width(s.charCodeAt(i + 1)) : 0)
    u.push(c)
  }
  while (u.length && u[u.length - 1] === SP) u.pop()
  n = u.length
}

/** End of `name` matched at p (spaces in the input between its units skipped), or -1. */
function matchAt(p: number, name: string): number {
  for (let j = 0; j < name.length; j++) {
    if (j > 0) while (at(p) === SP) p++
    if (p >= n || u[p] !== name.charCodeAt(j)) return -1
    p++
  }
  return p
}

let muniEnd = 0
/** Longest municipality at p (of prefecture `pref` when pref > 0), or undefined. */
function matchCity(p: number, pref: number): Muni | undefined {
  const list = table().get(at(p))
  if (!list) return undefined
  for (const m of list) {
    if (pref > 0 && m.pref !== pref) continue
    const e = matchAt(p, m.name)
    if (e >= 0) { muniEnd = e; return m }
  }
  return undefined
}

/** A number at p: ASCII digits or kanji numerals (二十三, 百, 一〇); -1 when none. Sets numEnd. */
function readNum(p: number): number {
  let v = 0, d = 0
  while (isDigit(at(p)) && d < 9) { v = v * 10 + at(p) - 0x30; p++; d++ }
  if (d > 0) { numEnd = p; numAscii = true; return isDigit(at(p)) ? -1 : v }
  numAscii = false
  let total = 0, cur = -1, units = false, k = 0
  for (;;) {
    const c = at(p)
    const dg = kanjiDigit(c), un = kanjiUnit(c)
    if (dg >= 0) {
      if (units) { if (cur >= 0) return -1; cur = dg } else cur = (cur < 0 ? 0 : cur) * 10 + dg
      if (cur > 99999) return -1
    } else if (un > 0) {
      if (!units && cur > 9) return -1
      units = true
      total += (cur < 0 ? 1 : cur) * un
      cur = -1
    } else break
    p++; k++
  }
  if (k === 0 || k > 8) return -1
  numEnd = p
  return total + (cur < 0 ? 0 : cur)
}

function isSepNo(c: number): boolean { return c === C_NO || c === C_KNO || c === C_YUKI }

/** A numbered unit of the town name follows at q: 条 線 区 組 地割 町内 (北1条西, 4区, 第1地割). */
function townUnitAt(q: number): boolean {
  const c = at(q)
  return c === C_JOU || c === C_SEN || c === C_KU || c === C_KUMI || (c === C_CHI && at(q + 1) === C_WARI) || (c === C_MACHI && at(q + 1) === C_UCHI)
}

/** Does a block (丁目/番地/号 numbers) start at p? */
function blockAt(p: number): boolean {
  if (p > 0 && at(p - 1) === C_DAI_ORD) return false                       // 第1地割, 第2町内: part of the name
  if (readNum(p) < 0) return false
  const q = numEnd, c = at(q), ascii = numAscii
  if (townUnitAt(q)) return false
  if (c === C_GOU) { const d = at(q + 1); return !isKanji(d) || kanjiDigit(d) >= 0 || kanjiUnit(d) > 0 }   // 東10号北 is a name
  if (c === C_CHOU) { const d = at(q + 1); return d === C_ME || (!isKanji(d) && d !== C_KNO) || kanjiDigit(d) >= 0 || kanjiUnit(d) > 0 }   // 八丁堀, 六丁の目 are names
  if (c === C_BAN) {
    const d = at(q + 1)
    if (!ascii && isDigit(d)) return false                              // 麻布十番1-2-3: a name
    if (readNum(q + 1) >= 0 && at(numEnd) === C_CHOU) return false           // 麻布十番二丁目: 丁目 never follows 番
    return d === C_CHI || !isKanji(d) || kanjiDigit(d) >= 0 || kanjiUnit(d) > 0   // 一番五号, not 一番町
  }
  if (c === HY) return true
  if (isSepNo(c)) return readNum(q + 1) >= 0
  return ascii
}

/** Where the address starts after a leading postal code (〒100-8916, 100-8916, 〒1008916). */
function postalEnd(): number {
  let p = 0
  const mark = at(0) === 0x3012 || at(0) === 0x3036
  if (mark) { p++; while (at(p) === SP) p++ }
  let d = 0
  while (d < 3 && isDigit(at(p + d))) d++
  if (d === 3) {
    let q = p + 3
    const hy = at(q) === HY
    if (hy) q++
    let e = 0
    while (e < 4 && isDigit(at(q + e))) e++
    q += e
    if (e === 4 && !isDigit(at(q)) && (mark || hy || at(q) === SP)) {
      while (at(q) === SP) q++
      return q
    }
  }
  return mark ? p : 0
}

let out = ''
function push(c: number): void { out += String.fromCharCode(c) }
function pushNum(v: number): void { out += String(v) }

/** Parts of an address, or E_ADDRESS when nothing is left. */
export function parseAddress(s: string): AddressParts | number {
  if (s.length > 1024) return E_ADDRESS
  prepare(s)
  let p = postalEnd()
  // 1. prefecture
  let pref = 0
  for (let k = 0; k < 47 && pref === 0; k++) {
    const e = matchAt(p, PREF_NAMES[k]!)
    if (e >= 0) { pref = k + 1; p = e }
  }
  while (at(p) === SP) p++
  // 2. municipality: the table (longest), else a 郡 before it, else the prefecture without suffix
  let city = ''
  let inferred = 0
  let m = matchCity(p, pref)
  if (!m && pref === 0) {
    for (let k = 0; k < 47 && !m; k++) {
      const name = PREF_NAMES[k]!
      const e = matchAt(p, k === 0 ? name : name.slice(0, name.length - 1))
      if (e < 0) continue
      let q = e
      while (at(q) === SP) q++
      m = matchCity(q, k + 1)
      if (m) pref = k + 1
    }
  }
  if (!m) {
    // X郡Y町: the 郡 is dropped, so a query that leaves it out still agrees
    let q = p, k = 0
    while (q < n && k < 8 && at(q) !== C_GUN && !isDigit(at(q))) { if (at(q) !== SP) k++; q++ }
    if (at(q) === C_GUN) {
      q++
      while (at(q) === SP) q++
      m = matchCity(q, pref)
      if (m || pref > 0) p = q
    }
  }
  if (m) {
    city = m.name
    p = muniEnd
    if (pref === 0 && m.unique) inferred = m.pref
    if (m.designated) {
      // A ward the table does not know yet (浜松市中央区 since 2024): up to 4 kanji then 区
      let q = p
      while (at(q) === SP) q++
      let k = 0
      while (k < 4 && isKanji(at(q + k)) && at(q + k) !== C_KU) k++
      if (k > 0 && at(q + k) === C_KU) {
        for (let j = 0; j <= k; j++) city += String.fromCharCode(at(q + j))
        p = q + k + 1
      }
    }
  } else if (pref > 0) {
    // Not in the table: up to the first 市/区/町/村 within 8 units
    let q = p, k = 0
    while (q < n && k < 8 && at(q) !== C_SHI && at(q) !== C_KU && at(q) !== C_MACHI && at(q) !== C_MURA && !isDigit(at(q))) { if (at(q) !== SP) k++; q++ }
    if (q < n && (at(q) === C_SHI || at(q) === C_KU || at(q) === C_MACHI || at(q) === C_MURA)) {
      for (let j = p; j <= q; j++) if (u[j] !== SP) city += String.fromCharCode(u[j]!)
      p = q + 1
    }
  }
  const prefCode = pref > 0 ? pref : inferred
  const prefecture = prefCode > 0 ? PREF_NAMES[prefCode - 1]! : ''
  // 3. town (町字): 大字/字 prefixes dropped, numerals kept except before 条/線/地割
  while (at(p) === SP) p++
  for (;;) {
    if (at(p) === C_DAI && at(p + 1) === C_AZA) { p += 2 } else if (at(p) === C_AZA) { p++ } else break
    while (at(p) === SP) p++
  }
  out = ''
  while (p < n && at(p) !== SP) {
    if (blockAt(p)) break
    const v = readNum(p)
    if (v >= 0) {
      if (townUnitAt(numEnd) || (p > 0 && at(p - 1) === C_DAI_ORD)) { pushNum(v); p = numEnd; continue }
    }
    if (at(p) === HY) { p++; continue }                               // 霞が関-1-3-1
    // 大字X字Y, X字Y → XY (字 between kanji, not 十字)
    if (at(p) === C_AZA && out.length > 0 && isKanji(at(p + 1)) && isKanji(out.charCodeAt(out.length - 1)) &&
      out.charCodeAt(out.length - 1) !== 0x5341) { p++; continue }
    push(at(p)); p++
  }
  const town = out
  // 4. block: numbers joined by '-', at most three unless markers say otherwise
  while (at(p) === SP) p++
  out = ''
  if (blockAt(p)) {
    let count = 0
    for (;;) {
      const v = readNum(p)
      if (v < 0) break
      if (count > 0) push(HY)
      pushNum(v); count++
      p = numEnd
      let q = p
      while (at(q) === SP) q++
      if (q > p && (at(q) === C_CHOU || at(q) === C_BAN || at(q) === C_GOU)) p = q   // 1 丁目 3 番
      const c = at(p)
      let explicit = false
      if (c === C_CHOU) { p += at(p + 1) === C_ME ? 2 : 1; explicit = true }
      else if (c === C_BAN) { p += at(p + 1) === C_CHI ? 2 : 1; explicit = true }
      else if (c === C_GOU) { p++; break }
      else if (c === HY || isSepNo(c)) {
        if (count >= 3 || readNum(p + 1) < 0) break
        p++
        continue
      } else break
      if (explicit) {
        let q = p
        while (at(q) === SP) q++
        if (at(q) === HY || isSepNo(at(q))) q++
        if (readNum(q) < 0) break
        p = q
      }
    }
  }
  const block = out
  // 5. rest (方書)
  while (at(p) === SP || at(p) === HY) p++
  let rest = ''
  for (let j = p; j < n; j++) rest += String.fromCharCode(u[j]!)
  // A town ending in a digit (政和第1) is kept apart from its block: 第1 + 12 ≠ 第11 + 2
  const key = prefecture + city + town + (block && isDigit(town.charCodeAt(town.length - 1)) ? '-' : '') + block
  if (key.length === 0) return E_ADDRESS
  return { key, prefecture, city, town, block, rest, prefCode }
}
