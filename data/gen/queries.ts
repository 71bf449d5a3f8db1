/**
 * `gen queries`: labelled queries against a residents file, with a truth file
 * (`qid,resident_id,category,corruptions`). Two streaming passes over the residents file
 * (counts, then reservoir samples); absent people are drawn by the resident generator with
 * another seed and checked against the file, so none of them is in the snapshot.
 */
import { openCsv } from '../../src/io/csv.js'
import { NayoseError } from '../../src/errors.js'
import { corrupt, parseCorruptions, type Context, type CorruptionRates, type Source } from './corruptions.js'
import { CsvChunkWriter } from './csv-out.js'
import { ageOn, dayOf } from './dates.js'
import { render } from './addresses.js'
import { hash53, Rng } from './rng.js'
import { RESIDENT_COLUMNS, RESIDENT_DEFAULTS, ResidentGenerator } from './residents.js'
import { loadTables } from './tables.js'
import { IdFactory } from './identifiers.js'
import { cp932Encodable } from './encoding.js'

export const QUERY_COLUMNS = ['qid', 'name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id'] as const
export const TRUTH_COLUMNS = ['qid', 'resident_id', 'category', 'corruptions'] as const
export type Category = 'present' | 'absent' | 'look-alike' | 'twin' | 'same-name-same-birth'

export const QUERY_DEFAULTS = {
  /** share of queries about people not in the snapshot (look-alikes included) */
  absent: 0.2,
  /** share of all queries that are look-alikes: a present person's name, reading, birth date and sex, another person elsewhere */
  lookalike: 0.02,
  /** share of present queries drawn from twins and 同姓同名同生年月日 residents (hard cases), on top of those drawn at random */
  hard: 0.05,
}

export interface QueryOptions {
  from: string
  n: number
  seed: number | string
  out: string
  truth: string
  absent?: number
  lookalike?: number
  hard?: number
  corruptions?: string | CorruptionRates
  encoding?: 'utf8' | 'cp932'
  asOf?: string
  tablesDir?: string
  /** area of the absent people's and new addresses (as `gen residents --area`) */
  area?: string
}

export interface QuerySummary { queries: number; categories: Record<Category, number>; residents: number }

/** Key of "the same person by the 基本4情報": name without spaces or variants, birth date, sex, address. */
export function personKey(canonical: (s: string) => string, name: string, birth: string, sex: string, address: string): number {
  return hash53(`${canonical(name.replace(/[ 　]/g, ''))}|${birth}|${sex}|${address.replace(/[ 　]/g, '')}`)
}

/** Key of 同姓同名同生年月日: name without spaces or variants, and birth date. */
export function sameNameKey(canonical: (s: string) => string, name: string, birth: string): number {
  return hash53(`${canonical(name.replace(/[ 　]/g, ''))}|${birth}`)
}

/** Key of twins: household and birth date. */
export function twinKey(householdId: string, birth: string): number {
  return hash53(`${householdId}|${birth}`)
}

type Row = Record<string, string>

/** Picks k items uniformly from a stream (Algorithm R, seeded). */
class Reservoir {
  readonly items: Row[] = []
  #seen = 0
  constructor(readonly k: number, readonly rng: Rng) {}
  offer(row: Row): void {
    this.#seen++
    if (this.items.length < this.k) this.items.push(row)
    else {
      const j = this.rng.int(this.#seen)
      if (j < this.k) this.items[j] = row
    }
  }
}

async function* residents(path: string, encoding: 'utf8' | 'cp932'): AsyncGenerator<Row> {
  const csv = await openCsv(path, { encoding, required: [...RESIDENT_COLUMNS.filter((c) => c !== 'household_id')] })
  for await (const row of csv.rows) if (!row.error) yield row.fields
}

export async function generateQueries(opts: QueryOptions): Promise<QuerySummary> {
  const encoding = opts.encoding ?? 'utf8'
  const absentShare = opts.absent ?? QUERY_DEFAULTS.absent
  const lookShare = Math.min(absentShare, opts.lookalike ?? QUERY_DEFAULTS.lookalike)
  const rates = typeof opts.corruptions === 'object' ? opts.corruptions : parseCorruptions(opts.corruptions)
  const tables = loadTables(opts.tablesDir)
  const asOf = opts.asOf ?? RESIDENT_DEFAULTS.asOf
  // The absent people's generator: same distribution, another seed, never written to the snapshot.
  const absentGen = new ResidentGenerator({ n: Number.MAX_SAFE_INTEGER, seed: `${opts.seed}/absent`, tables, encoding, asOf, area: opts.area })
  const names = absentGen.names
  const canonical = (s: string) => names.canonical(s)

  // Pass 1: who is in the file.
  const present = new Set<number>()
  const sameName = new Map<number, number>()
  const twins = new Map<number, number>()
  const myNumbers = new Set<number>()
  let total = 0
  for await (const r of residents(opts.from, encoding)) {
    total++
    present.add(personKey(canonical, r.name!, r.birth_date!, r.sex!, r.address!))
    if (r.alias) present.add(personKey(canonical, r.alias, r.birth_date!, r.sex!, r.address!))
    const s = sameNameKey(canonical, r.name!, r.birth_date!)
    sameName.set(s, (sameName.get(s) ?? 0) + 1)
    if (r.household_id) {
      const t = twinKey(r.household_id, r.birth_date!)
      twins.set(t, (twins.get(t) ?? 0) + 1)
    }
    if (r.my_number) myNumbers.add(Number(r.my_number))
  }
  if (total === 0) throw new NayoseError('EMPTY', `no resident rows in ${opts.from}`)
  const categoryOf = (r: Row): Category =>
    r.household_id && (twins.get(twinKey(r.household_id, r.birth_date!)) ?? 0) > 1 ? 'twin'
      : (sameName.get(sameNameKey(canonical, r.name!, r.birth_date!)) ?? 0) > 1 ? 'same-name-same-birth' : 'present'

  // Pass 2: samples.
  const rng = new Rng(opts.seed, 'queries')
  const nNotPresent = Math.round(opts.n * absentShare)
  const nLook = Math.min(nNotPresent, Math.round(opts.n * lookShare))
  const nAbsent = nNotPresent - nLook
  const nPresent = opts.n - nNotPresent
  const nHard = Math.round(nPresent * (opts.hard ?? QUERY_DEFAULTS.hard))
  const uniform = new Reservoir(nPresent - nHard, rng.fork('uniform'))
  const hard = new Reservoir(nHard, rng.fork('hard'))
  const look = new Reservoir(nLook, rng.fork('look'))
  for await (const r of residents(opts.from, encoding)) {
    uniform.offer(r)
    if (categoryOf(r) !== 'present') hard.offer(r)
    if (r.status === 'resident' && !r.alias) look.offer(r)
  }
  // Too few hard cases in a small file: fill up with uniform draws.
  const presentRows = [...uniform.items, ...hard.items]
  const fill = new Reservoir(nPresent - presentRows.length, rng.fork('fill'))
  if (fill.k > 0) for await (const r of residents(opts.from, encoding)) fill.offer(r)
  presentRows.push(...fill.items)

  const asOfDay = dayOf(asOf)
  const addresses = absentGen.addresses
  const ctx: Context = {
    rng: rng.fork('corruptions'),
    rates,
    names,
    asOf: asOfDay,
    otherAddress: (_address, _nearby) => render(addresses.draw(ctx.rng)),
    newSurname: () => names.surname(ctx.rng),
    ageOf: (birth) => ageOn(birth, asOfDay),
    encodable: encoding === 'cp932' ? cp932Encodable : undefined,
  }
  const freshMyNumber = (counter: () => string): string => {
    for (;;) {
      const m = counter()
      if (!myNumbers.has(Number(m))) return m
    }
  }

  interface Pending { source: Source; resident_id: string; category: Category }
  const pending: Pending[] = []
  for (const r of presentRows) pending.push({ source: sourceOf(r), resident_id: r.resident_id!, category: categoryOf(r) })
  // Look-alikes: a present person's name, reading, birth date and sex; someone else, elsewhere.
  const lookRng = rng.fork('look-alike')
  let lookCounter = 0
  const lookIds = new IdFactory(`${opts.seed}/look-alike`)
  for (const r of look.items) {
    let address: string
    do address = render(addresses.draw(lookRng))
    while (present.has(personKey(canonical, r.name!, r.birth_date!, r.sex!, address)))
    const s = sourceOf(r)
    pending.push({
      source: { ...s, former_surname: '', former_surname_kana: '', alias: '', alias_kana: '', address, resident_id: '',
        my_number: s.my_number ? freshMyNumber(() => lookIds.myNumber(lookCounter++)) : '' },
      resident_id: '', category: 'look-alike',
    })
  }
  // Absent people: drawn like residents, rejected if the snapshot has the same name+birth+sex+address.
  let absentCount = 0
  while (absentCount < nAbsent) {
    for (const row of absentGen.household()) {
      if (absentCount >= nAbsent) break
      const r = Object.fromEntries(RESIDENT_COLUMNS.map((c, i) => [c, row[i]!])) as Row
      if (r.status !== 'resident') continue
      if (present.has(personKey(canonical, r.name!, r.birth_date!, r.sex!, r.address!))) continue
      if (r.alias && present.has(personKey(canonical, r.alias, r.birth_date!, r.sex!, r.address!))) continue
      if (r.my_number && myNumbers.has(Number(r.my_number))) continue
      pending.push({ source: { ...sourceOf(r), resident_id: '' }, resident_id: '', category: 'absent' })
      absentCount++
    }
  }
  rng.shuffle(pending)

  const qw = new CsvChunkWriter(opts.out, QUERY_COLUMNS, encoding)
  const tw = new CsvChunkWriter(opts.truth, TRUTH_COLUMNS, encoding)
  const categories: Record<Category, number> = { present: 0, absent: 0, 'look-alike': 0, twin: 0, 'same-name-same-birth': 0 }
  const width = String(pending.length).length
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i]!
    const qid = 'q' + String(i + 1).padStart(width, '0')
    const { query, tags } = corrupt(p.source, ctx)
    await qw.write([qid, query.name, query.name_kana, query.birth_date, query.sex, query.address, query.my_number, query.resident_id])
    await tw.write([qid, p.resident_id, p.category, tags.join(';')])
    categories[p.category]++
  }
  await qw.close()
  await tw.close()
  return { queries: pending.length, categories, residents: total }
}

function sourceOf(r: Row): Source {
  return {
    name: r.name!, name_kana: r.name_kana ?? '', former_surname: r.former_surname ?? '', former_surname_kana: r.former_surname_kana ?? '',
    alias: r.alias ?? '', alias_kana: r.alias_kana ?? '', birth: dayOf(r.birth_date!), sex: r.sex!, address: r.address!,
    my_number: r.my_number ?? '', resident_id: r.resident_id!,
  }
}
