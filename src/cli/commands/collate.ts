// `nayose collate QUERIES.csv --snapshot DIR --out RESULTS.csv`: bulk collation on all cores
// (src/collate/pipeline.ts), or through a running server with --server (src/server/client-collate.ts).
import type { Command } from 'commander'
import { availableParallelism } from 'node:os'
import { NayoseError } from '../../errors.js'
import { parseEncoding } from '../../io/csv.js'
import { collate, DEFAULT_BATCH } from '../../collate/pipeline.js'

interface Opts {
  snapshot?: string
  out?: string
  workers?: string
  resume?: boolean
  encoding?: string
  outEncoding?: string
  batch?: string
  limit?: string
  encryptionKeyFile?: string
  server?: string
  token?: string
  quiet?: boolean
  json?: boolean
}

function positiveInt(name: string, v: string | undefined, max = 1 << 30): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > max) throw new NayoseError('BAD_OPTION', `--${name} must be an integer 1..${max}`)
  return n
}

export function register(program: Command): void {
  program.command('collate')
    .description('match every query of a CSV file (SPEC §2 columns + qid) against a snapshot; one result row per query, in input order')
    .argument('<queries>', 'query CSV: header naming qid and any of name, name_kana, birth_date, sex, address, my_number, resident_id')
    .option('--snapshot <dir>', 'snapshot directory (in-process collation)')
    .requiredOption('--out <file>', 'results CSV: qid,grade,resident_id,probability,agreement,candidates,error')
    .option('--workers <n>', `worker threads, each with its own engine (default: cores, here ${availableParallelism()})`)
    .option('--resume', 'continue an interrupted run: keep the complete rows of --out, skip as many queries, append')
    .option('--encoding <enc>', 'encoding of the query file: utf8 or cp932', 'utf8')
    .option('--out-encoding <enc>', 'encoding of the results file (default: same as --encoding)')
    .option('--batch <n>', `queries per batch handed to a worker (default ${DEFAULT_BATCH}; with --server, per frame, default 64)`)
    .option('--limit <n>', 'candidates per query (default 3, at most 16)')
    .option('--encryption-key-file <file>', 'key of an encrypted snapshot')
    .option('--server <url>', 'collate through a running server (ws://host:port) instead of in-process')
    .option('--token <token>', 'client token for --server (default: $NAYOSE_TOKEN)')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (queries: string, o: Opts) => {
      const encoding = parseEncoding(o.encoding)
      const outEncoding = o.outEncoding ? parseEncoding(o.outEncoding) : encoding
      const batch = positiveInt('batch', o.batch, 1 << 20)
      const out = o.out!
      if (o.server) {
        const token = o.token ?? process.env.NAYOSE_TOKEN
        if (!token) throw new NayoseError('BAD_OPTION', '--server needs --token (or NAYOSE_TOKEN)')
        if (outEncoding !== 'utf8') throw new NayoseError('BAD_OPTION', '--server writes UTF-8 results only: drop --out-encoding / use --encoding for the input')
        const { collateViaServer } = await import('../../server/client-collate.js')
        const s = await collateViaServer(queries, { server: o.server, token, out, resume: !!o.resume, encoding, quiet: !!o.quiet, ...(batch ? { batch } : {}) })
        report(o, { rows: s.rows, skipped: s.skipped, grades: s.grades, seconds: s.seconds, server: o.server })
        return
      }
      if (!o.snapshot) throw new NayoseError('BAD_OPTION', 'give --snapshot DIR (or --server URL)')
      const workers = positiveInt('workers', o.workers, 256)
      const limit = positiveInt('limit', o.limit, 16)
      const ac = new AbortController()
      let interrupts = 0
      const onSigint = () => {
        if (++interrupts > 1) {
          process.stderr.write(`\ncollate: stopped; ${out} holds whole rows only: rerun with --resume to continue\n`)
          process.exit(130)
        }
        process.stderr.write('\ncollate: interrupted: finishing the batches in flight (Ctrl-C again to stop now)\n')
        ac.abort()
      }
      process.on('SIGINT', onSigint)
      process.on('SIGTERM', onSigint)
      try {
        const s = await collate({
          queries, snapshot: o.snapshot, out, encoding, outEncoding, resume: !!o.resume, quiet: !!o.quiet, signal: ac.signal,
          ...(workers ? { workers } : {}), ...(batch ? { batch } : {}), ...(limit ? { limit } : {}),
          ...(o.encryptionKeyFile ? { encryptionKeyFile: o.encryptionKeyFile } : {}),
        })
        report(o, { rows: s.rows, skipped: s.skipped, grades: s.grades, seconds: s.seconds, loadSeconds: s.loadSeconds, matchSeconds: s.matchSeconds, matchRows: s.matchRows, matchCpuSeconds: s.matchCpuSeconds, workers: s.workers, snapshot: s.snapshot, interrupted: s.interrupted })
        if (s.interrupted) {
          process.stderr.write(`collate: interrupted after ${s.skipped + s.rows} rows; to continue: nayose collate ${queries} --snapshot ${o.snapshot} --out ${out} --resume\n`)
          process.exitCode = 130
        }
      } finally {
        process.off('SIGINT', onSigint)
        process.off('SIGTERM', onSigint)
      }
    })
}

function report(o: Opts, s: { rows: number; skipped: number; grades: Record<string, number>; seconds: number; [k: string]: unknown }): void {
  const rate = Math.round(s.rows / Math.max(s.seconds, 1e-9))
  if (o.json) { process.stdout.write(JSON.stringify({ ...s, queriesPerSecond: rate }) + '\n'); return }
  const grades = Object.entries(s.grades).map(([g, n]) => `${g} ${n}`).join(', ')
  process.stderr.write(`collate: ${s.rows} rows written${s.skipped ? ` (after ${s.skipped} from a previous run)` : ''} in ${s.seconds.toFixed(1)}s, ${rate} queries/s${typeof s.loadSeconds === 'number' && typeof s.matchSeconds === 'number' && typeof s.matchRows === 'number' ? ` (engine load ${s.loadSeconds.toFixed(1)}s; after load ${Math.round(s.matchRows / Math.max(s.matchSeconds, 1e-9))} queries/s)` : ''}: ${grades}\n`)
}
