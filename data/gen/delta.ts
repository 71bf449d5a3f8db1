/**
 * `gen delta`: a 異動 file (SPEC §1: resident columns + `op` + `effective_date`) consistent with
 * a residents file: updates and removes name residents that exist and are current, each at most
 * once; adds carry new resident_ids and my_numbers that the snapshot does not hold.
 */
import { openCsv } from '../../src/io/csv.js'
import { NayoseError } from '../../src/errors.js'
import { render } from './addresses.js'
import { CsvChunkWriter } from './csv-out.js'
import { ageOn, dayOf, isoOf } from './dates.js'
import { IdFactory } from './identifiers.js'
import { Rng } from './rng.js'
import { mortality, RESIDENT_COLUMNS, RESIDENT_DEFAULTS, ResidentGenerator } from './residents.js'
import { loadTables } from './tables.js'

export const DELTA_COLUMNS = [...RESIDENT_COLUMNS, 'op', 'effective_date'] as const

/** What a delta holds, as shares of its rows (each documented in data/README.md). */
export const DELTA_MIX = {
  /** 転居: a new address, for the whole household when it fits in the budget (update) */
  move: 0.3,
  /** 転出: status moved_out (update) */
  'move-out': 0.15,
  /** 死亡: status deceased, chosen by age-dependent mortality (update) */
  death: 0.15,
  /** 出生: a baby added to a mother's household, new ids (add) */
  birth: 0.15,
  /** 転入: a new person from elsewhere, new ids (add) */
  'move-in': 0.1,
  /** 婚姻: a woman's surname changes (30 % record the 旧氏), usually with a new address and household (update) */
  marriage: 0.1,
  /** 職権消除 and other removals (remove) */
  remove: 0.05,
}
type Kind = keyof typeof DELTA_MIX
const KINDS = Object.keys(DELTA_MIX) as Kind[]

export interface DeltaOptions {
  from: string
  n: number
  seed: number | string
  out: string
  encoding?: 'utf8' | 'cp932'
  asOf?: string
  /** days after the reference date that effective dates spread over (default 30) */
  days?: number
  tablesDir?: string
  /** area of new addresses and move-ins (as `gen residents --area`) */
  area?: string
}

export interface DeltaSummary { rows: number; kinds: Record<Kind, number> }

type Row = Record<string, string>

/** Weighted reservoir (Efraimidis–Spirakis A-Res): keeps the k largest u^(1/w). */
class WeightedReservoir {
  readonly #items: { key: number; row: Row }[] = []
  constructor(readonly k: number, readonly rng: Rng) {}
  offer(row: Row, weight: number): void {
    if (weight <= 0 || this.k === 0) return
    const key = Math.log(this.rng.float() || 1e-300) / weight
    const h = this.#items
    if (h.length < this.k) {
      h.push({ key, row })
      if (h.length === this.k) h.sort((a, b) => a.key - b.key)
      return
    }
    if (key <= h[0]!.key) return
    // Keep sorted ascending by key: insert in place (k is small relative to the file).
    h.shift()
    let lo = 0, hi = h.length
    while (lo < hi) { const mid = (lo + hi) >> 1; if (h[mid]!.key < key) lo = mid + 1; else hi = mid }
    h.splice(lo, 0, { key, row })
  }
  get rows(): Row[] { return this.#items.map((x) => x.row) }
}

const SPLIT = /^(\S+?)([ 　]+)(.+)$/

export async function generateDelta(opts: DeltaOptions): Promise<DeltaSummary> {
  const encoding = opts.encoding ?? 'utf8'
  const asOf = dayOf(opts.asOf ?? RESIDENT_DEFAULTS.asOf)
  const days = opts.days ?? 30
  const tables = loadTables(opts.tablesDir)
  const rng = new Rng(opts.seed, 'delta')
  const gen = new ResidentGenerator({ n: Number.MAX_SAFE_INTEGER, seed: `${opts.seed}/delta`, tables, encoding, asOf: isoOf(asOf), area: opts.area })
  const names = gen.names

  // How many of each kind: largest remainders of n × share.
  const counts = Object.fromEntries(KINDS.map((k) => [k, Math.floor(opts.n * DELTA_MIX[k])])) as Record<Kind, number>
  let left = opts.n - KINDS.reduce((s, k) => s + counts[k], 0)
  for (const k of [...KINDS].sort((a, b) => (opts.n * DELTA_MIX[b]) % 1 - (opts.n * DELTA_MIX[a]) % 1)) if (left-- > 0) counts[k]++

  // One pass: who exists, and candidates for each kind (twice as many as needed: one person, one change).
  const ids = new Set<number>()
  const myNumbers = new Set<number>()
  const households = new Set<string>()
  const pool = (k: Kind) => new WeightedReservoir(counts[k] * 2 + 10, rng.fork(k))
  const cand = Object.fromEntries(KINDS.filter((k) => k !== 'move-in').map((k) => [k, pool(k)])) as Record<Exclude<Kind, 'move-in'>, WeightedReservoir>
  const csv = await openCsv(opts.from, { encoding, required: [...RESIDENT_COLUMNS.filter((c) => c !== 'household_id')] })
  let total = 0
  for await (const { fields: r, error } of csv.rows) {
    if (error) continue
    total++
    ids.add(Number(r.resident_id))
    if (r.my_number) myNumbers.add(Number(r.my_number))
    if (r.household_id) households.add(r.household_id)
    if (r.status !== 'resident') continue
    const birth = dayOf(r.birth_date!)
    const age = ageOn(birth, asOf)
    const split = SPLIT.test(r.name!)
    cand['move'].offer(r, 1)
    cand['move-out'].offer(r, age >= 18 && age < 40 ? 3 : 1)
    cand.death.offer(r, mortality(age))
    cand.remove.offer(r, 1)
    if (r.sex === '2' && age >= 20 && age <= 44 && split && !r.name_roman) cand.birth.offer(r, 1)
    if (r.sex === '2' && age >= 20 && age <= 39 && split && !r.former_surname && !r.alias && r.name_kana) cand.marriage.offer(r, 1)
  }
  if (total === 0) throw new NayoseError('EMPTY', `no resident rows in ${opts.from}`)

  const newIds = new IdFactory(`${opts.seed}/delta`)
  let counter = 0
  const fresh = (): { resident_id: string; my_number: string } => {
    for (;;) {
      const id = newIds.residentId(counter), mn = newIds.myNumber(counter)
      counter++
      if (!ids.has(Number(id)) && !myNumbers.has(Number(mn))) {
        ids.add(Number(id)); myNumbers.add(Number(mn))
        return { resident_id: id, my_number: mn }
      }
    }
  }
  let hCounter = 0
  const freshHousehold = (): string => {
    for (;;) {
      const h = newIds.householdId(hCounter++)
      if (!households.has(h)) { households.add(h); return h }
    }
  }

  // 転居 moves a household together: find the current members of the candidates' households.
  const moveHouseholds = new Set(cand.move.rows.map((r) => r.household_id!).filter(Boolean))
  const members = new Map<string, Row[]>()
  if (moveHouseholds.size > 0) {
    const again = await openCsv(opts.from, { encoding })
    for await (const { fields: r, error } of again.rows) {
      if (error || r.status !== 'resident' || !moveHouseholds.has(r.household_id!)) continue
      const list = members.get(r.household_id!) ?? []
      list.push(r)
      members.set(r.household_id!, list)
    }
  }

  const used = new Set<string>()
  const out: { row: Row; op: string; kind: Kind; day: number }[] = []
  const effective = () => asOf + 1 + rng.int(days)
  const done = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>
  const take = (k: Exclude<Kind, 'move-in'>): Row[] => rng.shuffle(cand[k].rows.filter((r) => !used.has(r.resident_id!)))

  for (const k of ['death', 'move-out', 'marriage', 'birth', 'move', 'remove'] as const) {
    for (const r of take(k)) {
      if (done[k] >= counts[k]) break
      if (used.has(r.resident_id!)) continue // moved with an earlier candidate's household
      used.add(r.resident_id!)
      const day = effective()
      const date = isoOf(day)
      if (k === 'move') {
        // The whole household when it fits in what is left of the budget, else the person alone.
        const group = (members.get(r.household_id!) ?? [r]).filter((m) => m.resident_id === r.resident_id || !used.has(m.resident_id!))
        const movers = group.length <= counts.move - done.move ? group : [r]
        const address = render(gen.addresses.draw(rng))
        for (const m of movers) {
          used.add(m.resident_id!)
          out.push({ row: { ...m, address }, op: 'update', kind: 'move', day })
          done.move++
        }
        continue
      }
      let row: Row
      let op = 'update'
      switch (k) {
        case 'death': row = { ...r, status: 'deceased', status_date: date }; break
        case 'move-out': row = { ...r, status: 'moved_out', status_date: date }; break
        case 'remove': row = { ...r, status: 'removed', status_date: date }; op = 'remove'; break
        case 'marriage': {
          const [, surname, sep, given] = SPLIT.exec(r.name!)!
          const [, kSurname, kSep, kGiven] = SPLIT.exec(r.name_kana!) ?? [, '', '　', r.name_kana!]
          let s = names.surname(rng)
          while (s.kanji === surname) s = names.surname(rng)
          const keepFormer = rng.chance(0.3)
          row = {
            ...r, name: s.kanji + sep + given, name_kana: s.reading + kSep + kGiven,
            former_surname: keepFormer ? surname! : '', former_surname_kana: keepFormer ? kSurname ?? '' : '',
          }
          if (rng.chance(0.7)) Object.assign(row, { address: render(gen.addresses.draw(rng)), household_id: freshHousehold() })
          break
        }
        case 'birth': {
          const [, surname, sep] = SPLIT.exec(r.name!)!
          const kSurname = SPLIT.exec(r.name_kana ?? '')?.[1]
          const sex: 1 | 2 = rng.chance(0.512) ? 1 : 2
          const birth = Math.min(day, asOf + days) - rng.int(14)
          const g = names.given(rng, sex, Number(isoOf(birth).slice(0, 4)))
          row = {
            ...fresh(), name: surname + sep! + g.kanji, name_kana: kSurname ? kSurname + (SPLIT.exec(r.name_kana!)?.[2] ?? '　') + g.reading : '',
            former_surname: '', former_surname_kana: '', alias: '', alias_kana: '', name_roman: '',
            birth_date: isoOf(birth), sex: String(sex), address: r.address!, household_id: r.household_id!, status: 'resident', status_date: '',
          }
          op = 'add'
          break
        }
      }
      out.push({ row, op, kind: k, day })
      done[k]++
    }
  }
  // 転入: people drawn by the resident generator, with new ids.
  while (done['move-in'] < counts['move-in']) {
    const hh = gen.household()
    const household = freshHousehold()
    for (const cells of hh) {
      if (done['move-in'] >= counts['move-in']) break
      const r = Object.fromEntries(RESIDENT_COLUMNS.map((c, i) => [c, cells[i]!])) as Row
      if (r.status !== 'resident') continue
      out.push({ row: { ...r, ...fresh(), household_id: household }, op: 'add', kind: 'move-in', day: effective() })
      done['move-in']++
    }
  }
  // Too few candidates for some kind (a small file): say so rather than pad with nonsense.
  for (const k of KINDS) if (done[k] < counts[k]) process.stderr.write(`gen delta: only ${done[k]} of ${counts[k]} ${k} changes had a candidate\n`)

  out.sort((a, b) => a.day - b.day)
  const w = new CsvChunkWriter(opts.out, DELTA_COLUMNS, encoding)
  for (const o of out) await w.write([...RESIDENT_COLUMNS.map((c) => o.row[c] ?? ''), o.op, isoOf(o.day)])
  await w.close()
  return { rows: out.length, kinds: done }
}

