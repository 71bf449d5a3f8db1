/**
 * Names of synthetic residents: surnames drawn by frequency, given names by sex and birth
 * decade, registered variant kanji chosen by reverse lookup of kanji-variants.tsv, and similar
 * names for twins.
 */
import { AliasTable, type Rng } from './rng.js'
import { cp932Encodable } from './encoding.js'
import { eraIndex, ERA_COUNT, type GivenNameRow, type SurnameRow, type Tables } from './tables.js'

export interface NamePart { kanji: string; reading: string; /** some kanji has a registered variant (precomputed) */ canVary?: boolean }

/**
 * Variants that registries hold often (weight 100); other variants CP932 can hold weigh 5, the
 * rest (外字 such as 𡶸 for 山) 1, so a registered variant is usually 髙, 﨑, 邉 or 澤, rarely 𡶸.
 */
const COMMON_VARIANTS = new Set([...'髙﨑邉邊齋齊濵濱澤嶋嶌德廣櫻龍國榮眞藏壽與瀨淵惠'])
/** Kanji that sometimes carry an ideographic variation selector (IVS) in registered names. */
const IVS_BASES = new Set([...'葛辻芦祇逗蓮'])
const VS17 = '\u{E0100}'

export interface NameModelOptions {
  /** Returns false for a string the output encoding cannot hold (CP932): such names are never drawn. */
  encodable?: (s: string) => boolean
}

export class NameModel {
  readonly #surnames: SurnameRow[]
  readonly #surnameTable: AliasTable
  readonly #given: Record<1 | 2, GivenNameRow[]>
  readonly #givenTables: Record<1 | 2, AliasTable[]>
  readonly #byFirstChar: Record<1 | 2, Map<string, number[]>>
  readonly #variantsOf: Map<string, { chars: string[]; weights: number[] }>
  readonly #canonicalOf: Map<string, string>
  readonly #allowIvs: boolean
  readonly #canVary = new Map<string, boolean>()
  readonly #surnameVary: Uint8Array
  readonly #givenVary: Record<1 | 2, Uint8Array>

  constructor(t: Tables, opts: NameModelOptions = {}) {
    const ok = opts.encodable ?? (() => true)
    this.#allowIvs = !opts.encodable
    this.#surnames = t.surnames.filter((r) => ok(r.kanji))
    this.#surnameTable = new AliasTable(this.#surnames.map((r) => r.weight))
    this.#given = { 1: [], 2: [] }
    for (const g of t.givenNames) if (ok(g.kanji)) this.#given[g.sex].push(g)
    this.#givenTables = { 1: [], 2: [] }
    this.#byFirstChar = { 1: new Map(), 2: new Map() }
    for (const sex of [1, 2] as const) {
      const rows = this.#given[sex]
      for (let d = 0; d < ERA_COUNT; d++) {
        const w = rows.map((r) => r.weight * (r.era[d] ?? 0))
        // A decade with no weight at all falls back to overall popularity.
        this.#givenTables[sex].push(new AliasTable(w.some((x) => x > 0) ? w : rows.map((r) => r.weight)))
      }
      rows.forEach((r, i) => {
        const key = [...r.kanji][0]!
        const list = this.#byFirstChar[sex].get(key) ?? []
        list.push(i)
        this.#byFirstChar[sex].set(key, list)
      })
    }
    this.#variantsOf = new Map()
    for (const [c, vs] of t.variantsOf) {
      const chars = vs.filter((v) => ok(v))
      if (chars.length) this.#variantsOf.set(c, { chars, weights: chars.map((v) => (COMMON_VARIANTS.has(v) ? 100 : cp932Encodable(v) ? 5 : 1)) })
    }
    this.#canonicalOf = t.canonicalOf
    this.#surnameVary = Uint8Array.from(this.#surnames, (r) => (this.canVary(r.kanji) ? 1 : 0))
    this.#givenVary = { 1: Uint8Array.from(this.#given[1], (r) => (this.canVary(r.kanji) ? 1 : 0)), 2: Uint8Array.from(this.#given[2], (r) => (this.canVary(r.kanji) ? 1 : 0)) }
    this.#canVary.clear()
  }

  surname(rng: Rng): NamePart {
    const i = this.#surnameTable.draw(rng)
    const r = this.#surnames[i]!
    return { kanji: r.kanji, reading: r.reading, canVary: this.#surnameVary[i] === 1 }
  }

  /** A given name for someone of `sex` born in `year` (P ∝ weight × era weight of the decade). */
  given(rng: Rng, sex: 1 | 2, year: number): NamePart {
    const i = this.#givenTables[sex][eraIndex(year)]!.draw(rng)
    const r = this.#given[sex][i]!
    return { kanji: r.kanji, reading: r.reading, canVary: this.#givenVary[sex][i] === 1 }
  }

  /** A given name similar to `like` (same first kanji or same first kana) for a twin; may be any name. */
  similarGiven(rng: Rng, sex: 1 | 2, year: number, like: NamePart): NamePart {
    const candidates = (this.#byFirstChar[sex].get([...like.kanji][0]!) ?? []).filter((i) => this.#given[sex][i]!.kanji !== like.kanji)
    if (candidates.length === 0) return this.given(rng, sex, year)
    const r = this.#given[sex][rng.pick(candidates)]!
    return { kanji: r.kanji, reading: r.reading }
  }

  /** True when some kanji of `s` has a registered variant (or takes an IVS) in this model. */
  canVary(s: string): boolean {
    let r = this.#canVary.get(s)
    if (r === undefined) {
      r = false
      for (const ch of s) if (this.#variantsOf.has(ch) || (this.#allowIvs && IVS_BASES.has(ch))) r = true
      if (this.#canVary.size < 200_000) this.#canVary.set(s, r)
    }
    return r
  }

  /** `s` with one kanji replaced by a registered variant (髙橋, 﨑山, 渡邉), or `s` when none applies. */
  vary(rng: Rng, s: string): string {
    const chars = [...s]
    // The position to vary: one with a common variant (or an IVS base) is far more likely.
    const weights = chars.map((c) => {
      const ivs = this.#allowIvs && IVS_BASES.has(c) ? 100 : 0
      return Math.max(ivs, ...(this.#variantsOf.get(c)?.weights ?? [0]))
    })
    if (!weights.some((w) => w > 0)) return s
    const i = new AliasTable(weights).draw(rng)
    const v = this.#variantsOf.get(chars[i]!)
    if (v && !(this.#allowIvs && IVS_BASES.has(chars[i]!) && rng.chance(0.5))) {
      chars[i] = v.chars[new AliasTable(v.weights).draw(rng)]!
    } else chars[i] = chars[i]! + VS17
    return chars.join('')
  }

  /** `s` with its variant kanji folded to the canonical ones (and IVS selectors dropped). */
  canonical(s: string): string {
    let out = ''
    for (const ch of s) {
      const cp = ch.codePointAt(0)!
      if (cp >= 0xe0100 && cp <= 0xe01ef) continue
      out += this.#canonicalOf.get(ch) ?? ch
    }
    return out
  }

  /** True when `s` holds a variant kanji or an IVS. */
  hasVariant(s: string): boolean {
    for (const ch of s) {
      const cp = ch.codePointAt(0)!
      if ((cp >= 0xe0100 && cp <= 0xe01ef) || this.#canonicalOf.has(ch)) return true
    }
    return false
  }
}
