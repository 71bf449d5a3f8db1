/**
 * Household composition: who lives together and how old they are. Kinds and shares follow the
 * 2020 census roughly (single 38 %, couple 20 %, couple with children 25 %, single parent 9 %,
 * three generations 8 %). Children's ages come from the age pyramid and parents' ages from the
 * children's (mother 18–45 at each birth); singles' and couples' ages are drawn from what the
 * pyramid still needs once families are counted, so the whole population follows the pyramid.
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
const KIND_SHARES = [0.38, 0.2, 0.25, 0.09, 0.08]
const MAX_AGE = 100

export interface HouseholdOptions {
  /** share of deliveries that are twins (default 0.01) */
  twinRate?: number
}

export class HouseholdModel {
  readonly #pop: Float64Array
  readonly #kinds = new AliasTable(KIND_SHARES)
  readonly #childAge: AliasTable
  readonly #adultAge: AliasTable
  readonly #twinRate: number
  readonly #asOf: number

  constructor(population: AgeRow[], asOf: number, opts: HouseholdOptions = {}) {
    this.#asOf = asOf
    this.#twinRate = opts.twinRate ?? 0.01
    this.#pop = new Float64Array(MAX_AGE + 1)
    for (const r of population) if (r.age <= MAX_AGE) this.#pop[r.age] = r.male + r.female
    // The youngest child still at home: pyramid-shaped under 18, fading out by 30.
    this.#childAge = new AliasTable(Array.from({ length: 31 }, (_, a) => this.#pop[a]! * (a < 18 ? 1 : Math.max(0, 1 - (a - 17) / 13))))
    this.#adultAge = new AliasTable(this.#calibrate())
  }

  /** Ages of single people and couple heads: the pyramid minus what families already supply. */
  #calibrate(): number[] {
    const rng = new Rng(0, 'household-calibration')
    const family = new Float64Array(MAX_AGE + 1)
    const samples = 20000
    let familyPersons = 0
    const familyKinds = [2, 3, 4]
    const familyShare = familyKinds.reduce((s, k) => s + KIND_SHARES[k]!, 0)
    for (let i = 0; i < samples; i++) {
      const kind = familyKinds[new AliasTable(familyKinds.map((k) => KIND_SHARES[k]!)).draw(rng)]!
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
      weights.push(a < 18 ? 0 : Math.max(need, this.#pop[a]! / total * 0.05))
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
    for (const m of members) {
      if (m.twin >= 0 && m.twin < out.length) {
        out.push({ ...m, birth: out[m.twin]!.birth })
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
      out.push({ ...m, birth })
    }
    return { kind, members: out, deliveries, twinDeliveries }
  }

  #sexAt(rng: Rng, age: number): 1 | 2 {
    // Women outlive men: the pyramid's sex ratio at this age.
    return rng.chance(age >= 60 ? 0.45 - (age - 60) * 0.006 : 0.51) ? 1 : 2
  }

  #familyAges(rng: Rng, kind: 'family' | 'single-parent' | 'three-generation' | string): Omit<Member, 'birth'>[] {
    const nChildren = 1 + [0, 1, 2, 3][new AliasTable([45, 42, 11, 2]).draw(rng)]!
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
    return members.map((m) => ({ ...m, age: Math.min(MAX_AGE, m.age) }))
  }
}

function clampAge(a: number, min: number): number {
  return Math.min(MAX_AGE, Math.max(min, a))
}
