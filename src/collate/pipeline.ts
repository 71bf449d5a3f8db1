/**
 * In-process bulk collation (issue 5 §6): reader → batcher → worker pool → ordered writer.
 *
 * - The main thread cuts the query file into batches of `batch` whole CSV records as raw bytes
 *   (split.ts: a byte scan, no decoding or parsing), each with a sequence number.
 * - `workers` worker threads (worker.ts) each hold the snapshot in their own Engine and turn a
 *   batch into its encoded output rows (decode, parse.ts, match, format.ts, encode); bytes move
 *   by transfer both ways. (Parsing on the main thread with csv-parse cost ~9 µs per row, as
 *   much as matching: it made the main thread the bottleneck. See docs/collate.md.)
 * - The writer appends batches strictly in sequence order (a reorder buffer holds early ones)
 *   with one write per batch, so the file only ever grows by whole rows.
 * - At most `inFlight` batches are outstanding (read but not written): memory stays flat
 *   however long the input is.
 * - `--resume` (src/collate/resume.ts) counts the complete rows of an existing output, skips
 *   that many input rows and appends.
 *
 * @example
 * const s = await collate({ queries: 'q.csv', snapshot: 'snap/', out: 'r.csv', workers: 2 })
 * s.rows; s.grades.confirmed
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { NayoseError } from '../errors.js'
import type { Encoding } from '../io/csv.js'
import { createProgress } from '../io/progress.js'
import { HEADER_LINE } from './format.js'
import { WorkerPool } from './pool.js'
import { resumePoint } from './resume.js'
import { readHeader, splitRecords } from './split.js'

/** SPEC §2 query fields read from the CSV header. */
export const QUERY_COLUMNS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id'] as const

export const DEFAULT_BATCH = 2048

export interface CollateOptions {
  queries: string
  snapshot: string
  out: string
  /** Worker threads (default: available cores). */
  workers?: number
  resume?: boolean
  /** Encoding of the query file. */
  encoding?: Encoding
  /** Encoding of the results file (default: the query file's). */
  outEncoding?: Encoding
  /** Queries per batch handed to a worker (default 2048). */
  batch?: number
  /** Batches read but not yet written, at most (default 4 per worker). */
  inFlight?: number
  /** Candidates per query (SPEC §2 `limit`, default 3). */
  limit?: number
  encryptionKeyFile?: string
  quiet?: boolean
  /** Where notices go (default process.stderr). */
  log?: (line: string) => void
  /** Abort: stop reading, finish and write the batches in flight, return `interrupted: true`. */
  signal?: AbortSignal
}

export interface CollateSummary {
  /** Rows written by this run. */
  rows: number
  /** Input rows skipped because a previous run had written them (--resume). */
  skipped: number
  grades: Record<string, number>
  snapshot: string
  workers: number
  /** Wall time, start to last byte written. */
  seconds: number
  /** Slowest engine load among the workers that loaded before the file was done. */
  loadSeconds: number
  /** From the moment every engine was loaded (or the first, if the file was done before the rest) to the last byte written. */
  matchSeconds: number
  /** Rows written during `matchSeconds`. */
  matchRows: number
  /** CPU time of the whole process (all threads) over `matchSeconds`: less sensitive to a shared machine. */
  matchCpuSeconds: number
  interrupted: boolean
}

/** Runs one collation; resolves when every read row is written (or after an abort). */
export async function collate(opts: CollateOptions): Promise<CollateSummary> {
  const t0 = performance.now()
  const log = opts.log ?? ((l: string) => { process.stderr.write(l + '\n') })
  const workers = Math.max(1, Math.floor(opts.workers ?? availableParallelism()))
  const batchSize = Math.max(1, Math.floor(opts.batch ?? DEFAULT_BATCH))
  const inFlight = Math.max(2, Math.floor(opts.inFlight ?? workers * 4))
  const encoding = opts.encoding ?? 'utf8'
  const outEncoding = opts.outEncoding ?? encoding

  // Header first: a bad query file must not truncate an existing output.
  const header = await readHeader(opts.queries, encoding)
  const names = header.names
  const qidColumn = names.indexOf('qid')
  const fields = QUERY_COLUMNS.filter((c) => names.includes(c)).map((c): [string, number] => [c, names.indexOf(c)])
  if (!fields.length) throw new NayoseError('BAD_HEADER', `${opts.queries} names none of the query columns (qid, ${QUERY_COLUMNS.join(', ')})`)
  const unknown = names.filter((h) => h !== 'qid' && !(QUERY_COLUMNS as readonly string[]).includes(h))
  if (unknown.length) log(`collate: ignoring unknown column(s): ${unknown.join(', ')}`)
  if (qidColumn < 0) log('collate: no qid column: qid is the data row number (1 = first row after the header)')

  const pool = new WorkerPool(workers, {
    snapshot: opts.snapshot, encoding, outEncoding, columns: names.length, qidColumn, fields,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}), ...(opts.encryptionKeyFile ? { encryptionKeyFile: opts.encryptionKeyFile } : {}),
  })
  let fd = -1
  let written = 0
  try {
    // "after load": from the moment every engine was loaded (or, when the file was done before
    // the last one loaded, the first), to the last byte written
    let readyAt = 0, readyCpu = process.cpuUsage(), readyRows = 0
    pool.onReady = () => {
      if (pool.readyCount === 1 || pool.readyCount === pool.size) { readyAt = performance.now(); readyCpu = process.cpuUsage(); readyRows = written }
      notify()
    }
    const point = opts.resume ? resumePoint(opts.out, HEADER_LINE) : null
    const skip = point?.rows ?? 0
    if (point) {
      log(`collate: resuming after ${point.rows} rows already in ${opts.out}${point.truncated ? ` (cut a torn last row of ${point.truncated} bytes)` : ''}`)
    }
    fd = openSync(opts.out, point ? 'a' : 'w')
    if (!point) writeSync(fd, HEADER_LINE)

    const progress = createProgress({ label: 'collate', total: header.size, unit: 'B', items: 'queries', quiet: opts.quiet })
    const grades: Record<string, number> = {}
    let readTo = header.bytes
    const pending = new Map<number, { bytes: Uint8Array; grades: Record<string, number>; rows: number }>()
    let nextWrite = 0, nextSeq = 0
    let wake: (() => void) | undefined
    const notify = () => { const w = wake; wake = undefined; w?.() }
    let failure: Error | undefined

    pool.onDone = (seq, bytes, g, rows) => {
      pending.set(seq, { bytes, grades: g, rows })
      while (pending.has(nextWrite)) {
        const b = pending.get(nextWrite)!
        pending.delete(nextWrite)
        writeAll(fd, b.bytes)
        for (const k in b.grades) grades[k] = (grades[k] ?? 0) + b.grades[k]!
        written += b.rows
        nextWrite++
      }
      progress.update(readTo, skip + written)
      notify()
    }
    pool.onFatal = (e) => { failure ??= e; notify() }

    const waitFor = async (cond: () => boolean) => {
      while (!cond() && !failure) await new Promise<void>((r) => { wake = r })
      if (failure) throw failure
    }

    for await (const b of splitRecords(opts.queries, header.bytes, batchSize, skip, opts.signal)) {
      await waitFor(() => nextSeq - nextWrite < inFlight)
      pool.submit({ t: 'batch', seq: nextSeq++, bytes: b.bytes, records: b.records, firstRow: b.firstRow, ...(b.error ? { error: b.error } : {}) })
      readTo = b.end
      if (opts.signal?.aborted) break
    }
    await waitFor(() => nextWrite === nextSeq)
    if (!pool.readyCount) await waitFor(() => pool.readyCount > 0) // an empty file: still open the snapshot once
    const info = pool.info()!
    progress.stop()
    return {
      rows: written, skipped: skip, grades, snapshot: info.version, workers,
      seconds: (performance.now() - t0) / 1000, loadSeconds: info.loadSeconds,
      matchSeconds: (performance.now() - Math.max(readyAt, t0)) / 1000,
      matchRows: written - readyRows,
      matchCpuSeconds: cpuSince(readyCpu),
      interrupted: !!opts.signal?.aborted,
    }
  } finally {
    if (fd >= 0) closeSync(fd)
    await pool.close()
  }
}

function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1e6
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
}
