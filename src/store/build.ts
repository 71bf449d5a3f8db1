/**
 * `snapshot build`: resident CSV → snapshot directory.
 *
 * Streams the CSV (src/io/csv.ts), validates each row (validate.ts), normalises a batch of rows
 * column by column with the WASM core (one call per column per batch; keys are computed here,
 * once), encodes the match rows straight from WASM memory (match-row.ts) and appends them to
 * `rows`, one synchronous transaction per batch; records and ids are spooled and appended after
 * the rows in resident_id order (see RecordSpool). The environment is built in a sibling
 * directory `<out>.building-<pid>` and renamed into place at the end, so a crashed build never
 * leaves a half snapshot at `out`. Rejected rows go to `out/rejects.csv` (`line,reason,raw`).
 * @example
 * const s = await buildSnapshot('residents.csv', 'snap', { encoding: 'utf8' })
 * s.read === s.loaded + s.rejected
 */
import { normalizerFingerprint } from '../normalize/fingerprint.js'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { asBinary } from 'lmdb'
import { Packr } from 'msgpackr'
import type { ResidentRecord } from '../engine/types.js'
import { NayoseError } from '../errors.js'
import { openCsv, createCsvWriter, type CsvWriter, type Encoding } from '../io/csv.js'
import { createProgress } from '../io/progress.js'
import { WasmNormalizer } from '../normalize/batch.js'
import { emptyCounts, getToolVersion, newVersion, writeManifestFile, TOOL_NAME, MANIFEST_FORMAT, type Manifest } from './manifest.js'
import { COLUMN_NORMALIZER, FIELD, FIELD_SHAPE, FieldArena, STATUS_CODE, encodeRowFromArena, type RowColumn } from './match-row.js'
import { openEnv } from './snapshot.js'
import { REQUIRED_COLUMNS, validateResident, type Reason } from './validate.js'

export interface BuildOptions {
  encoding?: Encoding
  /** Mark the snapshot SYNTHETIC (also detected: see isSyntheticSource). */
  synthetic?: boolean
  encryptionKey?: Buffer | string
  /** Replace an existing snapshot at `out`. */
  force?: boolean
  /** Rows per normaliser/LMDB batch. */
  batchRows?: number
  /** No progress output. */
  quiet?: boolean
  /** Records per sorted spool run (tests use small runs to exercise the merge). */
  spoolRunRecords?: number
  /** Leave the raw column of rejects.csv empty (default when encrypted: no plaintext copies). */
  rejectsWithoutRaw?: boolean
  /** Write the engine's index image after the build (default true; never for encrypted snapshots). */
  image?: boolean
}

/** What writing a snapshot's index image did (docs/store.md "Index image"). */
export interface ImageSummary {
  /** The image file, or why none was written (`encrypted`, `disabled`) or the error. */
  path?: string
  skipped?: string
  error?: string
  bytes?: number
  seconds?: number
  /** Images of other versions (and stale temp files) deleted. */
  pruned?: string[]
  /** Where the from-rows build ran: a worker thread, or this one (worker script not built). */
  via?: 'worker' | 'here'
}

/**
 * Builds the engine of the snapshot in `dir` from its rows and writes its index image
 * (DIR/index/<version>.img), then deletes the images of every other version. The build runs in a
 * worker thread (src/engine/image-worker.ts: the caller's event loop keeps running — a server
 * applying a delta keeps answering), or on this thread when the worker script is not built.
 * Never throws: a failure is reported in the summary (engines then build from rows and retry).
 */
export async function writeIndexImage(dir: string, opts: { encryptionKey?: Buffer | string } = {}): Promise<ImageSummary> {
  if (opts.encryptionKey) return { skipped: 'encrypted' }
  const t0 = performance.now()
  try {
    const { pruneImages } = await import('../engine/image.js')
    const w = await imageInWorker(dir)
    const via = w ? 'worker' as const : 'here' as const
    const r = w ?? await imageHere(dir)
    const pruned = r.version ? pruneImages(dir, [r.version]) : []
    if (!r.path) return { error: r.error ?? 'not written', pruned, via }
    return { path: r.path, bytes: statSync(r.path).size, seconds: (performance.now() - t0) / 1000, pruned, via }
  } catch (err) {
    return { error: (err as Error).message }
  }
}

interface ImageReply { version?: string; path?: string; error?: string }

/** The image written by a worker thread; undefined when the worker script is not built. */
async function imageInWorker(dir: string): Promise<ImageReply | undefined> {
  let url = new URL('../engine/image-worker.js', import.meta.url)
  // tests import src/: the worker runs from dist/
  if (import.meta.url.endsWith('.ts')) url = new URL(url.href.replace('/src/engine/', '/dist/src/engine/'))
  if (!existsSync(fileURLToPath(url))) return undefined
  const { Worker } = await import('node:worker_threads')
  return new Promise<ImageReply>((resolve) => {
    const w = new Worker(url, { workerData: { dir } })
    let got: ImageReply | undefined
    w.once('message', (m: ImageReply) => { got = m })
    w.once('error', (e) => { got ??= { error: e.message } })
    w.once('exit', (code) => resolve(got ?? { error: `image worker exited with code ${code}` }))
  })
}

/** The same on this thread (blocks it for the from-rows build). */
async function imageHere(dir: string): Promise<ImageReply> {
  const { Engine } = await import('../engine/engine.js')
  const e = Engine.openDir(dir, { image: 'rebuild' })
  try {
    return { version: e.version, ...(e.loadInfo.imageWritten ? { path: e.loadInfo.imageWritten } : { error: e.loadInfo.imageError ?? 'not written' }) }
  } finally {
    e.close()
  }
}

export interface BuildSummary {
  version: string
  read: number
  loaded: number
  rejected: number
  rejectsByCode: Record<string, number>
  /** Optional columns the normaliser refused, by `column:CODE` (stored with their status). */
  fieldWarnings: Record<string, number>
  seconds: number
  dir: string
  manifest: Manifest
  /** The index image written after the build (absent when `image: false`). */
  image?: ImageSummary
}

/** Columns that go into a match row, in row order. */
export const ROW_COLUMNS: readonly RowColumn[] = [
  'name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number',
  'former_surname', 'former_surname_kana', 'alias', 'alias_kana', 'name_roman',
]
/** Columns whose refusal by the normaliser rejects the row (they are exact in the file format). */
const STRICT_COLUMNS = new Set<RowColumn>(['birth_date', 'sex', 'my_number'])

export const REJECT_COLUMNS = ['line', 'reason', 'raw'] as const

/**
 * SYNTHETIC when asked, when the file name says `synthetic`, or when a sidecar
 * `<file>.meta.json` holds `"synthetic": true` (what `nayose gen` is asked to write).
 */
export function isSyntheticSource(csv: string, flag?: boolean): boolean {
  if (flag) return true
  if (/synthetic/i.test(basename(csv))) return true
  try {
    return JSON.parse(readFileSync(`${csv}.meta.json`, 'utf8')).synthetic === true
  } catch {
    return false
  }
}

interface Pending { line: number; raw: string; record: ResidentRecord }

/**
 * Normalises and encodes a batch of validated records. Returns per record either the row bytes
 * or a reject reason (a strict column the core refused); counts refused optional columns.
 */
export class RowEncoder {
  readonly normalizer: WasmNormalizer
  #arena: FieldArena
  #values: string[] = []
  #index: number[] = []
  constructor(readonly batchRows: number, normalizer?: WasmNormalizer) {
    this.normalizer = normalizer ?? WasmNormalizer.create()
    this.#arena = new FieldArena(batchRows, ROW_COLUMNS.length)
  }

  encode(records: readonly ResidentRecord[], warnings: Record<string, number>): (Uint8Array | Reason)[] {
    if (records.length > this.batchRows) throw new RangeError('batch too large')
    const arena = this.#arena
    arena.reset()
    for (let c = 0; c < ROW_COLUMNS.length; c++) {
      const column = ROW_COLUMNS[c]!
      const field = COLUMN_NORMALIZER[column], shape = FIELD_SHAPE[field], fieldId = FIELD[column]
      const values = this.#values, index = this.#index
      values.length = 0
      index.length = 0
      for (let r = 0; r < records.length; r++) {
        const v = (records[r] as unknown as Record<string, string | undefined>)[column]
        if (v) { index.push(r); values.push(v) }
      }
      if (!values.length) continue
      this.normalizer.run(field, values, (view) => {
        for (let k = 0; k < view.count; k++) arena.add(index[view.first + k]!, c, fieldId, view, k, shape)
      })
    }
    const out: (Uint8Array | Reason)[] = new Array(records.length)
    for (let r = 0; r < records.length; r++) {
      let reason: Reason | undefined
      for (let c = 0; c < ROW_COLUMNS.length; c++) {
        const st = arena.status(r, c)
        if (st === undefined || st === 0) continue
        const column = ROW_COLUMNS[c]!
        if (STRICT_COLUMNS.has(column)) { reason ??= { code: statusCode(st), message: `${column} refused by the normaliser` }; continue }
        const key = `${column}:${statusCode(st)}`
        warnings[key] = (warnings[key] ?? 0) + 1
      }
      const rec = records[r]!
      out[r] = reason ?? encodeRowFromArena(arena, r, rec.resident_id, STATUS_CODE[rec.status])
    }
    return out
  }
}

function statusCode(st: number): string {
  return ({ [-1]: 'TOO_LONG', [-2]: 'EMPTY', [-3]: 'BAD_KANA', [-4]: 'BAD_NAME', [-10]: 'BAD_DATE', [-11]: 'BAD_DATE', [-12]: 'BAD_DATE', [-13]: 'BAD_DATE', [-20]: 'BAD_SEX', [-30]: 'BAD_ADDRESS', [-40]: 'BAD_MY_NUMBER', [-41]: 'BAD_CHECK_DIGIT', [-42]: 'BAD_RESIDENT_ID', [-50]: 'BAD_FIELD' } as Record<number, string>)[st] ?? `STATUS_${st}`
}

/**
 * Records and ids are spooled to a file during the build and written to LMDB after all match
 * rows, in resident_id order. Rows, written first into the fresh environment in ascending order
 * (MDB_APPEND), occupy one run of pages in data.mdb, so loading them maps only them (interleaved
 * with record pages, the kernel's fault-around mapped the whole file while loading: RSS 780 MB
 * instead of about 320 MB for 1 M residents). Records and ids, sorted, are appended too: full
 * pages and no copy-on-write churn (random inserts left data.mdb at 1.0–1.2 GB per 1 M instead
 * of 0.57 GB). The spool is an external merge sort: runs of RUN_RECORDS records sorted in memory
 * (plain msgpack), then merged by a heap, reading each run sequentially.
 */
const RUN_RECORDS = 1 << 16
const ENTRY_HEAD = 16 // u32 length, f64 resident_id, u32 row

class RecordSpool {
  #fd: number
  #written = 0
  #runs: { start: number; end: number }[] = []
  #count = 0
  #ids: Float64Array
  #rows: Uint32Array
  #packed: Buffer[] = []
  #packr = new Packr({ useRecords: false })
  constructor(readonly path: string, readonly runRecords = RUN_RECORDS) {
    this.#fd = openSync(path, 'w')
    this.#ids = new Float64Array(runRecords)
    this.#rows = new Uint32Array(runRecords)
  }
  add(record: ResidentRecord, row: number): void {
    const i = this.#packed.length
    this.#ids[i] = Number(record.resident_id)
    this.#rows[i] = row
    this.#packed.push(this.#packr.pack(record))
    this.#count++
    if (this.#packed.length === this.runRecords) this.#flushRun()
  }
  /** Kept for the build loop's rhythm: runs are written when full. */
  flush(): void {}
  #flushRun(): void {
    const n = this.#packed.length
    if (!n) return
    const ids = this.#ids, rows = this.#rows, packed = this.#packed
    const order = new Uint32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    order.sort((a, b) => ids[a]! - ids[b]!)
    let size = 0
    for (let i = 0; i < n; i++) size += ENTRY_HEAD + packed[i]!.length
    const buf = Buffer.allocUnsafe(size)
    let p = 0
    for (let k = 0; k < n; k++) {
      const i = order[k]!, b = packed[i]!
      buf.writeUInt32LE(b.length, p)
      buf.writeDoubleLE(ids[i]!, p + 4)
      buf.writeUInt32LE(rows[i]!, p + 12)
      b.copy(buf, p + ENTRY_HEAD)
      p += ENTRY_HEAD + b.length
    }
    writeSync(this.#fd, buf, 0, size, this.#written)
    this.#runs.push({ start: this.#written, end: this.#written + size })
    this.#written += size
    this.#packed = []
  }
  close(): void {
    this.#flushRun()
    closeSync(this.#fd)
  }
  /** Merges the runs into `records` and `ids` (appends), 100 000 per transaction; deletes the spool. */
  load(env: ReturnType<typeof openEnv>): void {
    const fd = openSync(this.path, 'r')
    try {
      const bufBytes = Math.max(64 << 10, Math.min(1 << 20, (256 << 20) / Math.max(1, this.#runs.length)))
      const readers = this.#runs.map((r) => new RunReader(fd, r.start, r.end, bufBytes)).filter((r) => r.next())
      // binary min-heap of readers by their current id
      const heap = readers
      const less = (a: RunReader, b: RunReader) => a.id < b.id
      const down = (i: number) => {
        for (;;) {
          const l = 2 * i + 1, r = l + 1
          let m = i
          if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
          if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
          if (m === i) return
          const t = heap[i]!; heap[i] = heap[m]!; heap[m] = t
          i = m
        }
      }
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i)
      let written = 0
      while (heap.length) {
        env.root.transactionSync(() => {
          for (let k = 0; k < 100_000 && heap.length; k++) {
            const top = heap[0]!
            // 11 digits, so the string order is the numeric order of the merge
            const id = String(top.id).padStart(11, '0')
            env.ids.putSync(id, top.row, { append: true })
            env.records.putSync(id, asBinary(top.bytes) as never, { append: true })
            written++
            if (!top.next()) {
              heap[0] = heap[heap.length - 1]!
              heap.pop()
            }
            if (heap.length) down(0)
          }
        })
      }
      if (written !== this.#count) throw new NayoseError('INTERNAL', `record spool gave ${written} of ${this.#count} records`)
    } finally {
      closeSync(fd)
      rmSync(this.path, { force: true })
    }
  }
}

/** Sequential reader of one sorted run; `bytes` is valid until the next `next()`. */
class RunReader {
  id = 0
  row = 0
  bytes: Buffer = Buffer.alloc(0)
  #buf: Buffer
  #off = 0
  #len = 0
  #pos: number
  constructor(readonly fd: number, start: number, readonly end: number, bufBytes: number) {
    this.#pos = start
    this.#buf = Buffer.allocUnsafe(bufBytes)
  }
  #ensure(n: number): boolean {
    if (this.#len - this.#off >= n) return true
    if (n > this.#buf.length) {
      const bigger = Buffer.allocUnsafe(n)
      this.#buf.copy(bigger, 0, this.#off, this.#len)
      this.#buf = bigger
    } else {
      this.#buf.copy(this.#buf, 0, this.#off, this.#len)
    }
    this.#len -= this.#off
    this.#off = 0
    while (this.#len < n && this.#pos < this.end) {
      const got = readSync(this.fd, this.#buf, this.#len, Math.min(this.#buf.length - this.#len, this.end - this.#pos), this.#pos)
      if (got <= 0) break
      this.#len += got
      this.#pos += got
    }
    return this.#len >= n
  }
  next(): boolean {
    if (!this.#ensure(ENTRY_HEAD)) return false
    const len = this.#buf.readUInt32LE(this.#off)
    if (!this.#ensure(ENTRY_HEAD + len)) throw new NayoseError('INTERNAL', 'record spool ends inside a record')
    this.id = this.#buf.readDoubleLE(this.#off + 4)
    this.row = this.#buf.readUInt32LE(this.#off + 12)
    this.bytes = this.#buf.subarray(this.#off + ENTRY_HEAD, this.#off + ENTRY_HEAD + len)
    this.#off += ENTRY_HEAD + len
    return true
  }
}

/** Builds a snapshot from a resident CSV (see the file comment). */
export async function buildSnapshot(csvPath: string, out: string, opts: BuildOptions = {}): Promise<BuildSummary> {
  const started = Date.now()
  const encoding = opts.encoding ?? 'utf8'
  const batchRows = opts.batchRows ?? 4096
  if (existsSync(out) && !opts.force) throw new NayoseError('EXISTS', `${out} already exists (use --force to replace it)`)
  const tmp = `${out.replace(/\/+$/, '')}.building-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const hash = createHash('sha256')
  let ok = false
  let env: ReturnType<typeof openEnv> | undefined
  let rejects: CsvWriter | undefined
  try {
    const csv = await openCsv(csvPath, { encoding, required: REQUIRED_COLUMNS, onChunk: (b) => hash.update(b) })
    const keyOpt = opts.encryptionKey ? { encryptionKey: opts.encryptionKey } : {}
    env = openEnv(tmp, { ...keyOpt, noSync: true })
    const { rows: rowsDb } = env
    rejects = createCsvWriter(join(tmp, 'rejects.csv'), REJECT_COLUMNS)
    const noRaw = opts.rejectsWithoutRaw ?? !!opts.encryptionKey
    const rejectsByCode: Record<string, number> = {}
    const fieldWarnings: Record<string, number> = {}
    const counts = emptyCounts()
    const seen = new Map<number, number>() // resident_id (as a number) → line
    const encoder = new RowEncoder(batchRows)
    const spool = new RecordSpool(join(tmp, 'records.spool'), opts.spoolRunRecords)
    const progress = createProgress({ label: 'snapshot build', total: csv.size, unit: 'B', items: 'rows', quiet: opts.quiet ?? false })
    let read = 0, loaded = 0, rejected = 0, nextRow = 0
    let pending: Pending[] = []
    const reject = async (line: number, reason: Reason, raw: string) => {
      rejected++
      rejectsByCode[reason.code] = (rejectsByCode[reason.code] ?? 0) + 1
      await rejects!.write([line, `${reason.code}: ${reason.message}`, noRaw ? '' : raw])
    }
    const flush = async () => {
      const batch = pending
      pending = []
      const encoded = encoder.encode(batch.map((p) => p.record), fieldWarnings)
      const rows: Uint8Array[] = []
      for (let i = 0; i < batch.length; i++) {
        const e = encoded[i]!, p = batch[i]!
        if (!(e instanceof Uint8Array)) {
          seen.delete(Number(p.record.resident_id))
          await reject(p.line, e, p.raw)
          continue
        }
        rows.push(e)
        spool.add(p.record, nextRow + rows.length - 1)
        loaded++
        counts[p.record.status]++
        counts.live++
      }
      // One synchronous transaction per batch (no fsync yet): putSync costs a fraction of
      // lmdb-js' asynchronous put bookkeeping, and rows ascend, so MDB_APPEND fills pages.
      env!.root.transactionSync(() => {
        for (const e of rows) rowsDb.putSync(nextRow++, e, { append: true })
      })
      spool.flush()
    }
    for await (const r of csv.rows) {
      read++
      if (r.error) { await reject(r.line, r.error, r.raw); continue }
      const v = validateResident(r.fields)
      if ('error' in v) { await reject(r.line, v.error, r.raw); continue }
      const idNum = Number(v.record.resident_id)
      const first = seen.get(idNum)
      if (first !== undefined) { await reject(r.line, { code: 'DUPLICATE_ID', message: `resident_id already on line ${first}` }, r.raw); continue }
      seen.set(idNum, r.line)
      pending.push({ line: r.line, raw: r.raw, record: v.record })
      if (pending.length >= batchRows) {
        await flush()
        progress.update(csv.bytesRead(), read)
      }
    }
    if (pending.length) await flush()
    spool.close()
    spool.load(env)
    progress.update(csv.bytesRead(), read)
    progress.stop()
    await rejects.close()
    rejects = undefined
    const now = new Date().toISOString()
    const sha256 = hash.digest('hex')
    const seconds = (Date.now() - started) / 1000
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: newVersion(1, sha256 + now),
      seq: 1,
      synthetic: isSyntheticSource(csvPath, opts.synthetic),
      encrypted: !!opts.encryptionKey,
      built_at: now,
      committed_at: now,
      tool: { name: TOOL_NAME, version: getToolVersion() },
      normalizer: normalizerFingerprint(),
      source: { file: basename(csvPath), sha256, bytes: csv.size, encoding },
      counts,
      rows: nextRow,
      tombstones: 0,
      build: { read, loaded, rejected, seconds, rejects_by_code: rejectsByCode, field_warnings: fieldWarnings },
      deltas: [],
    }
    if (read !== loaded + rejected) throw new NayoseError('INTERNAL', `read ${read} ≠ loaded ${loaded} + rejected ${rejected}`)
    // Data went in without fsync; the manifest commits last, synchronously, in a reopened env:
    // its fsync of data.mdb also flushes every earlier page. Without it, there is no snapshot.
    await env.root.close()
    env = openEnv(tmp, keyOpt)
    env.root.transactionSync(() => env!.meta.putSync('manifest', manifest))
    await env.root.close()
    env = undefined
    writeManifestFile(tmp, manifest)
    if (existsSync(out)) {
      const old = `${out.replace(/\/+$/, '')}.old-${process.pid}`
      renameSync(out, old)
      renameSync(tmp, out)
      rmSync(old, { recursive: true, force: true })
    } else {
      renameSync(tmp, out)
    }
    ok = true
    const image = opts.image === false ? undefined : await writeIndexImage(out, keyOpt)
    return { version: manifest.version, read, loaded, rejected, rejectsByCode, fieldWarnings, seconds, dir: out, manifest, ...(image ? { image } : {}) }
  } finally {
    if (!ok) {
      await rejects?.close().catch(() => {})
      if (env) await env.root.close().catch(() => {})
      rmSync(tmp, { recursive: true, force: true })
    }
  }
}
