/**
 * Recounts from generated files what data/README.md says the generator does: identifiers,
 * surname shares, variant kanji, readings, 旧氏, foreign residents, statuses, twins,
 * 同姓同名同生年月日, ages; and for queries the categories, each corruption's rate among the
 * queries it can apply to, alignment of queries and truth, and absence of absent people.
 * `nayose gen recount` prints it; the tests assert on it.
 */
import { openCsv } from '../../src/io/csv.js'
import { CORRUPTION_DEFAULTS, eligible, type CorruptionName, type Source } from './corruptions.js'
import { ageOn, dayOf } from './dates.js'
import { isValidMyNumber, isValidResidentId } from './identifiers.js'
import { NameModel } from './names.js'
import { personKey, sameNameKey, twinKey } from './queries.js'
import { RESIDENT_DEFAULTS } from './residents.js'
import { loadTables } from './tables.js'

export interface RecountOptions { encoding?: 'utf8' | 'cp932'; asOf?: string; tablesDir?: string }

export interface ResidentRecount {
  rows: number
  households: number
  meanHouseholdSize: number
  duplicateResidentIds: number
  badResidentIds: number
  duplicateMyNumbers: number
  badMyNumbers: number
  share: {
    noMyNumber: number; noKana: number; formerSurname: number; variantName: number; ivs: number
    foreign: number; aliasAmongForeign: number; male: number; under15: number; over65: number; buildingRoom: number
    status: Record<string, number>
  }
  /** target shares from population-by-age.tsv */
  pyramid: { under15: number; over65: number }
  topSurnames: { surname: string; share: number }[]
  /** twin deliveries / deliveries, estimated from people under 18 (nearly all live with their parents) */
  twinDeliveryRate: number
  twinPairs: number
  /** groups of two or more residents with the same name (variants folded, spaces ignored) and birth date */
  sameNameGroups: number
  sameNamePersonsShare: number
}

async function* rowsOf(path: string, encoding: 'utf8' | 'cp932'): AsyncGenerator<Record<string, string>> {
  const csv = await openCsv(path, { encoding })
  for await (const r of csv.rows) if (!r.error) yield r.fields
}

const SEP = /[ 　]/

export async function recountResidents(path: string, opts: RecountOptions = {}): Promise<ResidentRecount> {
  const enc = opts.encoding ?? 'utf8'
  const tables = loadTables(opts.tablesDir)
  const names = new NameModel(tables)
  const asOf = dayOf(opts.asOf ?? RESIDENT_DEFAULTS.asOf)
  const ids = new Set<string>(), mns = new Set<string>(), households = new Set<string>()
  const sameName = new Map<number, number>(), young = new Map<number, number>()
  const surnames = new Map<string, number>()
  let rows = 0, dupIds = 0, badIds = 0, dupMn = 0, badMn = 0, noMn = 0, noKana = 0, former = 0, variant = 0, ivs = 0
  let foreign = 0, alias = 0, male = 0, u15 = 0, o65 = 0, room = 0, withSep = 0
  const status: Record<string, number> = {}
  for await (const r of rowsOf(path, enc)) {
    rows++
    const id = r.resident_id!, mn = r.my_number!
    if (ids.has(id)) dupIds++; else ids.add(id)
    if (!isValidResidentId(id)) badIds++
    if (mn === '') noMn++
    else { if (mns.has(mn)) dupMn++; else mns.add(mn); if (!isValidMyNumber(mn)) badMn++ }
    if (r.household_id) households.add(r.household_id)
    if (!r.name_kana) noKana++
    if (r.former_surname) former++
    if (names.hasVariant(r.name!)) variant++
    if (/[\u{E0100}-\u{E01EF}]/u.test(r.name!)) ivs++
    if (r.name_roman) { foreign++; if (r.alias) alias++ }
    if (r.sex === '1') male++
    const birth = dayOf(r.birth_date!)
    const age = ageOn(birth, asOf)
    if (age < 15) u15++
    if (age >= 65) o65++
    if (/号室|\s\d{3}$/.test(r.address!)) room++
    status[r.status!] = (status[r.status!] ?? 0) + 1
    if (!r.name_roman && SEP.test(r.name!)) {
      withSep++
      const s = names.canonical(r.name!.split(SEP)[0]!)
      surnames.set(s, (surnames.get(s) ?? 0) + 1)
    }
    const k = sameNameKey((s) => names.canonical(s), r.name!, r.birth_date!)
    sameName.set(k, (sameName.get(k) ?? 0) + 1)
    if (age < 18 && r.household_id) {
      const t = twinKey(r.household_id, r.birth_date!)
      young.set(t, (young.get(t) ?? 0) + 1)
    }
  }
  let groups = 0, inGroups = 0
  for (const c of sameName.values()) if (c > 1) { groups++; inGroups += c }
  let twinPairs = 0
  for (const c of young.values()) if (c > 1) twinPairs++
  let total = 0, pu15 = 0, po65 = 0
  for (const p of tables.population) {
    const n = p.male + p.female
    total += n
    if (p.age < 15) pu15 += n
    if (p.age >= 65) po65 += n
  }
  const top = [...surnames].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([surname, n]) => ({ surname, share: n / withSep }))
  for (const k of Object.keys(status)) status[k] = status[k]! / rows
  return {
    rows, households: households.size, meanHouseholdSize: rows / Math.max(1, households.size),
    duplicateResidentIds: dupIds, badResidentIds: badIds, duplicateMyNumbers: dupMn, badMyNumbers: badMn,
    share: {
      noMyNumber: noMn / rows, noKana: noKana / rows, formerSurname: former / rows, variantName: variant / rows, ivs: ivs / rows,
      foreign: foreign / rows, aliasAmongForeign: alias / Math.max(1, foreign), male: male / rows, under15: u15 / rows, over65: o65 / rows,
      buildingRoom: room / rows, status,
    },
    pyramid: { under15: pu15 / total, over65: po65 / total },
    topSurnames: top,
    twinDeliveryRate: twinPairs / Math.max(1, young.size), twinPairs,
    sameNameGroups: groups, sameNamePersonsShare: inGroups / rows,
  }
}

export interface QueryRecount {
  queries: number
  /** truth and queries have the same qids in the same order */
  aligned: boolean
  categories: Record<string, number>
  /** per corruption: applied / eligible among present queries (whose source row is known), and applied / all queries */
  corruptions: Record<string, { applied: number; eligible: number; rate: number; configured: number; overall: number }>
  /** absent and look-alike queries checked against the snapshot by name+birth+sex+address, and how many matched (must be 0) */
  absentChecked: number
  absentFoundInSnapshot: number
  /** absent or look-alike queries whose my_number is in the snapshot (must be 0) */
  absentMyNumberInSnapshot: number
  /** present queries whose truth resident_id is not in the snapshot (must be 0) */
  presentMissing: number
}

/** Tags as written in the truth file → the corruption that produced them. */
function corruptionOfTag(tag: string): CorruptionName {
  if (tag.startsWith('date-format')) return 'date-format'
  if (tag === 'date-swap' || tag === 'date-digit') return 'date-error'
  return tag as CorruptionName
}

export async function recountQueries(residentsPath: string, queriesPath: string, truthPath: string, opts: RecountOptions = {}): Promise<QueryRecount> {
  const enc = opts.encoding ?? 'utf8'
  const tables = loadTables(opts.tablesDir)
  const names = new NameModel(tables)
  const canonical = (s: string) => names.canonical(s)
  const asOf = dayOf(opts.asOf ?? RESIDENT_DEFAULTS.asOf)
  const truth: Record<string, string>[] = []
  for await (const t of rowsOf(truthPath, enc)) truth.push(t)
  const wanted = new Set(truth.map((t) => t.resident_id).filter(Boolean))
  const sources = new Map<string, Record<string, string>>()
  const keys = new Set<number>()
  const mns = new Set<string>()
  for await (const r of rowsOf(residentsPath, enc)) {
    keys.add(personKey(canonical, r.name!, r.birth_date!, r.sex!, r.address!))
    if (r.my_number) mns.add(r.my_number)
    if (wanted.has(r.resident_id!)) sources.set(r.resident_id!, r)
  }
  const categories: Record<string, number> = {}
  const names_ = Object.keys(CORRUPTION_DEFAULTS) as CorruptionName[]
  const c = Object.fromEntries(names_.map((n) => [n, { applied: 0, eligible: 0, overall: 0 }]))
  let i = 0, aligned = true, absentChecked = 0, absentFound = 0, absentMn = 0, presentMissing = 0
  const untouched = new Set(['alias', 'surname-old', 'surname-new', 'kana-only', 'variant-kanji', 'date-swap', 'date-digit', 'sex-missing', 'address-missing', 'address-notation', 'spacing'])
  for await (const q of rowsOf(queriesPath, enc)) {
    const t = truth[i++]
    if (!t || t.qid !== q.qid) { aligned = false; continue }
    categories[t.category!] = (categories[t.category!] ?? 0) + 1
    const tags = (t.corruptions ?? '').split(';').filter(Boolean)
    for (const tag of tags) c[corruptionOfTag(tag)]!.overall++
    if (t.resident_id) {
      const r = sources.get(t.resident_id)
      if (!r) { presentMissing++; continue }
      const src: Source = {
        name: r.name!, name_kana: r.name_kana!, former_surname: r.former_surname!, former_surname_kana: r.former_surname_kana!,
        alias: r.alias!, alias_kana: r.alias_kana!, birth: dayOf(r.birth_date!), sex: r.sex!, address: r.address!, my_number: r.my_number!, resident_id: r.resident_id!,
      }
      const ok = eligible(src, names, ageOn(src.birth, asOf))
      // Choices made after the name is picked depend on it: count them only where the registered name was used.
      const nameSwapped = tags.includes('alias') || tags.includes('surname-old') || tags.includes('surname-new')
      for (const n of names_) {
        if (!ok[n]) continue
        if (nameSwapped && NAME_DEPENDENT.has(n)) continue
        if (tags.includes('kanji-only') && KANA_DEPENDENT.has(n)) continue
        if (tags.includes('kana-only') && n === 'variant-kanji') continue
        if (tags.includes('address-missing') && (n === 'address-old' || n === 'address-notation')) continue
        if (tags.includes('sex-missing') && n === 'sex-format') continue
        c[n]!.eligible++
        if (tags.some((tag) => corruptionOfTag(tag) === n)) c[n]!.applied++
      }
    } else {
      if (q.my_number && mns.has(q.my_number)) absentMn++
      const birthOk = /^\d{4}-\d{2}-\d{2}$/.test(q.birth_date!)
      if (q.name && birthOk && (q.sex === '1' || q.sex === '2') && q.address && !tags.some((x) => untouched.has(x))) {
        absentChecked++
        if (keys.has(personKey(canonical, q.name, q.birth_date!, q.sex, q.address))) absentFound++
      }
    }
  }
  if (i !== truth.length) aligned = false
  const corruptions: QueryRecount['corruptions'] = {}
  for (const n of names_) {
    const x = c[n]!
    corruptions[n] = { ...x, rate: x.eligible ? x.applied / x.eligible : 0, configured: CORRUPTION_DEFAULTS[n], overall: x.overall / Math.max(1, i) }
  }
  return { queries: i, aligned, categories, corruptions, absentChecked, absentFoundInSnapshot: absentFound, absentMyNumberInSnapshot: absentMn, presentMissing }
}

const KANA_DEPENDENT = new Set<CorruptionName>(['hiragana', 'halfwidth', 'small-kana', 'long-vowel', 'kana-typo'])
const NAME_DEPENDENT = new Set<CorruptionName>(['kanji-only', 'kana-only', 'variant-kanji', ...KANA_DEPENDENT])

const pct = (x: number, d = 2) => (x * 100).toFixed(d) + ' %'

/** The recount as Markdown, for data/README.md. */
export function formatResidentRecount(r: ResidentRecount): string {
  const s = r.share
  return [
    `| measure | recounted |`, `|---|---|`,
    `| residents / households / mean size | ${r.rows} / ${r.households} / ${r.meanHouseholdSize.toFixed(2)} |`,
    `| duplicate or bad resident_id, duplicate or bad my_number | ${r.duplicateResidentIds}, ${r.badResidentIds}, ${r.duplicateMyNumbers}, ${r.badMyNumbers} |`,
    `| top surnames (share of Japanese names) | ${r.topSurnames.slice(0, 6).map((t) => `${t.surname} ${pct(t.share)}`).join(', ')} |`,
    `| name with a variant kanji or IVS (all residents) | ${pct(s.variantName)} (IVS ${pct(s.ivs, 3)}) |`,
    `| name_kana empty | ${pct(s.noKana)} |`,
    `| former_surname recorded | ${pct(s.formerSurname)} |`,
    `| foreign residents (name_roman) / of them with 通称 | ${pct(s.foreign)} / ${pct(s.aliasAmongForeign)} |`,
    `| my_number empty | ${pct(s.noMyNumber)} |`,
    `| status resident / moved_out / deceased / removed | ${['resident', 'moved_out', 'deceased', 'removed'].map((k) => pct(s.status[k] ?? 0)).join(' / ')} |`,
    `| twin deliveries (people under 18) / twin pairs | ${pct(r.twinDeliveryRate)} / ${r.twinPairs} |`,
    `| 同姓同名同生年月日 groups / people in them | ${r.sameNameGroups} / ${pct(r.sameNamePersonsShare, 3)} |`,
    `| male | ${pct(s.male)} |`,
    `| under 15 / 65 and over (pyramid) | ${pct(s.under15)} (${pct(r.pyramid.under15)}) / ${pct(s.over65)} (${pct(r.pyramid.over65)}) |`,
    `| address with a 方書 (building, room) | ${pct(s.buildingRoom)} |`,
  ].join('\n')
}

export function formatQueryRecount(q: QueryRecount): string {
  const lines = [
    `queries ${q.queries}, truth aligned: ${q.aligned}; categories: ${Object.entries(q.categories).map(([k, v]) => `${k} ${pct(v / q.queries)}`).join(', ')}`,
    `absent/look-alike checked against the snapshot: ${q.absentChecked}, found in it: ${q.absentFoundInSnapshot}; absent my_number in snapshot: ${q.absentMyNumberInSnapshot}; present ids missing: ${q.presentMissing}`,
    '', `| corruption | configured | recounted (applied / eligible present queries) | share of all queries |`, `|---|---|---|---|`,
  ]
  for (const [n, x] of Object.entries(q.corruptions)) lines.push(`| ${n} | ${pct(x.configured, 1)} | ${pct(x.rate, 1)} (${x.applied} / ${x.eligible}) | ${pct(x.overall, 1)} |`)
  return lines.join('\n')
}
