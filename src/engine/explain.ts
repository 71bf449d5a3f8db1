/**
 * Explanations in words, Splink-waterfall style: each field's agreement, what it means, and the
 * weight (bits of evidence) it added; then the total and the calibrated probability.
 */
import type { EngineCandidate, EngineResult, Grade } from './types.js'

const NAME_WORDS: Record<string, string> = {
  exact: 'written the same', variant: 'the same after kanji-variant folding (or a registered 旧氏/通称)',
  kana: 'the same reading', fuzzy: 'close (an edit, a confusable kana, one part only, or the reading only)',
  differ: 'different', missing: 'not compared (absent on one side)',
}
const BIRTH_WORDS: Record<string, string> = {
  exact: 'the same day', near: 'one digit off, or day and month swapped', differ: 'different', missing: 'not compared',
}
const SEX_WORDS: Record<string, string> = { exact: 'the same', differ: 'different', missing: 'not compared' }
const ADDRESS_WORDS: Record<string, string> = {
  exact: 'the same place (to the 号)', block: 'same 町字 and 丁目, other 番地/号', town: 'same 町字', city: 'same 市区町村',
  prefecture: 'same 都道府県 only', differ: 'different', missing: 'not compared',
}
const GRADE_WORDS: Record<Grade, string> = {
  confirmed: 'one person; the 基本4情報 (or an identifier) agree and the evidence is conclusive',
  probable: 'one likely person; a human should check',
  ambiguous: 'several people fit about equally',
  none: 'nobody fits',
  error: 'the query could not be read',
}

const bits = (w: number | undefined) => (w === undefined ? '' : `${w >= 0 ? '+' : ''}${w.toFixed(1)} bits`)
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length))

/** Lines explaining one candidate. */
export function explainCandidate(c: EngineCandidate, rank: number): string[] {
  const a = c.agreement, w = c.weights ?? {}
  const rows: [string, string, string, number | undefined][] = [
    ['name', a.name, NAME_WORDS[a.name]!, w.name],
    ['birth', a.birth, BIRTH_WORDS[a.birth]!, w.birth],
    ['sex', a.sex, SEX_WORDS[a.sex]!, w.sex],
    ['address', a.address, ADDRESS_WORDS[a.address]!, w.address],
  ]
  if (w.id) rows.push(['id', w.id > 0 ? 'agree' : 'differ', w.id > 0 ? 'my_number / resident_id match' : 'my_number / resident_id differ', w.id])
  const out = [`${rank}. resident ${c.residentId}   probability ${fmtP(c.probability)}   total ${bits(c.score)}`]
  for (const [field, level, words, weight] of rows) out.push(`     ${pad(field, 8)} ${pad(level, 11)} ${pad(bits(weight), 12)} ${words}`)
  out.push(`     (reading compared directly with the registered 振り仮名: ${a.kana})`)
  return out
}

export function fmtP(p: number): string {
  if (p >= 0.999999) return '>0.999999'
  return p.toFixed(p >= 0.99 ? 6 : 4)
}

/** The whole answer in words. */
export function explainResult(r: EngineResult, examined?: number): string {
  const out = [`grade: ${r.grade} — ${GRADE_WORDS[r.grade]}`]
  if (r.error) out.push(`error: ${r.error.code}: ${r.error.message}`)
  out.push(`snapshot: ${r.snapshot}${examined !== undefined ? `   candidates examined: ${examined}` : ''}`)
  r.candidates.forEach((c, i) => out.push(...explainCandidate(c, i + 1)))
  if (!r.candidates.length && r.grade !== 'error') out.push('no candidate shown')
  return out.join('\n')
}
