/**
 * One collation output row per query (`nayose collate`): the header starts
 * `qid,grade,resident_id,probability,agreement,candidates`, then `error` (CODE: message).
 */
import type { EngineResult } from './types.js'

export const COLLATE_HEADER = ['qid', 'grade', 'resident_id', 'probability', 'agreement', 'candidates', 'error'] as const

function quote(s: string): string {
  // a plain loop: a regex test per field cost more than the rest of the field's formatting
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 34 || c === 44 || c === 10 || c === 13) return `"${s.replace(/"/g, '""')}"`
  }
  return s
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

// The engine shares one frozen agreement object per level code (grade.ts agreementOfCode): its
// text is built once. Agreements that are not frozen (decoded from a server reply) are not cached.
const agreementTexts = new WeakMap<object, string>()

/** `name=variant;kana=exact;birth=near;sex=exact;address=town` */
export function agreementText(r: EngineResult): string {
  const a = r.candidates[0]?.agreement
  if (!a) return ''
  let t = agreementTexts.get(a)
  if (t === undefined) {
    t = `name=${a.name};kana=${a.kana};birth=${a.birth};sex=${a.sex};address=${a.address}`
    if (Object.isFrozen(a)) agreementTexts.set(a, t)
  }
  return t
}

/** The CSV line (with its \n) of one result; `qid` is the input's (or its line number). */
export function collateLine(qid: string, r: EngineResult): string {
  const cs = r.candidates
  const top = cs[0]
  // string concatenation, not an array join: this runs once per output row
  let line = quote(qid) + ',' + r.grade + ','
  if (top) {
    line += top.residentId + ',' + probabilityText(top.probability) + ',' + agreementText(r) + ',' + top.residentId
    for (let i = 1; i < cs.length; i++) line += '|' + cs[i]!.residentId
  } else {
    line += ',,,'
  }
  return line + ',' + (r.error ? quote(`${r.error.code}: ${r.error.message}`) : '') + '\n'
}
