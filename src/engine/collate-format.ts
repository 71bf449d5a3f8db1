/**
 * One collation output row per query (`nayose collate`): the header starts
 * `qid,grade,resident_id,probability,agreement,candidates`, then `error` (CODE: message).
 */
import type { EngineResult } from './types.js'

export const COLLATE_HEADER = ['qid', 'grade', 'resident_id', 'probability', 'agreement', 'candidates', 'error'] as const

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * 6 significant digits in plain decimal notation: `0.481235`, `0.00000000123457` (never an
 * exponent, which some spreadsheet and database loaders misread); below 1e-94 prints `0`.
 */
export function probabilityText(p: number): string {
  const s = p.toPrecision(6)
  if (!s.includes('e')) return s
  if (p < 1e-94) return '0'
  return p.toFixed(5 - Math.floor(Math.log10(p)))
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
    quote(qid), r.grade, top?.residentId ?? '', top ? probabilityText(top.probability) : '', agreementText(r),
    r.candidates.map((c) => c.residentId).join('|'), r.error ? quote(`${r.error.code}: ${r.error.message}`) : '',
  ]
  return fields.join(',') + '\n'
}
