/**
 * Evaluation of the engine against a labelled query set (`nayose eval`). The truth file is read
 * only here, after matching: nothing in the engine ever sees it.
 */
import { openCsv } from '../io/csv.js'
import { NayoseError } from '../errors.js'
import type { Engine } from './engine.js'
import type { EngineResult, Grade, Query } from './types.js'

export const GRADES: readonly Grade[] = ['confirmed', 'probable', 'ambiguous', 'none', 'error']
/** Corruptions that change only the notation of a field (the four fields stay "correct"). */
export const NOTATION_ONLY = new Set([
  'kanji-only', 'kana-only', 'hiragana', 'halfwidth', 'small-kana', 'long-vowel', 'variant-kanji', 'spacing',
  'date-format', 'sex-format', 'address-notation', 'my-number', 'resident-id',
])
const QUERY_COLUMNS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id'] as const

export interface Truth { residentId: string; category: string; corruptions: string[] }

export interface LabelledQuery { query: Query; truth: Truth | undefined }

/** Reads a queries CSV (header names qid and any SPEC §2 fields); a missing qid means line numbers. */
export async function readQueries(path: string, encoding: 'utf8' | 'cp932' = 'utf8'): Promise<{ qid: string; query: Query; line: number; error?: string }[]> {
  const csv = await openCsv(path, { encoding })
  const hasQid = csv.header.includes('qid')
  const out: { qid: string; query: Query; line: number; error?: string }[] = []
  for await (const row of csv.rows) {
    const qid = hasQid ? row.fields.qid ?? '' : String(row.line - 1)
    const q: Query = { qid }
    for (const c of QUERY_COLUMNS) {
      const v = row.fields[c]
      if (v) (q as Record<string, string>)[c] = v
    }
    out.push(row.error ? { qid, query: q, line: row.line, error: `${row.error.code}: ${row.error.message}` } : { qid, query: q, line: row.line })
  }
  return out
}

export async function readTruth(path: string): Promise<Map<string, Truth>> {
  const csv = await openCsv(path, { required: ['qid', 'resident_id'] })
  const m = new Map<string, Truth>()
  for await (const row of csv.rows) {
    if (row.error) throw new NayoseError('BAD_TRUTH', `truth file line ${row.line}: ${row.error.message}`)
    const f = row.fields
    m.set(f.qid!, {
      residentId: f.resident_id ?? '',
      category: f.category || (f.resident_id ? 'present' : 'absent'),
      corruptions: (f.corruptions ?? '').split(';').filter(Boolean).map((c) => c.split(':')[0]!),
    })
  }
  return m
}

export interface GradeRow { grade: Grade; count: number; correct: number; precision: number }
export interface CategoryRow { category: string; count: number; byGrade: Record<Grade, number>; correct: Record<Grade, number> }

export interface EvalReport {
  queries: number
  present: number
  absent: number
  grades: GradeRow[]
  mislinks: number
  mislinksAbsent: number
  lookalikesConfirmed: number
  confirmedPrecision: number
  /** confirmed and right / present queries with all four fields given and correct up to notation */
  confirmedRecallClean: { hit: number; of: number; rate: number }
  /** (confirmed or probable and right, or ambiguous listing the truth) / present */
  foundRecall: { hit: number; of: number; rate: number }
  /** confirmed or probable and right / present, ambiguous counted only for twin and 同姓同名 categories */
  foundRecallExceptTies: { hit: number; of: number; rate: number }
  ambiguousWithTruth: number
  ambiguousTotal: number
  categories: CategoryRow[]
  corruptions: { corruption: string; count: number; found: number; confirmed: number }[]
  candidatesMean: number
  candidatesP99: number
  seconds: number
  qps: number
}

const present = (t: Truth | undefined) => !!t && !!t.residentId

/** Matches every query in batches and scores the answers against the truth. */
export function evaluate(engine: Engine, queries: { qid: string; query: Query }[], truth: Map<string, Truth>, batch = 1024): { report: EvalReport; results: EngineResult[] } {
  const results: EngineResult[] = new Array(queries.length)
  const examined: number[] = new Array(queries.length)
  const t0 = performance.now()
  for (let i = 0; i < queries.length; i += batch) {
    const chunk = queries.slice(i, i + batch).map((q) => q.query)
    const d = engine.matchDetailed(chunk)
    for (let k = 0; k < d.length; k++) { results[i + k] = d[k]!.result; examined[i + k] = d[k]!.examined }
  }
  const seconds = (performance.now() - t0) / 1000
  const grades = new Map<Grade, { count: number; correct: number }>(GRADES.map((g) => [g, { count: 0, correct: 0 }]))
  const cats = new Map<string, CategoryRow>()
  const corr = new Map<string, { corruption: string; count: number; found: number; confirmed: number }>()
  let mislinks = 0, mislinksAbsent = 0, lookalikes = 0, nPresent = 0, nAbsent = 0
  let cleanOf = 0, cleanHit = 0, foundHit = 0, foundTiesHit = 0, ambTruth = 0, ambTotal = 0
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i]!, r = results[i]!, t = truth.get(q.qid)
    const isPresent = present(t)
    if (isPresent) nPresent++; else nAbsent++
    const top = r.candidates[0]?.residentId
    const listed = r.candidates.some((c) => c.residentId === t?.residentId)
    // "correct": confirmed/probable → top is the truth; ambiguous → truth listed; none → absent; error → absent
    let ok = false
    switch (r.grade) {
      case 'confirmed': case 'probable': ok = isPresent && top === t!.residentId; break
      case 'ambiguous': ok = isPresent && listed; break
      case 'none': case 'error': ok = !isPresent; break
    }
    const g = grades.get(r.grade)!
    g.count++; if (ok) g.correct++
    if (r.grade === 'confirmed' && !ok) { mislinks++; if (!isPresent) mislinksAbsent++; if (t?.category === 'look-alike') lookalikes++ }
    if (r.grade === 'ambiguous') { ambTotal++; if (ok) ambTruth++ }
    const cat = t?.category ?? 'unlabelled'
    let c = cats.get(cat)
    if (!c) { c = { category: cat, count: 0, byGrade: zeroGrades(), correct: zeroGrades() }; cats.set(cat, c) }
    c.count++; c.byGrade[r.grade]++; if (ok) c.correct[r.grade]++
    if (isPresent) {
      const found = (r.grade === 'confirmed' || r.grade === 'probable') && ok
      if (found || (r.grade === 'ambiguous' && ok)) foundHit++
      if (found || (r.grade === 'ambiguous' && ok && (t!.category === 'twin' || t!.category === 'same-name-same-birth'))) foundTiesHit++
      const q4 = (q.query.name || q.query.name_kana) && q.query.birth_date && q.query.sex && q.query.address
      if (q4 && t!.corruptions.every((x) => NOTATION_ONLY.has(x)) && t!.category === 'present') {
        cleanOf++
        if (r.grade === 'confirmed' && ok) cleanHit++
      }
      for (const x of t!.corruptions.length ? t!.corruptions : ['(none)']) {
        let e = corr.get(x)
        if (!e) { e = { corruption: x, count: 0, found: 0, confirmed: 0 }; corr.set(x, e) }
        e.count++
        if (found || (r.grade === 'ambiguous' && ok)) e.found++
        if (r.grade === 'confirmed' && ok) e.confirmed++
      }
    }
  }
  const sorted = [...examined].sort((a, b) => a - b)
  const conf = grades.get('confirmed')!
  const rate = (hit: number, of: number) => ({ hit, of, rate: of ? hit / of : 1 })
  return {
    results,
    report: {
      queries: queries.length, present: nPresent, absent: nAbsent,
      grades: GRADES.map((g) => { const x = grades.get(g)!; return { grade: g, count: x.count, correct: x.correct, precision: x.count ? x.correct / x.count : 1 } }),
      mislinks, mislinksAbsent, lookalikesConfirmed: lookalikes,
      confirmedPrecision: conf.count ? conf.correct / conf.count : 1,
      confirmedRecallClean: rate(cleanHit, cleanOf),
      foundRecall: rate(foundHit, nPresent),
      foundRecallExceptTies: rate(foundTiesHit, nPresent),
      ambiguousWithTruth: ambTruth, ambiguousTotal: ambTotal,
      categories: [...cats.values()].sort((a, b) => b.count - a.count),
      corruptions: [...corr.values()].sort((a, b) => b.count - a.count),
      candidatesMean: examined.reduce((a, b) => a + b, 0) / Math.max(1, examined.length),
      candidatesP99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
      seconds, qps: queries.length / Math.max(seconds, 1e-9),
    },
  }
}

function zeroGrades(): Record<Grade, number> { return { confirmed: 0, probable: 0, ambiguous: 0, none: 0, error: 0 } }

const pct = (x: number) => `${(100 * x).toFixed(3)}%`

/** The report as a plain-text table (markdown-compatible). */
export function formatReport(r: EvalReport): string {
  const o: string[] = []
  o.push(`queries ${r.queries} (present ${r.present}, absent ${r.absent})`)
  o.push('')
  o.push('| grade | count | correct | precision |')
  o.push('|---|---:|---:|---:|')
  for (const g of r.grades) o.push(`| ${g.grade} | ${g.count} | ${g.correct} | ${pct(g.precision)} |`)
  o.push('')
  o.push(`confirmed precision: ${pct(r.confirmedPrecision)}   mislinks: ${r.mislinks} (to absent people: ${r.mislinksAbsent}; look-alikes: ${r.lookalikesConfirmed})`)
  o.push(`confirmed recall, present with four fields correct up to notation: ${pct(r.confirmedRecallClean.rate)} (${r.confirmedRecallClean.hit}/${r.confirmedRecallClean.of})`)
  o.push(`confirmed+probable recall (+ ambiguous listing the truth for twin/同姓同名同生年月日): ${pct(r.foundRecallExceptTies.rate)} (${r.foundRecallExceptTies.hit}/${r.foundRecallExceptTies.of})`)
  o.push(`found at all (confirmed/probable right, or ambiguous listing the truth): ${pct(r.foundRecall.rate)} (${r.foundRecall.hit}/${r.foundRecall.of})`)
  o.push(`ambiguous containing the truth: ${r.ambiguousWithTruth}/${r.ambiguousTotal}`)
  o.push('')
  o.push('| category | count | confirmed | probable | ambiguous | none | error | correct |')
  o.push('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const c of r.categories) {
    const correct = GRADES.reduce((a, g) => a + c.correct[g], 0)
    o.push(`| ${c.category} | ${c.count} | ${c.byGrade.confirmed} | ${c.byGrade.probable} | ${c.byGrade.ambiguous} | ${c.byGrade.none} | ${c.byGrade.error} | ${pct(correct / Math.max(1, c.count))} |`)
  }
  o.push('')
  o.push('| corruption (present queries) | count | found | confirmed |')
  o.push('|---|---:|---:|---:|')
  for (const c of r.corruptions) o.push(`| ${c.corruption} | ${c.count} | ${pct(c.found / c.count)} | ${pct(c.confirmed / c.count)} |`)
  o.push('')
  o.push(`candidates examined per query: mean ${r.candidatesMean.toFixed(1)}, p99 ${r.candidatesP99}`)
  o.push(`throughput: ${Math.round(r.qps)} queries/s single thread (${r.seconds.toFixed(2)} s matching, batches of 1024)`)
  return o.join('\n')
}
