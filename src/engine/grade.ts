/**
 * SPEC §3 grades from the core's numbers: level codes → agreement words, weights → calibrated
 * probabilities, and the grade rules (docs/matching.md "Grades").
 */
import type { Agreement, AddressAgreement, BirthAgreement, EngineCandidate, Grade, NameAgreement, SexAgreement } from './types.js'
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

/** Internal sub-level words (for explanations). */
export function nameSubLevel(l: Levels): string { return NAME_LEVELS[l.name]! }
export function idLevel(l: Levels): string { return ID_LEVELS[l.id]! }

// query presence bits (QUERY_FIELDS order)
export const Q_NAME = 1, Q_KANA = 2, Q_DATE = 4, Q_SEX = 8, Q_ADDRESS = 16, Q_MY_NUMBER = 32, Q_RESIDENT_ID = 64

/** A name level that may confirm: exact, variant, kana, or a registered 旧氏/通称 (alt). */
const NAME_GATE = new Set([0, 1, 2, 3])

/**
 * The 基本4情報 gate (SPEC §3 (a)): all four given and agreeing, or an identifier matching with
 * name and birth date agreeing.
 */
export function passesGate(present: number, l: Levels): boolean {
  const nameOk = NAME_GATE.has(l.name) && (present & (Q_NAME | Q_KANA)) !== 0
  const birthOk = l.birth === 0 && (present & Q_DATE) !== 0
  if (!nameOk || !birthOk) return false
  if (l.id === 0 && (present & (Q_MY_NUMBER | Q_RESIDENT_ID)) !== 0) return true
  return (present & Q_SEX) !== 0 && (present & Q_ADDRESS) !== 0 && l.sex === 0 && l.address === 0
}

export interface Scored extends EngineCandidate { levels: Levels }

/**
 * Grades candidates sorted best first. `flags` bit 0 (a block was truncated) forbids
 * `confirmed` and `none`: someone unexamined could fit better.
 * Returns the grade and the candidates to show, best first (for `ambiguous`, the tied group first).
 */
export function grade(cands: Scored[], present: number, flags: number, g: GradeParams): { grade: Grade; shown: Scored[] } {
  const truncated = (flags & 1) !== 0
  if (!cands.length) return { grade: 'none', shown: [] }
  const top = cands[0]!
  let tied = 1
  while (tied < cands.length && cands[tied]!.score >= top.score - g.tieBits) tied++
  if (tied >= 2) {
    let p = 0
    for (let i = 0; i < tied; i++) p += cands[i]!.probability
    if (p >= g.probable || truncated) return { grade: 'ambiguous', shown: cands }
    return { grade: 'none', shown: [] }
  }
  const margin = cands.length > 1 ? top.score - cands[1]!.score : Infinity
  if (!truncated && passesGate(present, top.levels) && top.probability >= g.confirmed && margin >= g.marginBits) {
    return { grade: 'confirmed', shown: cands }
  }
  if (top.probability >= g.probable || truncated) return { grade: 'probable', shown: cands }
  return { grade: 'none', shown: [] }
}
