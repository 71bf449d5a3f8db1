/**
 * Corruptions that turn a resident into the messy query an upstream system sends (SPEC §2).
 * Each has a documented default rate and can be switched off or changed
 * (`--corruptions name=rate,…`, `all=0` first to start from nothing). A rate is the probability
 * among queries where the corruption applies (`kana-only` needs a reading, `surname-old` a
 * recorded 旧氏, …); `eligible()` says where that is, so output can be recounted exactly.
 */
import { dateError, DATE_FORMATS, formatDate } from './dates.js'
import { enlargeSmallKana, hasSmallKana, kanaTypo, longVowelVariants, toHalfWidth, toHiragana } from './kana.js'
import type { NameModel } from './names.js'
import type { Rng } from './rng.js'
import { NayoseError } from '../../src/errors.js'

export const CORRUPTION_DEFAULTS = {
  /** 通称 (alias, alias_kana) instead of the registered name, when the person has one */
  alias: 0.5,
  /** surname replaced by the recorded 旧氏, when there is one */
  'surname-old': 0.3,
  /** surname replaced by a new one (married after the snapshot): women 20–49 with a separated name */
  'surname-new': 0.03,
  /** name in kanji only (no reading); needs a reading to leave out */
  'kanji-only': 0.15,
  /** reading only (no kanji); needs a reading */
  'kana-only': 0.15,
  /** reading written in hiragana */
  hiragana: 0.1,
  /** reading in half-width katakana (ｻﾄｳ ﾀﾛｳ) */
  halfwidth: 0.1,
  /** small kana written large (キョウコ → キヨウコ), when the reading has one */
  'small-kana': 0.2,
  /** another long-vowel spelling (オオノ/オーノ/オウノ), when the reading has one */
  'long-vowel': 0.2,
  /** one edit in the reading (confusable kana, deletion, insertion, transposition) */
  'kana-typo': 0.03,
  /** a variant kanji folded to its canonical form, or a canonical kanji written as a variant */
  'variant-kanji': 0.1,
  /** separator missing, doubled, other width, or a stray trailing space */
  spacing: 0.1,
  /** birth date in another notation (compact, slash, 和暦 kanji or letter, 年月日) */
  'date-format': 0.4,
  /** day↔month swap or one wrong digit */
  'date-error': 0.02,
  /** sex left out */
  'sex-missing': 0.05,
  /** sex as 男/女 or M/F */
  'sex-format': 0.15,
  /** address left out */
  'address-missing': 0.05,
  /** an old address: the person moved since (within the municipality 60 %, elsewhere 40 %) */
  'address-old': 0.03,
  /** address in another notation (digits/漢数字, full-width, hyphens, no 都道府県, spaces, ケ/ヶ/が, 大字) */
  'address-notation': 0.3,
  /** the query carries the person's my_number (not a corruption: a field most queries lack) */
  'my-number': 0.05,
  /** the query carries the person's resident_id (present people only) */
  'resident-id': 0,
}
export type CorruptionName = keyof typeof CORRUPTION_DEFAULTS
export type CorruptionRates = Record<CorruptionName, number>

/** Parses `kana-only=0.2,typo=0.05` (`all=0` sets every rate first) over the defaults. */
export function parseCorruptions(spec: string | undefined): CorruptionRates {
  const rates: CorruptionRates = { ...CORRUPTION_DEFAULTS }
  if (!spec) return rates
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = part.split('=') as [string, string | undefined]
    const v = Number(value)
    if (!(v >= 0 && v <= 1)) throw new NayoseError('BAD_OPTION', `--corruptions: rate of ${name} must be between 0 and 1`)
    if (name === 'all') for (const k of Object.keys(rates) as CorruptionName[]) rates[k] = v
    else if (name in rates) rates[name as CorruptionName] = v
    else throw new NayoseError('BAD_OPTION', `--corruptions: unknown corruption ${name} (known: ${Object.keys(rates).join(', ')})`)
  }
  return rates
}

/** The person a query describes, as in the residents file (or as drawn for an absent person). */
export interface Source {
  name: string
  name_kana: string
  former_surname: string
  former_surname_kana: string
  alias: string
  alias_kana: string
  birth: number
  sex: string
  address: string
  my_number: string
  resident_id: string
}

export interface QueryFields { name: string; name_kana: string; birth_date: string; sex: string; address: string; my_number: string; resident_id: string }

export interface Context {
  rng: Rng
  rates: CorruptionRates
  names: NameModel
  asOf: number
  /** another address for `address-old` (moved within or out of the municipality) */
  otherAddress: (address: string, nearby: boolean) => string
  /** a new surname for `surname-new` */
  newSurname: () => { kanji: string; reading: string }
  /** age on the reference date, for eligibility of `surname-new` */
  ageOf: (birth: number) => number
  /** false for strings the output encoding cannot hold (CP932): such rewritings are not used */
  encodable?: (s: string) => boolean
}

const SEP = /[ 　]+/

function splitName(s: string): [string, string] | undefined {
  const m = /^(\S+?)[ 　]+(.+)$/.exec(s)
  return m ? [m[1]!, m[2]!] : undefined
}

/** Where each corruption can apply to a source; used by the generator and by recounts. */
export function eligible(src: Source, names: NameModel, age: number): Record<CorruptionName, boolean> {
  const hasKana = src.name_kana !== '' || src.alias_kana !== ''
  return {
    alias: src.alias !== '',
    'surname-old': src.former_surname !== '' && splitName(src.name) !== undefined,
    'surname-new': src.sex === '2' && age >= 20 && age < 50 && src.alias === '' && src.former_surname === '' && splitName(src.name) !== undefined && /[\u4e00-\u9fff]/.test(src.name),
    'kanji-only': hasKana,
    'kana-only': hasKana,
    hiragana: hasKana,
    halfwidth: hasKana,
    'small-kana': hasSmallKana(src.name_kana),
    'long-vowel': longVowelVariants(src.name_kana).length > 0,
    'kana-typo': hasKana,
    'variant-kanji': names.hasVariant(src.name) || names.canVary(src.name),
    spacing: true,
    'date-format': true,
    'date-error': true,
    'sex-missing': true,
    'sex-format': true,
    'address-missing': true,
    'address-old': true,
    'address-notation': true,
    'my-number': src.my_number !== '',
    'resident-id': src.resident_id !== '',
  }
}

/** Builds one query from a source, applying each eligible corruption with its rate; returns the tags applied. */
export function corrupt(src: Source, ctx: Context): { query: QueryFields; tags: string[] } {
  const { rng, rates } = ctx
  const tags: string[] = []
  const ok = eligible(src, ctx.names, ctx.ageOf(src.birth))
  const roll = (c: CorruptionName): boolean => ok[c] && rng.chance(rates[c])

  // Name: which name, then which script, then how it is written.
  let name = src.name, kana = src.name_kana
  if (roll('alias')) {
    name = src.alias; kana = src.alias_kana; tags.push('alias')
  } else if (roll('surname-old')) {
    name = src.former_surname + splitSep(src.name) + splitName(src.name)![1]
    const k = splitName(kana)
    kana = k && src.former_surname_kana ? src.former_surname_kana + splitSep(kana) + k[1] : ''
    tags.push('surname-old')
  } else if (roll('surname-new')) {
    const s = ctx.newSurname()
    name = s.kanji + splitSep(src.name) + splitName(src.name)![1]
    const k = splitName(kana)
    kana = k ? s.reading + splitSep(kana) + k[1] : ''
    tags.push('surname-new')
  }
  if (kana !== '') {
    const x = rng.float()
    if (x < rates['kanji-only']) { kana = ''; tags.push('kanji-only') }
    else if (x < rates['kanji-only'] + rates['kana-only']) { name = ''; tags.push('kana-only') }
  }
  if (name !== '' && roll('variant-kanji')) {
    const v = ctx.names.hasVariant(name) ? ctx.names.canonical(name) : ctx.names.vary(rng, name)
    if (v !== name) { name = v; tags.push('variant-kanji') }
  }
  if (kana !== '') {
    if (hasSmallKana(kana) && roll('small-kana')) { kana = enlargeSmallKana(kana); tags.push('small-kana') }
    if (ok['long-vowel'] && rng.chance(rates['long-vowel'])) {
      const vs = longVowelVariants(kana)
      if (vs.length) { kana = rng.pick(vs); tags.push('long-vowel') }
    }
    if (roll('kana-typo')) { kana = kanaTypo(rng, kana); tags.push('kana-typo') }
    const x = rng.float()
    if (x < rates.hiragana) { kana = toHiragana(kana); tags.push('hiragana') }
    else if (x < rates.hiragana + rates.halfwidth) { kana = toHalfWidth(kana); tags.push('halfwidth') }
  }
  if (roll('spacing')) {
    const respace = spacing(rng)
    name = respace(name); kana = respace(kana)
    tags.push('spacing')
  }

  // Birth date: an error first (what the clerk typed), then the notation.
  let birth = src.birth
  if (roll('date-error')) {
    const e = dateError(rng, birth, ctx.asOf)
    birth = e.day
    tags.push(e.kind === 'swap' ? 'date-swap' : 'date-digit')
  }
  let birthDate = formatDate(birth, 'iso')
  if (roll('date-format')) {
    const f = rng.pick(DATE_FORMATS)
    birthDate = formatDate(birth, f)
    tags.push(`date-format:${f}`)
  }

  let sex = src.sex
  if (roll('sex-missing')) { sex = ''; tags.push('sex-missing') }
  else if (roll('sex-format')) {
    sex = rng.chance(0.5) ? (sex === '1' ? '男' : '女') : sex === '1' ? 'M' : 'F'
    tags.push('sex-format')
  }

  let address = src.address
  if (roll('address-missing')) { address = ''; tags.push('address-missing') }
  else {
    if (roll('address-old')) { address = ctx.otherAddress(address, rng.chance(0.6)); tags.push('address-old') }
    if (roll('address-notation')) {
      const a = renotate(rng, address, ctx.encodable)
      if (a !== address) { address = a; tags.push('address-notation') }
    }
  }

  const myNumber = roll('my-number') ? src.my_number : ''
  if (myNumber) tags.push('my-number')
  const residentId = roll('resident-id') ? src.resident_id : ''
  if (residentId) tags.push('resident-id')
  return { query: { name, name_kana: kana, birth_date: birthDate, sex, address, my_number: myNumber, resident_id: residentId }, tags }
}

function splitSep(s: string): string {
  return /[ 　]+/.exec(s)?.[0] ?? '　'
}

/** A spacing mistake applied the same way to name and reading. */
function spacing(rng: Rng): (s: string) => string {
  const kind = rng.int(4)
  return (s: string) => {
    if (!s) return s
    switch (kind) {
      case 0: return s.replace(SEP, '')
      case 1: return SEP.test(s) ? s.replace(SEP, (m) => m + m) : s + ' '
      case 2: return SEP.test(s) ? s.replace(SEP, (m) => (m.includes('　') ? ' ' : '　')) : s.replace(/^(\S\S)/u, '$1 ')
      default: return s + (rng.chance(0.5) ? ' ' : '　')
    }
  }
}

const KANJI_NUM = '〇一二三四五六七八九'
// U+2212 (−) is not in CP932: left out when writing CP932.
const HYPHENS = ['-', 'ー', '－', '‐', '―', '−']
const PREFECTURE = /^(東京都|北海道|京都府|大阪府|[^\s都道府県]{2,3}県)[ ]?/

/** The same address in another notation: one or two of several rewritings, each keeping its meaning. */
export function renotate(rng: Rng, address: string, encodable: (s: string) => boolean = () => true): string {
  const hyphens = HYPHENS.filter((h) => encodable(h))
  const rewrites: ((s: string) => string)[] = [
    // 都道府県 left out
    (s) => s.replace(PREFECTURE, ''),
    // 丁目 in digits ↔ 漢数字
    (s) => /[一二三四五六七八九十]+丁目/.test(s)
      ? s.replace(/([一二三四五六七八九十]+)丁目/, (_, k: string) => String(kanjiToNumber(k)) + '丁目')
      : s.replace(/(\d+)丁目/, (_, d: string) => numberToKanji(Number(d)) + '丁目'),
    // 丁目/番(地)/号 → hyphens
    (s) => {
      const h = rng.pick(hyphens)
      return s.replace(/(\d+|[一二三四五六七八九十]+)丁目(\d+)番(?:地)?(?:の)?(\d+)?号?/, (_, c: string, b: string, g?: string) =>
        `${/\d/.test(c) ? c : kanjiToNumber(c)}${h}${b}${g ? h + g : ''}`).replace(/(\d+)番地?(?:の)?(\d+)号?/, `$1${h}$2`)
    },
    // full-width digits
    (s) => s.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
    // spaces between the parts added or removed
    (s) => (/ /.test(s.replace(/ [^ ]*$/, '')) ? s.replace(/^(\S+) (\S+) (\S+)/, '$1$2$3') : s.replace(PREFECTURE, (p) => p.trim() + ' ')),
    // ケ/ヶ/が between kanji (旭ヶ丘, 旭ケ丘, 旭が丘)
    (s) => s.replace(/(?<=\p{Script=Han})[ケヶが](?=\p{Script=Han})/u, (c) => rng.pick(['ケ', 'ヶ', 'が'].filter((x) => x !== c))),
    // 大字 dropped
    (s) => s.replace(/大字/, ''),
  ]
  let out = address
  const k = 1 + (rng.chance(0.4) ? 1 : 0)
  for (let i = 0; i < k; i++) out = rng.pick(rewrites)(out)
  if (out === address) out = rewrites[3]!(address)
  return out
}

function kanjiToNumber(k: string): number {
  if (!k.includes('十')) return Number([...k].map((c) => KANJI_NUM.indexOf(c)).join(''))
  const [t, o] = k.split('十') as [string, string]
  return (t ? KANJI_NUM.indexOf(t) : 1) * 10 + (o ? KANJI_NUM.indexOf(o) : 0)
}

function numberToKanji(n: number): string {
  if (n < 10) return KANJI_NUM[n]!
  const t = Math.floor(n / 10), o = n % 10
  return (t === 1 ? '' : KANJI_NUM[t]!) + '十' + (o ? KANJI_NUM[o]! : '')
}
