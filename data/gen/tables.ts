/**
 * Loads the generator's source tables from `data/tables/` (formats: docs/ARCHITECTURE.md §2).
 * Columns are found by header name, so extra columns and reordering are harmless. The directory
 * is `opts.dir`, else `$NAYOSE_TABLES`, else `<repo>/data/tables`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NayoseError } from '../../src/errors.js'

export interface SurnameRow { kanji: string; reading: string; weight: number }
export interface GivenNameRow { kanji: string; reading: string; sex: 1 | 2; weight: number; era: number[] }
export interface Municipality { code: string; prefecture: string; city: string; county: string; weight: number }
export interface AgeRow { age: number; male: number; female: number }

export interface Tables {
  dir: string
  surnames: SurnameRow[]
  givenNames: GivenNameRow[]
  population: AgeRow[]
  municipalities: Municipality[]
  /** municipality code → town names ('' when the municipality has no 町字) */
  towns: Map<string, string[]>
  /** canonical kanji → its registered variants (reverse of kanji-variants.tsv) */
  variantsOf: Map<string, string[]>
  /** variant kanji → canonical */
  canonicalOf: Map<string, string>
}

/** Number of birth decades in `era_weights` (1920s … 2020s). */
export const ERA_COUNT = 11

/** Index into `era_weights` for a birth year. */
export function eraIndex(year: number): number {
  return Math.min(ERA_COUNT - 1, Math.max(0, Math.floor(year / 10) - 192))
}

/** The repository root: the nearest ancestor of this module holding package.json. */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(d, 'package.json'))) return d
    const up = dirname(d)
    if (up === d) throw new NayoseError('NO_ROOT', 'cannot find the nayose package root')
    d = up
  }
}

export function defaultTablesDir(): string {
  return process.env.NAYOSE_TABLES ? resolve(process.env.NAYOSE_TABLES) : join(repoRoot(), 'data', 'tables')
}

const cache = new Map<string, Tables>()

/** Loads (once per directory) every table the generator needs; throws NO_TABLE when one is missing. */
export function loadTables(dir = defaultTablesDir()): Tables {
  const hit = cache.get(dir)
  if (hit) return hit
  const t = readAll(dir)
  cache.set(dir, t)
  return t
}

/** Parses a TSV table: `#` comment lines at the top, a header row, then data rows. */
export function readTsv(path: string): Record<string, string>[] {
  const { header, rows } = readColumns(path)
  return rows.map((cells) => Object.fromEntries(header.map((h, j) => [h, cells[j] ?? ''])))
}

/** As `readTsv`, but rows as arrays of the named columns (absent ones ''); cheap for big tables. */
export function readColumns(path: string, columns?: readonly string[]): { header: string[]; rows: string[][] } {
  if (!existsSync(path)) throw new NayoseError('NO_TABLE', `generator table missing: ${path} (see data/README.md)`)
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split('\n')
  let i = 0
  while (i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() === '')) i++
  const header = (lines[i++] ?? '').replace(/\r$/, '').split('\t').map((h) => h.trim())
  const want = columns ?? header
  const at = want.map((c) => header.indexOf(c))
  const rows: string[][] = []
  for (; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!
    if (line === '' || line.startsWith('#')) continue
    const cells = line.split('\t')
    rows.push(at.map((j) => (j >= 0 ? cells[j] ?? '' : '')))
  }
  return { header: want as string[], rows }
}

function num(v: string | undefined, what: string): number {
  const n = Number(v)
  if (v === undefined || v === '' || !Number.isFinite(n)) throw new NayoseError('BAD_TABLE', `bad number in ${what}`)
  return n
}

function readAll(dir: string): Tables {
  const f = (name: string) => join(dir, name)
  const surnames = readColumns(f('surnames.tsv'), ['kanji', 'reading', 'weight']).rows
    .map(([kanji, reading, weight]) => ({ kanji: kanji!, reading: reading!, weight: num(weight, 'surnames.tsv weight') }))
    .filter((r) => r.kanji && r.reading && r.weight > 0)
  const givenNames: GivenNameRow[] = []
  for (const [kanji, reading, sexText, weight, eraText] of readColumns(f('given-names.tsv'), ['kanji', 'reading', 'sex', 'weight', 'era_weights']).rows) {
    const sex = Number(sexText)
    if (sex !== 1 && sex !== 2) continue
    const era = (eraText ?? '').split(',').map(Number)
    while (era.length < ERA_COUNT) era.push(era.length ? era[era.length - 1]! : 1)
    givenNames.push({ kanji: kanji!, reading: reading!, sex, weight: num(weight, 'given-names.tsv weight'), era })
  }
  const population = readTsv(f('population-by-age.tsv')).map((r) => ({
    age: num(String(r.age).replace(/\D+$/, ''), 'population-by-age.tsv age'),
    male: num(r.male, 'population-by-age.tsv male'),
    female: num(r.female, 'population-by-age.tsv female'),
  }))
  const weights = new Map<string, number>()
  for (const r of readTsv(f('municipality-weights.tsv'))) weights.set(r.code!, num(r.weight, 'municipality-weights.tsv weight'))
  const towns = new Map<string, string[]>()
  for (const [code, town] of readColumns(f('towns.tsv'), ['code', 'town']).rows) {
    const list = towns.get(code!) ?? []
    list.push(town!)
    towns.set(code!, list)
  }
  const municipalities: Municipality[] = []
  for (const r of readTsv(f('municipalities.tsv'))) {
    const w = weights.get(r.code!)
    if (!w || !towns.has(r.code!)) continue
    municipalities.push({ code: r.code!, prefecture: r.prefecture!, city: r.city!, county: r.county ?? '', weight: w })
  }
  const variantsOf = new Map<string, string[]>()
  const canonicalOf = new Map<string, string>()
  for (const [v, c] of readColumns(f('kanji-variants.tsv'), ['variant', 'canonical']).rows) {
    if (!v || !c || v === c) continue
    canonicalOf.set(v, c)
    const list = variantsOf.get(c) ?? []
    if (!list.includes(v)) list.push(v)
    variantsOf.set(c, list)
  }
  if (!surnames.length || !givenNames.length || !population.length || !municipalities.length)
    throw new NayoseError('BAD_TABLE', `generator tables in ${dir} are empty or do not join (municipalities × weights × towns)`)
  return { dir, surnames, givenNames, population, municipalities, towns, variantsOf, canonicalOf }
}
