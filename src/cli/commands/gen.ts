// `nayose gen residents|queries|delta`: synthetic data with ground truth (docs/generator.md).
import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'
import { generateResidents } from '../../../data/gen/residents-file.js'
import { generateQueries, QUERY_DEFAULTS } from '../../../data/gen/queries.js'
import { generateDelta } from '../../../data/gen/delta.js'
import { formatQueryRecount, formatResidentRecount, recountQueries, recountResidents } from '../../../data/gen/recount.js'
import { CORRUPTION_DEFAULTS } from '../../../data/gen/corruptions.js'

function int(name: string) {
  return (v: string): number => {
    const n = Number(v.replace(/_/g, ''))
    if (!Number.isInteger(n) || n < 0) throw new NayoseError('BAD_OPTION', `--${name} must be a non-negative integer`)
    return n
  }
}

function rate(name: string) {
  return (v: string): number => {
    const n = Number(v)
    if (!(n >= 0 && n <= 1)) throw new NayoseError('BAD_OPTION', `--${name} must be a number between 0 and 1`)
    return n
  }
}

function encoding(v: string): 'utf8' | 'cp932' {
  const e = v.toLowerCase().replace(/[-_]/g, '')
  if (e === 'utf8') return 'utf8'
  if (e === 'cp932' || e === 'sjis' || e === 'shiftjis') return 'cp932'
  throw new NayoseError('BAD_OPTION', '--encoding must be utf8 or cp932')
}

export function register(program: Command): void {
  const gen = program.command('gen').description('generate SYNTHETIC residents, labelled queries and deltas (never real data)')

  gen.command('residents')
    .description('write a SYNTHETIC resident snapshot CSV (SPEC §1 columns)')
    .option('--n <count>', 'number of residents', int('n'), 1000)
    .option('--seed <seed>', 'random seed (same seed, same file)', '1')
    .option('--out <file>', 'output CSV (default data/generated/SYNTHETIC-residents-n<N>-s<seed>.csv)')
    .option('--encoding <enc>', 'utf8 or cp932', encoding, 'utf8')
    .option('--as-of <date>', 'reference date: ages and status dates are relative to it', '2026-10-01')
    .option('--twin-rate <p>', 'share of deliveries that are twins', rate('twin-rate'))
    .option('--same-name-rate <p>', 'share of residents injected as 同姓同名同生年月日 doubles', rate('same-name-rate'))
    .option('--foreign-rate <p>', 'share of households of foreign residents', rate('foreign-rate'))
    .option('--variant-rate <p>', 'share of variant-capable surnames registered in a variant form', rate('variant-rate'))
    .option('--area <area>', 'only addresses in an area: municipality code prefix (13, 131041), prefecture (東京都) or municipality (新宿区)')
    .option('--tables <dir>', 'source tables directory (default data/tables)')
    .action(async (o) => {
      const out = o.out ?? `data/generated/SYNTHETIC-residents-n${o.n}-s${o.seed}.csv`
      const t0 = Date.now()
      const stats = await generateResidents(out, {
        n: o.n, seed: o.seed, encoding: o.encoding, asOf: o.asOf, tablesDir: o.tables, area: o.area,
        ...(o.twinRate !== undefined && { twinRate: o.twinRate }),
        ...(o.sameNameRate !== undefined && { sameNameRate: o.sameNameRate }),
        ...(o.foreignRate !== undefined && { foreignHouseholdRate: o.foreignRate }),
        ...(o.variantRate !== undefined && { surnameVariantRate: o.variantRate }),
      })
      process.stderr.write(`gen residents: ${stats.residents} SYNTHETIC residents in ${stats.households} households → ${out} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`)
    })

  gen.command('queries')
    .description('write labelled queries (SPEC §2) about a SYNTHETIC residents file, and their truth file')
    .requiredOption('--from <file>', 'residents CSV written by `gen residents`')
    .option('--n <count>', 'number of queries', int('n'), 1000)
    .option('--seed <seed>', 'random seed', '1')
    .option('--out <file>', 'queries CSV (default data/generated/SYNTHETIC-queries-n<N>-s<seed>.csv)')
    .option('--truth <file>', 'truth CSV: qid,resident_id,category,corruptions (default: <out> with .truth.csv)')
    .option('--absent <p>', 'share of queries about people not in the snapshot (look-alikes included)', rate('absent'), QUERY_DEFAULTS.absent)
    .option('--lookalike <p>', 'share of all queries that are look-alikes of a present person', rate('lookalike'), QUERY_DEFAULTS.lookalike)
    .option('--hard <p>', 'share of present queries drawn from twins and 同姓同名同生年月日 residents', rate('hard'), QUERY_DEFAULTS.hard)
    .option('--corruptions <spec>', `rates as name=p,… ("all=0,…" starts from none); names: ${Object.keys(CORRUPTION_DEFAULTS).join(' ')}`)
    .option('--encoding <enc>', 'encoding of the residents file and of the output', encoding, 'utf8')
    .option('--as-of <date>', 'reference date of the residents file', '2026-10-01')
    .option('--area <area>', 'area of absent people and moves (as gen residents --area): municipality code prefix (13, 131041), prefecture (東京都) or municipality (新宿区)')
    .option('--tables <dir>', 'source tables directory (default data/tables)')
    .action(async (o) => {
      const out = o.out ?? `data/generated/SYNTHETIC-queries-n${o.n}-s${o.seed}.csv`
      const truth = o.truth ?? out.replace(/(\.csv)?$/, '.truth.csv')
      const s = await generateQueries({
        from: o.from, n: o.n, seed: o.seed, out, truth, absent: o.absent, lookalike: o.lookalike, hard: o.hard,
        corruptions: o.corruptions, encoding: o.encoding, asOf: o.asOf, tablesDir: o.tables, area: o.area,
      })
      const cats = Object.entries(s.categories).map(([k, v]) => `${k} ${v}`).join(', ')
      process.stderr.write(`gen queries: ${s.queries} queries (${cats}) → ${out}, truth → ${truth}\n`)
    })

  gen.command('delta')
    .description('write a SYNTHETIC delta (異動) file consistent with a residents file: moves, deaths, births, marriages')
    .requiredOption('--from <file>', 'residents CSV written by `gen residents`')
    .option('--n <count>', 'number of delta rows', int('n'), 100)
    .option('--seed <seed>', 'random seed', '1')
    .option('--out <file>', 'delta CSV (default data/generated/SYNTHETIC-delta-n<N>-s<seed>.csv)')
    .option('--encoding <enc>', 'encoding of the residents file and of the output', encoding, 'utf8')
    .option('--as-of <date>', 'reference date of the residents file; effective dates follow it', '2026-10-01')
    .option('--days <n>', 'days after the reference date that effective dates spread over', int('days'), 30)
    .option('--area <area>', 'area of moves and move-ins (as gen residents --area): municipality code prefix (13, 131041), prefecture (東京都) or municipality (新宿区)')
    .option('--tables <dir>', 'source tables directory (default data/tables)')
    .action(async (o) => {
      const out = o.out ?? `data/generated/SYNTHETIC-delta-n${o.n}-s${o.seed}.csv`
      const s = await generateDelta({ from: o.from, n: o.n, seed: o.seed, out, encoding: o.encoding, asOf: o.asOf, days: o.days, tablesDir: o.tables, area: o.area })
      const kinds = Object.entries(s.kinds).map(([k, v]) => `${k} ${v}`).join(', ')
      process.stderr.write(`gen delta: ${s.rows} changes (${kinds}) → ${out}\n`)
    })

  gen.command('recount')
    .description('recount from generated files the rates data/README.md documents (Markdown on stdout)')
    .requiredOption('--from <file>', 'residents CSV')
    .option('--queries <file>', 'queries CSV written by `gen queries` (with --truth)')
    .option('--truth <file>', 'its truth CSV')
    .option('--encoding <enc>', 'encoding of the files', encoding, 'utf8')
    .option('--as-of <date>', 'reference date of the residents file', '2026-10-01')
    .option('--tables <dir>', 'source tables directory (default data/tables)')
    .action(async (o) => {
      const opts = { encoding: o.encoding, asOf: o.asOf, tablesDir: o.tables }
      process.stdout.write(formatResidentRecount(await recountResidents(o.from, opts)) + '\n')
      if (o.queries) {
        if (!o.truth) throw new NayoseError('BAD_OPTION', '--queries needs --truth')
        process.stdout.write('\n' + formatQueryRecount(await recountQueries(o.from, o.queries, o.truth, opts)) + '\n')
      }
    })
}
