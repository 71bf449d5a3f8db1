// `nayose eval`: matches a labelled query set and prints grades, precision, recall, mislinks,
// per-category and per-corruption breakdowns, candidates per query and throughput.
import type { Command } from 'commander'
import { Engine } from '../../engine/engine.js'
import { evaluate, formatReport, readQueries, readTruth } from '../../engine/evaluate.js'
import { parseEncoding } from '../../io/csv.js'
import { readParams } from '../../engine/params.js'

export function register(program: Command): void {
  program.command('eval')
    .description('evaluate matching on labelled queries: per-grade precision, recall, mislinks, throughput')
    .requiredOption('--snapshot <dir>', 'snapshot directory')
    .requiredOption('--queries <csv>', 'queries CSV (qid + SPEC §2 fields)')
    .requiredOption('--truth <csv>', 'truth CSV: qid,resident_id,category,corruptions')
    .option('--encoding <enc>', 'encoding of the queries file', 'utf8')
    .option('--params <json>', 'scoring/grade parameter overrides (JSON file, see src/engine/params.ts)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { snapshot: string; queries: string; truth: string; encoding: string; params?: string; json?: boolean }) => {
      const t0 = performance.now()
      const engine = Engine.openDir(o.snapshot, o.params ? { params: readParams(o.params) } : {})
      const loadS = (performance.now() - t0) / 1000
      try {
        const qs = await readQueries(o.queries, parseEncoding(o.encoding))
        const truth = await readTruth(o.truth)
        const { report } = evaluate(engine, qs, truth)
        const size = engine.size
        if (o.json) process.stdout.write(JSON.stringify({ snapshot: engine.version, loadSeconds: loadS, size, ...report }, null, 2) + '\n')
        else {
          process.stdout.write(`snapshot ${engine.version}: ${size.live} live rows, ${size.postings} postings, loaded in ${loadS.toFixed(2)} s\n`)
          process.stdout.write(formatReport(report) + '\n')
        }
      } finally {
        engine.close()
      }
    })
}
