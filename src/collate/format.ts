/**
 * One output row of `nayose collate` per query (issue 5 §6). The line format itself is the
 * engine's (src/engine/collate-format.ts `collateLine`), which `collate --server` writes too, so
 * a results file looks the same whichever way it was computed:
 *
 * `qid,grade,resident_id,probability,agreement,candidates,error`
 *
 * - `resident_id`: the best candidate's raw id (the in-process CLI runs with operator rights), or
 *   empty for `none`/`error`.
 * - `probability`: the best candidate's calibrated probability (6 significant digits), or empty.
 * - `agreement`: the best candidate's, `name=variant;kana=exact;birth=near;sex=exact;address=town`.
 * - `candidates`: every returned candidate's resident_id, best first, joined by `|`.
 * - `error`: `CODE: message` when grade is `error`, else empty.
 */
import { COLLATE_HEADER, collateLine } from '../engine/collate-format.js'
import type { EngineResult } from '../engine/types.js'

export const COLLATE_COLUMNS = COLLATE_HEADER

export const HEADER_LINE = COLLATE_COLUMNS.join(',') + '\n'

/** RFC 4180 quoting, only when needed. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One CSV line (with its `\n`) for an engine result. */
export function resultLine(qid: string, r: EngineResult): string {
  return collateLine(qid, r)
}

/** One CSV line for a row that never reached the engine (unreadable bytes or CSV). */
export function errorLine(qid: string, code: string, message: string, snapshot = ''): string {
  return collateLine(qid, { grade: 'error', candidates: [], snapshot, error: { code, message } })
}
