/**
 * SPEC §3 grades from the core's numbers: level codes → agreement words, weights → calibrated
 * probabilities, and the grade rules (docs/matching.md "Grades").
 */
import type { Agreement, AddressAgreement, BirthAgreement, Grade, NameAgreement, SexAgreement } from './types.js'
import type { GradeParams } from './params.js'
import { NAME_LEVELS, ID_LEVELS } from './params.js'

export const NAME_REPORTED: readonly NameAgreement[] = ['exact', 'variant', 'kana', 'variant', 'fuzzy', 'fuzzy', 'fuzzy', 'differ', 'missing']
/** The direct reading comparison (Agreement.kana): equal readings are `exact` there. */
const KANA_REPORTED: readonly NameAgreement[] = ['exact', 'variant', 'exact', 'variant', 'fuzzy', 'fuzzy', 'fuzzy', 'differ', 'missing']
const BIRTH: readonly BirthAgreement[] = ['exact', 'near', 'differ', 'missing']
const SEX: readonly SexAgreement[] = ['exact', 'differ', 'missing']
const ADDRESS: readonly AddressAgreement[] = ['exact', 'block', 'town', 'city', 'prefecture', 'differ', 'missing']

/** Decoded level code of one candidate. */
export interface Levels {
  name: number
  kana: number
  birth: number
  sex: number
  address: number
  id: number
}

export function decodeLevels(code: number): Levels {
  return { name: code & 15, kana: (code >> 4) & 15, birth: (code >> 8) & 3, sex: (code >> 10) & 3, address: (code >> 12) & 7, id: (code >> 16) & 3 }
}

export function agreementOf(l: Levels): Agreement {
  return { name: NAME_REPORTED[l.name]!, kana: KANA_REPORTED[l.kana]!, birth: BIRTH[l.birth]!, sex: SEX[l.sex]!, address: ADDRESS[l.address]! }
}

// Level codes take a few hundred values: their decoded levels and agreements are made once and
// shared (frozen: results from many queries point to the same object).
const levelsCache = new Map<number, Readonly<Levels>>()
const agreementCache = new Map<number, Readonly<Agreement>>()

/** decodeLevels, shared and frozen. */
export function levelsOf(code: number): Readonly<Levels> {
  let l = levelsCache.get(code)
  if (!l) { l = Object.freeze(decodeLevels(code)); levelsCache.set(code, l) }
  return l
}

/** The SPEC §3 agreement of a level code, shared and frozen (never mutate a result's agreement). */
export function agreementOfCode(code: number): Agreement {
  const key = code & 0xFFFF      // the id level (bits 16..17) is not part of the agreement
  let a = agreementCache.get(key)
  if (!a) { a = Object.freeze(agreementOf(decodeLevels(key))); agreementCache.set(key, a) }
  return a as Agreement
}

/** Internal sub-level words (for explanations). */
export function nameSubLevel(l: Levels): string { return NAME_LEVELS[l.name]! }
export function idLevel(l: Levels): string { return ID_LEVELS[l.id]! }

// query presence bits (QUERY_FIELDS order)
export const Q_NAME = 1, Q_KANA = 2, Q_DATE = 4, Q_SEX = 8, Q_ADDRESS = 16, Q_MY_NUMBER = 32, Q_RESIDENT_ID = 64

/** A name level that may confirm: exact, variant, kana, or a registered 旧氏/通称 (alt). */
const NAME_GATE_MAX = 3

/**
 * The 基本4情報 gate (SPEC §3 (a)): all four given and agreeing, or an identifier matching with
 * name and birth date agreeing.
 */
export function passesGate(present: number, l: Levels): boolean {
  const nameOk = l.name <= NAME_GATE_MAX && (present & (Q_NAME | Q_KANA)) !== 0
  const birthOk = l.birth === 0 && (present & Q_DATE) !== 0
  if (!nameOk || !birthOk) return false
  if (l.id === 0 && (present & (Q_MY_NUMBER | Q_RESIDENT_ID)) !== 0) return true
  return (present & Q_SEX) !== 0 && (present & Q_ADDRESS) !== 0 && l.sex === 0 && l.address === 0
}

/**
 * Grades candidates sorted best first, given their weights (log2) and probabilities and the best
 * one's levels. `flags` bit 0 (a block was truncated) forbids `confirmed` and `none`: someone
 * unexamined could fit better. Returns the grade and how many candidates (best first) to show.
 */
export function grade(n: number, score: ArrayLike<number>, probability: ArrayLike<number>, topLevels: Levels | undefined,
  present: number, flags: number, g: GradeParams): { grade: Grade; shown: number } {
  const truncated = (flags & 1) !== 0
  if (!n) return { grade: 'none', shown: 0 }
  const top = score[0]!
  let tied = 1
  while (tied < n && score[tied]! >= top - g.tieBits) tied++
  if (tied >= 2) {
    let p = 0
    for (let i = 0; i < tied; i++) p += probability[i]!
    if (p >= g.probable || truncated) return { grade: 'ambiguous', shown: n }
    return { grade: 'none', shown: 0 }
  }
  const margin = n > 1 ? top - score[1]! : Infinity
  if (!truncated && topLevels && passesGate(present, topLevels) && probability[0]! >= g.confirmed && margin >= g.marginBits) {
    return { grade: 'confirmed', shown: n }
  }
  if (probability[0]! >= g.probable || truncated) return { grade: 'probable', shown: n }
  return { grade: 'none', shown: 0 }
}
