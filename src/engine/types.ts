// Shapes of SPEC §2 (query) and §3 (result). The wire protocol uses exactly these field names.

/** SPEC §2: any subset of the fields; `qid` is echoed back. */
export interface Query {
  qid?: string | number
  name?: string
  name_kana?: string
  birth_date?: string
  sex?: string | number
  address?: string
  my_number?: string
  resident_id?: string
  /** Candidates returned, default 3. */
  limit?: number
}

export type Grade = 'confirmed' | 'probable' | 'ambiguous' | 'none' | 'error'
export type NameAgreement = 'exact' | 'variant' | 'kana' | 'fuzzy' | 'differ' | 'missing'
export type BirthAgreement = 'exact' | 'near' | 'differ' | 'missing'
export type SexAgreement = 'exact' | 'differ' | 'missing'
export type AddressAgreement = 'exact' | 'block' | 'town' | 'city' | 'prefecture' | 'differ' | 'missing'

/**
 * Per-field agreement of a candidate (SPEC §3). `name` is the overall name agreement in either
 * script; `kana` compares the query's `name_kana` with the registered reading directly.
 */
export interface Agreement {
  name: NameAgreement
  kana: NameAgreement
  birth: BirthAgreement
  sex: SexAgreement
  address: AddressAgreement
}

/** A candidate as the engine computes it; the server turns `residentId` into a per-client `id`. */
export interface EngineCandidate {
  residentId: string
  /** log2 likelihood ratio */
  score: number
  /** calibrated probability that this candidate is the person */
  probability: number
  agreement: Agreement
  /** per-field match weights (log2), for explanations */
  weights?: Partial<Record<keyof Agreement | 'id' | 'tf', number>>
}

export interface EngineResult {
  qid?: string | number
  grade: Grade
  candidates: EngineCandidate[]
  /** snapshot version the answer was computed on */
  snapshot: string
  error?: { code: string; message: string }
}

export type ResidentStatus = 'resident' | 'moved_out' | 'deceased' | 'removed'

/** SPEC §1 record, as validated by the store (empty optional columns are omitted). */
export interface ResidentRecord {
  resident_id: string
  my_number?: string
  name: string
  name_kana?: string
  former_surname?: string
  former_surname_kana?: string
  alias?: string
  alias_kana?: string
  name_roman?: string
  birth_date: string
  sex: '1' | '2'
  address: string
  household_id?: string
  status: ResidentStatus
  status_date?: string
}
