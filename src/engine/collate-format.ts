/**
 * One collation output row per query (`nayose collate`): the header starts
 * `qid,grade,resident_id,probability,agreement,candidates`, then `error` (CODE: message).
 */
import type { EngineResult } from './types.js'

export const COLLATE_HEADER = ['qid', 'grade', 'resident_id', 'probability', 'agreement', 'candidates', 'error'] as const

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** `name=variant;kana=exact;birth=near;sex=exact;address=town` */
export function agreementText(r: EngineResult): string {
  const a = r.candidates[0]?.agreement
  if (!a) return ''
  return `name=${a.name};kana=${a.kana};birth=${a.birth};sex=${a.sex};address=${a.address}`
}

/** The CSV line (with its \n) of one result; `qid` is the input's (or its line number). */
export function collateLine(qid: string, r: EngineResult): string {
  const top = r.candidates[0]
  const fields = [
    quote(qid), r.grade, top?.residentId ?? '', top ? top.probability.toPrecision(6) : '', agreementText(r),
    r.candidates.map((c) => c.residentId).join('|'), r.error ? quote(`${r.error.code}: ${r.error.message}`) : '',
  ]
  return fields.join(',') + '\n'
}
