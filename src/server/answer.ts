// Building one `match` frame's answer: exactly one result per query, in order. Shared by the
// in-process path (app.ts, `workers: 0`) and the match workers (match-worker.ts), so both answer
// byte for byte alike. Admission (how many queries are matched, and why the rest are not) is
// decided by the caller on the uWS thread; this file only carries it out.
import type { EngineResult, Query } from '../engine/types.js'
import type { NayoseError } from '../errors.js'
import { DEFAULT_LIMIT, WireCode, checkQuery, errorResult, qidOf, type WireCandidate, type WireResult } from './protocol.js'
import type { Pseudonymizer } from './pseudonym.js'
import { scopePerson, type Scope } from './scope.js'
import type { MatchEngine } from './service.js'

/** What answering needs of a client (the uWS thread's ClientCtx, or a worker's copy of it). */
export interface AnswerClient {
  scope: Scope
  pseudo: Pseudonymizer
}

/** Admission of one frame: queries [0, admitted) are matched; the rest are answered `code`. */
export interface Admission {
  admitted: number
  /** queries [admitted, rateEnd) are answered RATE_LIMITED, [rateEnd, n) `rest` */
  rateEnd: number
  rateMessage: string
  rest: { code: string; message: string }
}

/**
 * Disclosures of a frame, flattened: [resident_id, qid|null, id, …] (three entries per
 * candidate). Cheap to post between threads; the audit log takes it as is (`recordFlat`).
 */
export type FlatDisclosures = (string | number | null)[]

export interface FrameAnswer {
  results: WireResult[]
  disclosures: FlatDisclosures
  /** result count per grade, and per error code */
  grades: Record<string, number>
  codes: Record<string, number>
}

/** Runs the batch; if the engine throws on the batch, retries one by one so only the culprit fails. */
export function matchSafely(engine: MatchEngine, queries: Query[], onError?: (e: unknown) => void): EngineResult[] {
  try {
    const er = engine.matchBatch(queries)
    if (er.length !== queries.length) throw new Error(`engine returned ${er.length} results for ${queries.length} queries`)
    return er
  } catch (e) {
    onError?.(e)
    return queries.map(q => {
      try {
        const one = engine.matchBatch([q])
        if (one.length === 1) return one[0]
      } catch { /* answered below */ }
      const r: EngineResult = { grade: 'error', candidates: [], snapshot: engine.version, error: { code: WireCode.INTERNAL, message: 'internal error while matching' } }
      if (q.qid !== undefined) r.qid = q.qid
      return r
    })
  }
}

/** One frame to answer: its client, its raw queries (as decoded) and its admission. */
export interface FrameInput { cl: AnswerClient; raw: unknown[]; adm: Admission }

/**
 * The results of one frame. Candidates get the client's pseudonym and scoped `person`; the
 * record is read from the snapshot only for candidates that are disclosed (within `limit`).
 */
export function answerFrame(engine: MatchEngine, cl: AnswerClient, raw: unknown[], adm: Admission, onEngineError?: (e: NayoseError | Error) => void): FrameAnswer {
  return answerFrames(engine, [{ cl, raw, adm }], onEngineError)[0]
}

/**
 * Several frames at once (frames that arrived together): one `matchBatch` call for all their
 * valid queries, which costs less per query than one call per frame; each frame still gets its
 * own results, in its own order.
 */
export function answerFrames(engine: MatchEngine, frames: FrameInput[], onEngineError?: (e: NayoseError | Error) => void): FrameAnswer[] {
  const snapshot = engine.version
  const queries: Query[] = [], at: number[] = [], of: number[] = []
  const all = frames.map((f, fi) => {
    const results = new Array<WireResult>(f.raw.length)
    for (let i = 0; i < f.adm.admitted; i++) {
      const q = checkQuery(f.raw[i])
      if ('code' in q) results[i] = errorResult(qidOf(f.raw[i]), snapshot, q.code, q.message)
      else { queries.push(q); at.push(i); of.push(fi) }
    }
    return { results, disclosures: [] as FlatDisclosures, grades: {} as Record<string, number>, codes: {} as Record<string, number> }
  })
  if (queries.length) {
    const er = matchSafely(engine, queries, onEngineError as (e: unknown) => void)
    for (let j = 0; j < er.length; j++) {
      const r = er[j], q = queries[j], a = all[of[j]], cl = frames[of[j]].cl
      const lim = q.limit ?? DEFAULT_LIMIT
      const m = Math.min(lim, r.candidates.length)
      const cands = new Array<WireCandidate>(m)
      for (let k = 0; k < m; k++) {
        const c = r.candidates[k]
        const rec = engine.person(c.residentId)
        const id = cl.pseudo.id(c.residentId)
        cands[k] = { id, score: c.score, probability: c.probability, agreement: c.agreement, person: rec ? scopePerson(rec, cl.scope) : { status: 'removed' } }
        a.disclosures.push(c.residentId, q.qid ?? null, id)
      }
      const w: WireResult = q.qid !== undefined
        ? { qid: q.qid, grade: r.grade, candidates: cands, snapshot: r.snapshot || snapshot }
        : { grade: r.grade, candidates: cands, snapshot: r.snapshot || snapshot }
      if (r.error) w.error = r.error
      a.results[at[j]] = w
    }
  }
  for (let fi = 0; fi < frames.length; fi++) {
    const { raw, adm } = frames[fi], a = all[fi]
    for (let i = adm.admitted; i < raw.length; i++) {
      a.results[i] = i < adm.rateEnd
        ? errorResult(qidOf(raw[i]), snapshot, WireCode.RATE_LIMITED, adm.rateMessage)
        : errorResult(qidOf(raw[i]), snapshot, adm.rest.code, adm.rest.message)
    }
    // count per frame, so the uWS thread does one labelled metric inc per grade/code
    for (const r of a.results) {
      a.grades[r.grade] = (a.grades[r.grade] ?? 0) + 1
      if (r.error) a.codes[r.error.code] = (a.codes[r.error.code] ?? 0) + 1
    }
  }
  return all
}

/** Replaces every result that discloses someone by AUDIT_FAILED (nothing unrecorded is sent). */
export function withoutDisclosures(results: WireResult[]): WireResult[] {
  return results.map(r => r.candidates.length ? errorResult(r.qid, r.snapshot, WireCode.AUDIT_FAILED, 'the disclosure could not be recorded') : r)
}
