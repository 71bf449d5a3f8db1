/**
 * Scoring parameters of the Fellegi–Sunter model and the grade thresholds.
 *
 * m probabilities (chance of each comparison level when the candidate IS the person) are stated
 * from expected error rates of upstream systems (docs/matching.md "Scoring"); u probabilities
 * (chance of each level between two different people) are measured on the snapshot at load:
 * birth-date, address and sex collision rates, and the name's own frequency (term-frequency
 * adjustment). Nothing here is ever fitted to a truth file.
 */

import { readFileSync } from 'node:fs'
import { NayoseError } from '../errors.js'

/** Name sub-levels, in the order of assembly/query/match.ts N_*. */
export const NAME_LEVELS = ['exact', 'variant', 'kana', 'alt', 'fuzzy', 'reading', 'partial', 'differ', 'missing'] as const
export const BIRTH_LEVELS = ['exact', 'near', 'differ', 'missing'] as const
export const SEX_LEVELS = ['exact', 'differ', 'missing'] as const
export const ADDRESS_LEVELS = ['exact', 'block', 'town', 'city', 'prefecture', 'differ', 'missing'] as const
export const ID_LEVELS = ['agree', 'differ', 'missing'] as const

export interface MatchParams {
  /** m per name sub-level (missing is ignored: weight 0). */
  mName: Record<(typeof NAME_LEVELS)[number], number>
  /** u for the name levels without a term-frequency adjustment. */
  uName: { fuzzy: number; reading: number; partial: number; differ: number }
  mBirth: { exact: number; near: number; differ: number }
  mSex: { exact: number; differ: number }
  mAddress: { exact: number; block: number; town: number; city: number; prefecture: number; differ: number }
  mId: { agree: number; differ: number }
  /**
   * Shrinkage of measured u toward reference values: the snapshot counts as this many extra rows
   * drawn from a reference population (so a tiny snapshot does not claim that every second person
   * shares a birth date, and a name absent from the snapshot is not infinitely rare).
   */
  pseudoRows: number
  /** Reference u (a municipality of ~1 M people): used through pseudoRows. */
  uRef: { name: number; birthExact: number; birthNear: number; sexExact: number; prefecture: number; city: number; town: number; chome: number; address: number }
  /** Prior probability that the person a query describes is in the snapshot at all. */
  presentPrior: number
  /** Blocks longer than this are scanned through a cheap filter (docs/matching.md "Caps"). */
  blockCap: number
  /** Candidates scored per query at most. */
  maxCandidates: number
  /** Grade thresholds. */
  grade: GradeParams
}

export interface GradeParams {
  /** `confirmed` needs at least this calibrated probability… */
  confirmed: number
  /** …and at least this many bits (log2 likelihood ratio) over the next candidate. */
  marginBits: number
  /** Candidates within this many bits of the best are tied (→ `ambiguous` when more than one). */
  tieBits: number
  /** `probable` (or `ambiguous` for a tied group) needs at least this probability. */
  probable: number
}

export const DEFAULT_PARAMS: MatchParams = {
  mName: { exact: 0.8, variant: 0.06, kana: 0.06, alt: 0.02, fuzzy: 0.03, reading: 0.01, partial: 0.01, differ: 0.01, missing: 1 },
  uName: { fuzzy: 1e-4, reading: 2e-4, partial: 0.01, differ: 0.99 },
  mBirth: { exact: 0.95, near: 0.04, differ: 0.01 },
  mSex: { exact: 0.995, differ: 0.005 },
  mAddress: { exact: 0.8, block: 0.03, town: 0.03, city: 0.04, prefecture: 0.03, differ: 0.07 },
  mId: { agree: 0.999, differ: 0.001 },
  pseudoRows: 10_000,
  uRef: { name: 1e-5, birthExact: 3.3e-5, birthNear: 1e-3, sexExact: 0.5, prefecture: 0.1, city: 0.01, town: 2e-4, chome: 2e-5, address: 2e-6 },
  presentPrior: 0.9,
  blockCap: 2000,
  maxCandidates: 20000,
  grade: { confirmed: 0.999, marginBits: 10, tieBits: 3, probable: 0.5 },
}

/** u probabilities measured on a snapshot at load. */
export interface SnapshotStats {
  rows: number
  birthExact: number
  birthNear: number
  sexExact: number
  prefecture: number
  city: number
  town: number
  chome: number
  address: number
}

/** Parameter offsets of assembly/query/match.ts (P_*). */
const P_NAME = 0, P_BIRTH = 16, P_SEX = 20, P_ADDR = 24, P_ID = 32, P_LOG2N = 40, P_TF_MIN = 41, P_CAP = 42, P_MAX_CANDS = 43

const lg = (x: number) => Math.log2(Math.max(x, 1e-300))
const clampU = (u: number, floor: number) => Math.min(Math.max(u, floor), 1)

/**
 * The weights (log2 m/u) per level, and for the term-frequency levels log2 m (the engine
 * subtracts log2 of the name's frequency). Written into the core's params array.
 */
export function weightTable(p: MatchParams, measured: SnapshotStats): Float64Array {
  const w = new Float64Array(64)
  const n = Math.max(measured.rows, 1)
  const s = shrink(measured, p)
  const floor = 1e-12
  // term-frequency levels: log2 m only
  w[P_NAME + 0] = lg(p.mName.exact)
  w[P_NAME + 1] = lg(p.mName.variant)
  w[P_NAME + 2] = lg(p.mName.kana)
  w[P_NAME + 3] = lg(p.mName.alt)
  w[P_NAME + 4] = lg(p.mName.fuzzy / p.uName.fuzzy)
  w[P_NAME + 5] = lg(p.mName.reading / p.uName.reading)
  w[P_NAME + 6] = lg(p.mName.partial / p.uName.partial)
  w[P_NAME + 7] = lg(p.mName.differ / p.uName.differ)
  w[P_NAME + 8] = 0
  const uBirth = clampU(s.birthExact, floor), uNear = clampU(s.birthNear, floor)
  w[P_BIRTH + 0] = lg(p.mBirth.exact / uBirth)
  w[P_BIRTH + 1] = lg(p.mBirth.near / uNear)
  w[P_BIRTH + 2] = lg(p.mBirth.differ / Math.max(1 - uBirth - uNear, 1e-9))
  w[P_BIRTH + 3] = 0
  const uSex = clampU(s.sexExact, 0.01)
  w[P_SEX + 0] = lg(p.mSex.exact / uSex)
  w[P_SEX + 1] = lg(p.mSex.differ / Math.max(1 - uSex, 0.01))
  w[P_SEX + 2] = 0
  // Address levels are nested: u of a level is the chance of agreeing at it but not finer.
  const uExact = clampU(s.address, floor)
  const uBlock = clampU(s.chome - s.address, floor)
  const uTown = clampU(s.town - s.chome, floor)
  const uCity = clampU(s.city - s.town, floor)
  const uPref = clampU(s.prefecture - s.city, floor)
  const uDiffer = Math.max(1 - s.prefecture, 1e-6)
  w[P_ADDR + 0] = lg(p.mAddress.exact / uExact)
  w[P_ADDR + 1] = lg(p.mAddress.block / uBlock)
  w[P_ADDR + 2] = lg(p.mAddress.town / uTown)
  w[P_ADDR + 3] = lg(p.mAddress.city / uCity)
  w[P_ADDR + 4] = lg(p.mAddress.prefecture / uPref)
  w[P_ADDR + 5] = lg(p.mAddress.differ / uDiffer)
  w[P_ADDR + 6] = 0
  w[P_ID + 0] = lg(p.mId.agree * (n + p.pseudoRows))
  w[P_ID + 1] = lg(p.mId.differ)
  w[P_ID + 2] = 0
  // name term frequency: u = (count + pseudoRows·uRef.name) / (rows + pseudoRows)
  w[P_LOG2N] = lg(n + p.pseudoRows)
  w[P_TF_MIN] = Math.max(p.pseudoRows * p.uRef.name, 1e-3)
  w[P_CAP] = p.blockCap
  w[P_MAX_CANDS] = p.maxCandidates
  return w
}

/** Measured pair rates shrunk toward the reference: (n(n-1)·measured + k²·ref) / (n(n-1) + k²). */
export function shrink(m: SnapshotStats, p: MatchParams): SnapshotStats {
  const pairs = m.rows * Math.max(m.rows - 1, 0), k2 = p.pseudoRows * p.pseudoRows
  const mix = (x: number, ref: number) => (pairs * x + k2 * ref) / (pairs + k2)
  const r = p.uRef
  return {
    rows: m.rows, birthExact: mix(m.birthExact, r.birthExact), birthNear: mix(m.birthNear, r.birthNear), sexExact: mix(m.sexExact, r.sexExact),
    prefecture: mix(m.prefecture, r.prefecture), city: mix(m.city, r.city), town: mix(m.town, r.town), chome: mix(m.chome, r.chome), address: mix(m.address, r.address),
  }
}

/** Reads parameter overrides from a JSON file (e.g. `{"grade": {"confirmed": 0.9999}}`). */
export function readParams(path: string): DeepPartial<MatchParams> {
  let v: unknown
  try {
    v = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new NayoseError('BAD_PARAMS', `cannot read parameters from ${path}`, { cause })
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new NayoseError('BAD_PARAMS', `${path} must hold a JSON object`)
  for (const k of Object.keys(v)) if (!(k in DEFAULT_PARAMS)) throw new NayoseError('BAD_PARAMS', `unknown parameter ${JSON.stringify(k)}`)
  return v as DeepPartial<MatchParams>
}

/** Merges partial overrides into the defaults. */
export function resolveParams(over?: DeepPartial<MatchParams>): MatchParams {
  const out = structuredClone(DEFAULT_PARAMS) as unknown as Record<string, unknown>
  if (!over) return out as unknown as MatchParams
  for (const [k, v] of Object.entries(over)) {
    if (v && typeof v === 'object') Object.assign(out[k] as object, v)
    else if (v !== undefined) out[k] = v
  }
  return out as unknown as MatchParams
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] }
