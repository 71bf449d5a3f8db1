/**
 * One output row of `nayose collate` per query (issue 5 §6). The same columns as the server
 * client (src/server/client-collate.ts COLLATE_COLUMNS), so a results file looks the same
 * whether it was computed in-process or through a server:
 *
 * `qid,grade,resident_id,probability,agreement,candidates,error,snapshot`
 *
 * - `resident_id`: the best candidate's raw id (the in-process CLI runs with operator rights), or
 *   empty for `none`/`error`.
 * - `probability`: the best candidate's calibrated probability with 6 decimals, or empty.
 * - `agreement`: the best candidate's agreement, `name=variant;kana=exact;birth=near;sex=exact;address=town`.
 * - `candidates`: every returned candidate's resident_id, best first, joined by `|`.
 * - `error`: `CODE: message` when grade is `error`, else empty.
 * - `snapshot`: the snapshot version the answer was computed on (empty for rows that never
 *   reached the engine: unreadable CSV or bytes).
 *
 * Hot path: hand-written quoting (fields are quoted only when they hold `,` `"` CR or LF).
 */
import type { EngineResult } from '../engine/types.js'

export const COLLATE_COLUMNS = ['qid', 'grade', 'resident_id', 'probability', 'agreement', 'candidates', 'error', 'snapshot'] as const

export const HEADER_LINE = COLLATE_COLUMNS.join(',') + '\n'

/** Decimals of the `probability` column. */
export const PROBABILITY_DECIMALS = 6

const NEEDS_QUOTES = /[",\r\n]/

/** RFC 4180 quoting, only when needed. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The `agreement` column for one candidate's agreement object. */
export function agreementText(a: EngineResult['candidates'][number]['agreement']): string {
  return `name=${a.name};kana=${a.kana};birth=${a.birth};sex=${a.sex};address=${a.address}`
}

/** One CSV line (with its `\n`) for an engine result. */
export function resultLine(qid: string, r: EngineResult): string {
  const c = r.candidates
  const best = c[0]
  let ids = ''
  for (let i = 0; i < c.length; i++) ids += (i ? '|' : '') + c[i]!.residentId
  const err = r.error ? csvField(`${r.error.code}: ${r.error.message}`) : ''
  return `${csvField(qid)},${r.grade},${best ? best.residentId : ''},${best ? best.probability.toFixed(PROBABILITY_DECIMALS) : ''},${best ? agreementText(best.agreement) : ''},${ids},${err},${csvField(r.snapshot)}\n`
}

/** One CSV line for a row that never reached the engine (unreadable bytes or CSV). */
export function errorLine(qid: string, code: string, message: string, snapshot = ''): string {
  return `${csvField(qid)},error,,,,,${csvField(`${code}: ${message}`)},${csvField(snapshot)}\n`
}
