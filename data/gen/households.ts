/**
 * Household composition: who lives together and how old they are. Kinds and shares roughly as
 * the 2020 census (single 40 %, couple 22 %, couple with children 21 %, single parent 8 %,
 * three generations 6 %; 1–4 children 50/38/10/2 %), tuned so that the mean household has 2.2
 * people (census 2.21). Children's ages come from the age pyramid and parents' ages from the
 * children's (mother 18–45 at each birth, siblings ≥ 300 days apart); singles' and couples' ages
 * are drawn from what the pyramid still needs once families are counted, and the youngest
 * child's age weights are corrected by simulation, so the whole population follows the pyramid
 * (every 5-year band within about ±0.5 points).
 */
import { AliasTable, Rng } from './rng.js'
import { birthDayForAge } from './dates.js'
import type { AgeRow } from './tables.js'

export type Role = 'single' | 'head' | 'spouse' | 'child' | 'grandparent'
export interface Member {
  role: Role
  sex: 1 | 2
  age: number
  birth: number
  /** index of the twin sibling in the household's members, -1 when none */
  twin: number
}
export interface Household {
  kind: 'single' | 'couple' | 'family' | 'single-parent' | 'three-generation'
  members: Member[]
  /** deliveries among the household's children, and how many of them were twins */
  deliveries: number
  twinDeliveries: number
}

const KINDS = ['single', 'couple', 'family', 'single-parent', 'three-generation'] as const
const KIND_SHARES = [0.4, 0.22, 0.21, 0.08, 0.06]
const MAX_AGE = 100
const CHILDREN = new AliasTable([50, 38, 10, 2]) // 1, 2, 3, 4 children
const FAMILY_KINDS = [2, 3, 4]
const FAMILY_TABLE = new AliasTable(FAMILY_KINDS.map((k) => KIND_SHARES[k]!))

export interface HouseholdOptions {
  /** share of deliveries that are twins (default 0.01) */
  twinRate?: number
}

export class HouseholdModel {
  readonly #pop: Float64Array
  readonly #kinds = new AliasTable(KIND_SHARES)
  #childAge: AliasTable
  #adultAge: AliasTable
  readonly #twinRate: number
  readonly #asOf: number

  constructor(population: AgeRow[], asOf: number, opts: HouseholdOptions = {}) {
    this.#asOf = asOf
    this.#twinRate = opts.twinRate ?? 0.01
    this.#pop = new Float64Array(MAX_AGE + 1)
    for (const r of population) if (r.age <= MAX_AGE) this.#pop[r.age] = r.male + r.female
    // The youngest child still at home: pyramid-shaped under 18, fading out by 35.
    const childWeights = Array.from({ length: 36 }, (_, a) => this.#pop[a]! * (a < 18 ? 1 : Math.max(0, 1 - (a - 17) / 18)))
    this.#childAge = new AliasTable(childWeights)
    this.#adultAge = new AliasTable(this.#calibrate())
    // Families bring several children each: correct the youngest child's age weights until the
    // simulated population matches the pyramid at young ages too (a few rounds suffice).
    const total = this.#pop.reduce((s, x) => s + x, 0)
    for (let round = 0; round < 6; round++) {
      const sim = this.#simulate(new Rng(round, 'household-calibration-round'), 10000)
      for (let a = 0; a < childWeights.length; a++) {
        if (sim[a]! > 0) childWeights[a]! *= Math.min(2, Math.max(0.5, this.#pop[a]! / total / sim[a]!))
      }
      this.#childAge = new AliasTable(childWeights)
      this.#adultAge = new AliasTable(this.#calibrate())
    }
  }

  /** Age shares of the people in `households` simulated households. */
  #simulate(rng: Rng, households: number): Float64Array {
    const hist = new Float64Array(MAX_AGE + 1)
    let n = 0
    for (let i = 0; i < households; i++) {
      for (const m of this.draw(rng).members) { hist[m.age]!++; n++ }
    }
    for (let a = 0; a <= MAX_AGE; a++) hist[a]! /= n
    return hist
  }

  /** Ages of single people and couple heads: the pyramid minus what families already supply. */
  #calibrate(): number[] {
    const rng = new Rng(0, 'household-calibration')
    const family = new Float64Array(MAX_AGE + 1)
    const samples = 10000
    let familyPersons = 0
    const familyShare = FAMILY_KINDS.reduce((s, k) => s + KIND_SHARES[k]!, 0)
    for (let i = 0; i < samples; i++) {
      const kind = FAMILY_KINDS[FAMILY_TABLE.draw(rng)]!
      const ages = this.#familyAges(rng, KINDS[kind]!).map((m) => m.age)
      for (const a of ages) family[a]! += 1 / samples
      familyPersons += ages.length / samples
    }
    // Per household: singles 1 person, couples 2, families `familyPersons` on average.
    const perHousehold = KIND_SHARES[0]! + 2 * KIND_SHARES[1]! + familyShare * familyPersons
    const total = this.#pop.reduce((s, x) => s + x, 0)
    const weights: number[] = []
    for (let a = 0; a <= MAX_AGE; a++) {
      const need = (perHousehold * this.#pop[a]!) / total - familyShare * family[a]!
      weights.push(a < 18 ? 0 : Math.max(need, this.#pop[a]! / total * 0.005))
    }
    return weights
  }

  /** One household with ages and birth days. */
  draw(rng: Rng): Household {
    const kind = KINDS[this.#kinds.draw(rng)]!
    let members: Omit<Member, 'birth'>[]
    if (kind === 'single') {
      const age = this.#adultAge.draw(rng)
      members = [{ role: 'single', sex: this.#sexAt(rng, age), age, twin: -1 }]
    } else if (kind === 'couple') {
      const h = Math.max(20, this.#adultAge.draw(rng))
      members = [
        { role: 'head', sex: 1, age: h, twin: -1 },
        { role: 'spouse', sex: 2, age: clampAge(h - Math.round(2 + 3 * rng.normal()), 18), twin: -1 },
      ]
    } else members = this.#familyAges(rng, kind)
    // Birth days: twins share theirs, everyone else draws one for their age.
    const out: Member[] = []
    let deliveries = 0, twinDeliveries = 0
    let previousChild = -Infinity
    // Members are fresh objects: complete them in place rather than copy.
    for (const m of members as Member[]) {
      if (m.twin >= 0 && m.twin < out.length) {
        m.birth = out[m.twin]!.birth
        out.push(m)
        twinDeliveries++
        continue
      }
      let birth = birthDayForAge(rng, m.age, this.#asOf)
      if (m.role === 'child') {
        deliveries++
        // Siblings (oldest first) are born at least ~10 months apart.
        if (birth - previousChild < 300) birth = Math.min(this.#asOf, previousChild + 300 + rng.int(120))
        previousChild = birth
      }
      m.birth = birth
      out.push(m)
    }
    return { kind, members: out, deliveries, twinDeliveries }
  }

  #sexAt(rng: Rng, age: number): 1 | 2 {
    // Young people living alone are mostly men; old ones mostly women (women outlive men).
    return rng.chance(age >= 60 ? 0.45 - (age - 60) * 0.006 : 0.62) ? 1 : 2
  }

  #familyAges(rng: Rng, kind: 'family' | 'single-parent' | 'three-generation' | string): Omit<Member, 'birth'>[] {
    const nChildren = 1 + CHILDREN.draw(rng)
    const youngest = this.#childAge.draw(rng)
    const ages = [youngest]
    for (let i = 1; i < nChildren; i++) ages.push(ages[i - 1]! + 1 + Math.min(rng.int(4), rng.int(6)))
    const children: Omit<Member, 'birth'>[] = []
    for (const age of ages.reverse()) {
      const sex: 1 | 2 = rng.chance(0.512) ? 1 : 2
      children.push({ role: 'child', sex, age, twin: -1 })
      if (rng.chance(this.#twinRate)) {
        // Twins: same day, same household; the pair counts as one delivery.
        const twinSex: 1 | 2 = rng.chance(0.65) ? sex : sex === 1 ? 2 : 1
        children.push({ role: 'child', sex: twinSex, age, twin: -2 })
      }
    }
    const age = ages[0]!
    const oldest = age
    const motherAtYoungest = Math.max(18 + (oldest - youngest), Math.min(45, Math.round(30 + 4.5 * rng.normal())))
    const mother = clampAge(youngest + motherAtYoungest, 18)
    const father = clampAge(mother + Math.round(2 + 3 * rng.normal()), 18)
    const parents: Omit<Member, 'birth'>[] = []
    if (kind === 'single-parent') {
      parents.push(rng.chance(0.85) ? { role: 'head', sex: 2, age: mother, twin: -1 } : { role: 'head', sex: 1, age: father, twin: -1 })
    } else {
      parents.push({ role: 'head', sex: 1, age: father, twin: -1 }, { role: 'spouse', sex: 2, age: mother, twin: -1 })
    }
    const members = [...parents]
    if (kind === 'three-generation') {
      const g = clampAge(father + 25 + rng.int(11), 18)
      if (g <= MAX_AGE) {
        if (rng.chance(0.45)) members.push({ role: 'grandparent', sex: 1, age: g, twin: -1 }, { role: 'grandparent', sex: 2, age: clampAge(g - 2 - rng.int(4), 18), twin: -1 })
        else members.push({ role: 'grandparent', sex: 2, age: Math.min(MAX_AGE, g + rng.int(4)), twin: -1 })
      }
    }
    // Resolve twin links to indices in the final member list.
    for (const c of children) {
      if (c.twin === -2) c.twin = members.length - 1
      members.push(c)
    }
    for (const m of members) m.age = Math.min(MAX_AGE, m.age)
    return members
  }
}

function clampAge(a: number, min: number): number {
  return Math.min(MAX_AGE, Math.max(min, a))
}
