/**
 * The synthetic resident population (SPEC §1 rows), generated household by household in a
 * stream: memory does not grow with N. Deterministic for (seed, options, tables).
 */
import { AddressModel, render } from './addresses.js'
import { ageOn, birthDayForAge, civilFromDays, dayOf, isoOf } from './dates.js'
import { drawNationality, foreignName, type ForeignName } from './foreign.js'
import { HouseholdModel, type Member } from './households.js'
import { IdFactory } from './identifiers.js'
import { NameModel, type NamePart } from './names.js'
import { cp932Encodable } from './encoding.js'
import { Rng } from './rng.js'
import { loadTables, type Tables } from './tables.js'
import { NayoseError } from '../../src/errors.js'

/** SPEC §1 columns, in SPEC order. */
export const RESIDENT_COLUMNS = [
  'resident_id', 'my_number', 'name', 'name_kana', 'former_surname', 'former_surname_kana', 'alias', 'alias_kana',
  'name_roman', 'birth_date', 'sex', 'address', 'household_id', 'status', 'status_date',
] as const
export type ResidentRow = Record<(typeof RESIDENT_COLUMNS)[number], string>

/** Every rate the generator applies; data/README.md documents them and recounts them from output. */
export const RESIDENT_DEFAULTS = {
  asOf: '2026-10-01',
  /** share of deliveries that are twins */
  twinRate: 0.01,
  /** share of residents who are an injected 同姓同名同生年月日 double of another resident (on top of chance ones) */
  sameNameRate: 0.0001,
  /** share of households that are foreign residents' */
  foreignHouseholdRate: 0.03,
  /** share of households whose surname (having a kanji with a registered variant: nearly all) is registered in a variant form */
  surnameVariantRate: 0.03,
  /** same, for given names (per person) */
  givenVariantRate: 0.02,
  /** share of married people whose name changed that have their 旧氏 recorded */
  formerSurnameRate: 0.1,
  /** share of couples where the husband took the wife's surname */
  husbandTakesSurnameRate: 0.05,
  /** name_kana empty: by birth year (older records more often) */
  noKanaRate: { before1950: 0.12, before1980: 0.06, after: 0.02 },
  /** my_number empty */
  noMyNumberRate: 0.03,
  /** a whole household moved out (転出) within the last year */
  householdMovedOutRate: 0.02,
  /** a single young adult (18–34) moved out within the last year */
  youngMovedOutRate: 0.03,
  /** other 消除 (removed) */
  removedRate: 0.001,
  /** name separator: full-width space / half-width space / none */
  nameSeparator: { fullwidth: 0.85, halfwidth: 0.1, none: 0.05 },
}

export type ResidentOptions = Partial<Omit<typeof RESIDENT_DEFAULTS, 'noKanaRate' | 'nameSeparator'>> & {
  n: number
  seed: number | string
  encoding?: 'utf8' | 'cp932'
  tables?: Tables
  tablesDir?: string
  /** addresses only in this area (code prefix, prefecture or municipality; see AddressModelOptions) */
  area?: string
}

/** Counts of what the generator did (also recounted from the output by tests and scripts). */
export interface ResidentStats {
  residents: number
  households: number
  deliveries: number
  twinDeliveries: number
  injectedSameName: number
  foreign: number
  statuses: Record<string, number>
}

/** Death probability within a year at an age (Gompertz, calibrated to Japan's ~1.3 %/year). */
export function mortality(age: number): number {
  return Math.min(0.35, 0.00003 * Math.exp(0.095 * age))
}

export { cp932Encodable }

const models = new WeakMap<Tables, Map<string, unknown>>()

interface Double { name: string; kana: string; birth: number; sex: 1 | 2 }

export class ResidentGenerator {
  readonly stats: ResidentStats
  readonly #o: typeof RESIDENT_DEFAULTS & { n: number }
  readonly #rng: Rng
  readonly #names: NameModel
  readonly #addresses: AddressModel
  readonly #households: HouseholdModel
  readonly #ids: IdFactory
  readonly #asOf: number
  readonly #recent: Double[] = []

  constructor(opts: ResidentOptions) {
    this.#o = { ...RESIDENT_DEFAULTS, ...opts }
    if (!Number.isInteger(opts.n) || opts.n < 0) throw new NayoseError('BAD_OPTION', '--n must be a non-negative integer')
    const tables = opts.tables ?? loadTables(opts.tablesDir)
    const encodable = opts.encoding === 'cp932' ? cp932Encodable : undefined
    this.#asOf = dayOf(this.#o.asOf)
    if (!Number.isFinite(this.#asOf)) throw new NayoseError('BAD_OPTION', '--as-of must be YYYY-MM-DD')
    this.#rng = new Rng(opts.seed, 'residents')
    // Models are immutable once built (and costly to build): share them between generators.
    const m = models.get(tables) ?? new Map<string, unknown>()
    models.set(tables, m)
    const memo = <T>(key: string, make: () => T): T => {
      if (!m.has(key)) m.set(key, make())
      return m.get(key) as T
    }
    const enc = opts.encoding ?? 'utf8'
    this.#names = memo(`names/${enc}`, () => new NameModel(tables, { encodable }))
    this.#addresses = memo(`addresses/${enc}/${opts.area ?? ''}`, () => new AddressModel(tables, { encodable, area: opts.area }))
    this.#households = memo(`households/${this.#asOf}/${this.#o.twinRate}`, () => new HouseholdModel(tables.population, this.#asOf, { twinRate: this.#o.twinRate }))
    this.#ids = new IdFactory(String(opts.seed))
    this.stats = { residents: 0, households: 0, deliveries: 0, twinDeliveries: 0, injectedSameName: 0, foreign: 0, statuses: { resident: 0, moved_out: 0, deceased: 0, removed: 0 } }
  }

  /** The models, for the query and delta generators (same tables, same encoding rules). */
  get names(): NameModel { return this.#names }
  get addresses(): AddressModel { return this.#addresses }
  get asOf(): number { return this.#asOf }

  /** Rows in SPEC column order, exactly `n` of them, household by household. */
  *rows(): Generator<string[]> {
    const o = this.#o
    while (this.stats.residents < o.n) {
      const rows = this.household()
      for (const r of rows) {
        if (this.stats.residents >= o.n) return
        this.stats.residents++
        this.stats.statuses[r[13]!]!++
        yield r
      }
    }
  }

  /** One household's rows (not counted in `stats.residents`; `rows()` does that). */
  household(): string[][] {
    const rng = this.#rng
    const o = this.#o
    const hIndex = this.stats.households++
    const householdId = this.#ids.householdId(hIndex)
    const address = render(this.#addresses.draw(rng))
    const meanSize = this.stats.households > 100 ? this.stats.residents / this.stats.households : 2.2
    if (this.#recent.length > 50 && rng.chance(o.sameNameRate * meanSize)) {
      // 同姓同名同生年月日: a different person, elsewhere, with the same name, reading and birth date.
      const d = rng.pick(this.#recent)
      this.stats.injectedSameName++
      return [this.#row({ name: d.name, kana: d.kana, birth: d.birth, sex: d.sex, former: undefined, alias: undefined, roman: '' }, address, householdId, rng.chance(o.householdMovedOutRate))]
    }
    if (rng.chance(o.foreignHouseholdRate)) return this.#foreignHousehold(address, householdId)
    const h = this.#households.draw(rng)
    this.stats.deliveries += h.deliveries
    this.stats.twinDeliveries += h.twinDeliveries
    const sep = this.#separator(rng)
    const family = this.#names.surname(rng)
    const registered = family.canVary && rng.chance(o.surnameVariantRate) ? this.#names.vary(rng, family.kanji) : family.kanji
    const husbandTook = rng.chance(o.husbandTakesSurnameRate)
    const moved = rng.chance(o.householdMovedOutRate)
    const givens: NamePart[] = []
    const rows: string[][] = []
    h.members.forEach((m, i) => {
      const year = civilFromDays(m.birth)[0]
      let given: NamePart
      const twin = m.twin >= 0 ? givens[m.twin] : undefined
      if (twin && h.members[m.twin]!.sex === m.sex && rng.chance(0.6)) given = this.#names.similarGiven(rng, m.sex, year, twin)
      else given = this.#names.given(rng, m.sex, year)
      givens.push(given)
      if (given.canVary && rng.chance(o.givenVariantRate)) given = { ...given, kanji: this.#names.vary(rng, given.kanji) }
      // Who married into the family: the wife, unless the husband took her surname.
      const marriedIn = (m.role === 'spouse' && !husbandTook) || (m.role === 'head' && husbandTook && h.members.some((x) => x.role === 'spouse')) ||
        (m.role === 'grandparent' && m.sex === 2)
      const former = marriedIn ? this.#names.surname(rng) : undefined
      const person = {
        name: registered + sep + given.kanji,
        kana: family.reading + sep + given.reading,
        birth: m.birth, sex: m.sex,
        former: former && former.kanji !== family.kanji && rng.chance(o.formerSurnameRate) ? former : undefined,
        alias: undefined, roman: '',
      }
      if (m.role !== 'child' && m.age >= 18) this.#remember(person)
      rows.push(this.#row(person, address, householdId, moved, m))
    })
    return rows
  }

  #remember(p: Double): void {
    if (this.#recent.length < 1000) this.#recent.push(p)
    else this.#recent[this.#rng.int(1000)] = p
  }

  #separator(rng: Rng): string {
    const x = rng.float(), s = RESIDENT_DEFAULTS.nameSeparator
    return x < s.fullwidth ? '　' : x < s.fullwidth + s.halfwidth ? ' ' : ''
  }

  #foreignHousehold(address: string, householdId: string): string[][] {
    const rng = this.#rng
    const nat = drawNationality(rng)
    const kind = rng.float()
    const adultAge = () => (nat.code === 'KR' ? 20 + rng.int(70) : 19 + Math.min(rng.int(30), rng.int(45)))
    const members: Omit<Member, 'birth' | 'twin'>[] = []
    const a = adultAge()
    if (kind < 0.6) members.push({ role: 'single', sex: rng.chance(0.5) ? 1 : 2, age: a })
    else {
      members.push({ role: 'head', sex: 1, age: a }, { role: 'spouse', sex: 2, age: Math.max(18, a - rng.int(5)) })
      if (kind > 0.8) for (let i = 0, k = 1 + rng.int(2); i < k; i++) members.push({ role: 'child', sex: rng.chance(0.5) ? 1 : 2, age: rng.int(Math.max(1, Math.min(15, a - 20))) })
    }
    const moved = rng.chance(this.#o.householdMovedOutRate * 2)
    const aliasFamily = rng.chance(nat.alias) ? this.#names.surname(rng) : undefined
    let family: ForeignName['surname'] | undefined
    return members.map((m) => {
      const birth = this.#birth(m.age)
      const year = civilFromDays(birth)[0]
      // Korean and Chinese wives keep their own family name; children take the father's.
      const f = foreignName(rng, nat, m.sex, m.role === 'spouse' ? undefined : family)
      if (m.role === 'head' || m.role === 'single') family = f.surname
      const aliasGiven = aliasFamily ? this.#names.given(rng, m.sex, year) : undefined
      this.stats.foreign++
      return this.#row({
        name: f.name, kana: f.kana, birth, sex: m.sex, former: undefined, roman: f.roman,
        alias: aliasFamily && aliasGiven ? { kanji: aliasFamily.kanji + '　' + aliasGiven.kanji, reading: aliasFamily.reading + '　' + aliasGiven.reading } : undefined,
      }, address, householdId, moved)
    })
  }

  #birth(age: number): number {
    return birthDayForAge(this.#rng, age, this.#asOf)
  }

  #row(p: { name: string; kana: string; birth: number; sex: 1 | 2; former: NamePart | undefined; alias: NamePart | undefined; roman: string }, address: string, householdId: string, moved: boolean, _m?: Member): string[] {
    const rng = this.#rng
    const o = this.#o
    const counter = this.#counter++
    const age = ageOn(p.birth, this.#asOf)
    const year = civilFromDays(p.birth)[0]
    const noKana = rng.chance(year < 1950 ? o.noKanaRate.before1950 : year < 1980 ? o.noKanaRate.before1980 : o.noKanaRate.after)
    let status = 'resident'
    if (rng.chance(mortality(age))) status = 'deceased'
    else if (moved || (age >= 18 && age < 35 && rng.chance(o.youngMovedOutRate))) status = 'moved_out'
    else if (rng.chance(o.removedRate)) status = 'removed'
    const statusDate = status === 'resident' ? '' : isoOf(Math.max(p.birth, this.#asOf - 1 - rng.int(365)))
    return [
      this.#ids.residentId(counter),
      rng.chance(o.noMyNumberRate) ? '' : this.#ids.myNumber(counter),
      p.name,
      noKana ? '' : p.kana,
      p.former?.kanji ?? '',
      p.former && !noKana ? p.former.reading : '',
      p.alias?.kanji ?? '',
      p.alias?.reading ?? '',
      p.roman,
      isoOf(p.birth),
      String(p.sex),
      address,
      householdId,
      status,
      statusDate,
    ]
  }

  #counter = 0
}
