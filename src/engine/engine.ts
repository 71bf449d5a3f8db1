/**
 * The matching engine: one snapshot version in one WASM instance (docs/ARCHITECTURE.md §4).
 *
 * @example
 * const engine = Engine.open(Snapshot.open(dir))
 * const r = engine.match({ name: '山田 太郎', birth_date: 'S45.3.2', sex: '男', address: '東京都…' })
 * r.grade // 'confirmed' | 'probable' | 'ambiguous' | 'none' | 'error'
 */
import { checkNormalizer } from '../normalize/fingerprint.js'
import { Snapshot } from '../store/snapshot.js'
import { isDeleted } from '../store/match-row.js'
import { statusError, NayoseError } from '../errors.js'
import type { EngineCandidate, EngineResult, Query, ResidentRecord } from './types.js'
import { WasmMatcher, queryValues, QUERY_FIELDS, type RawAnswer } from './codec.js'
import { resolveParams, weightTable, type DeepPartial, type MatchParams, type SnapshotStats } from './params.js'
import { agreementOfCode, grade, levelsOf } from './grade.js'
import { ImageMissError, imagePath, restoreImage, saveImage, saveImageAsync } from './image.js'

export interface EngineOptions {
  params?: DeepPartial<MatchParams>
  /** Return the weak candidates of a `none` too (CLI explanations; never on the wire). */
  explainNone?: boolean
  /** Close the snapshot with the engine. */
  ownsSnapshot?: boolean
  /**
   * Index image of the snapshot version (src/engine/image.ts, docs/store.md): `auto` restores it
   * when valid, else builds from rows and writes it (best effort); `read` restores a valid one but
   * never writes; `rebuild` builds from rows and writes it (snapshot build/delta/index); `off`
   * neither reads nor writes. Default: the environment variable NAYOSE_IMAGE, else `auto`. Only a
   * Snapshot (a directory) that is not encrypted has images.
   */
  image?: ImageMode
}

export type ImageMode = 'auto' | 'read' | 'rebuild' | 'off'
const IMAGE_MODES: readonly string[] = ['auto', 'read', 'rebuild', 'off']

/** The default image mode: NAYOSE_IMAGE when it names one, else `auto`. */
function defaultImageMode(): ImageMode {
  const v = process.env.NAYOSE_IMAGE
  return v && IMAGE_MODES.includes(v) ? (v as ImageMode) : 'auto'
}

/** How an engine got its index (Engine.loadInfo). */
export interface LoadInfo {
  from: 'image' | 'rows'
  /** Why no image was used (`missing`, `other-wasm`, `bad-checksum`…, `off`, `encrypted`, `no-dir`). */
  imageMiss?: string
  /** Path of the image written after a build from rows, or why writing failed. */
  imageWritten?: string
  imageError?: string
  /** Milliseconds: rows read + parsed, postings built, statistics, image restore / write. */
  readMs: number
  buildMs: number
  statsMs: number
  restoreMs: number
  writeMs: number
}

/** What Engine.open needs of a snapshot (src/store/snapshot.ts Snapshot satisfies it). */
export interface RowSource {
  manifest(): { version: string; normalizer?: string }
  rowCount(): number
  rows(): Iterable<{ row: number; bytes: Uint8Array }>
  record(residentId: string): ResidentRecord | undefined
  close?(): void
}

export const DEFAULT_LIMIT = 3
export const MAX_LIMIT = 16

export class Engine {
  readonly version: string
  readonly params: MatchParams
  readonly stats: SnapshotStats
  readonly loadSeconds: number
  /** Where the index came from and what the load cost (bench, `snapshot info`, tests). */
  readonly loadInfo: LoadInfo
  /**
   * The index image written after a load from rows: resolves to its path when written (in the
   * background in `auto` mode: the engine serves meanwhile), undefined when none was (image
   * restored, mode `read`/`off`, encrypted, or a write error — see loadInfo.imageError).
   */
  readonly imageWrite: Promise<string | undefined> = Promise.resolve(undefined)
  #matcher: WasmMatcher
  #size = { rows: 0, live: 0, postings: 0 }
  #source: RowSource
  #opts: EngineOptions
  #absentMass: number
  #closed = false

  private constructor(source: RowSource, opts: EngineOptions) {
    const t0 = performance.now()
    this.#source = source
    this.#opts = opts
    this.version = source.manifest().version
    // stored keys and query keys must come from the same normaliser (SNAPSHOT_STALE otherwise)
    checkNormalizer(source.manifest().normalizer, `snapshot ${this.version}`)
    this.params = resolveParams(opts.params)
    const mode = opts.image ?? defaultImageMode()
    const dir = source instanceof Snapshot && !source.manifest().encrypted ? source.dir : undefined
    const info: LoadInfo = { from: 'rows', readMs: 0, buildMs: 0, statsMs: 0, restoreMs: 0, writeMs: 0 }
    let m: WasmMatcher | undefined
    let live = 0
    let stats: SnapshotStats | undefined
    if (!dir || (mode !== 'auto' && mode !== 'read')) info.imageMiss = mode === 'off' ? 'off' : mode === 'rebuild' ? 'rebuild' : source instanceof Snapshot ? 'encrypted' : 'no-dir'
    else {
      const fresh = new WasmMatcher()
      try {
        const r = restoreImage(fresh, imagePath(dir, this.version), { version: this.version, rows: source.rowCount() })
        m = fresh; live = r.live; stats = r.stats
        info.from = 'image'; info.restoreMs = r.ms
      } catch (e) {
        // whatever went wrong, the image is not used: rows are the truth
        info.imageMiss = e instanceof ImageMissError ? e.reason : `error: ${(e as Error).message}`
      }
    }
    if (!m || !stats) {
      m = new WasmMatcher()
      const counting = function* (rows: Iterable<{ row: number; bytes: Uint8Array }>) {
        for (const r of rows) { if (!isDeleted(r.bytes)) live++; yield r }
      }
      m.load(source.rowCount(), counting(source.rows()))
      info.readMs = m.timings.readMs; info.buildMs = m.timings.buildMs
      const ts = performance.now()
      stats = {
        rows: live,
        birthExact: m.collisionRate(0),
        birthNear: m.nearDateRate(400_000, 0x9e3779b9),
        prefecture: m.collisionRate(1),
        city: m.collisionRate(2),
        town: m.collisionRate(3),
        chome: m.collisionRate(4),
        address: m.collisionRate(5),
        sexExact: m.collisionRate(6),
      }
      info.statsMs = performance.now() - ts
      const meta = { version: this.version, rows: m.rows, live, postings: m.postings, stats }
      const failed = (e: unknown) => {
        info.imageError = (e as Error).message
        process.emitWarning(`index image for ${this.version} not written: ${(e as Error).message}`, { code: 'NAYOSE_IMAGE' })
        return undefined
      }
      if (dir && mode === 'rebuild') {
        // the operator's tools wait for the file
        try {
          const w = saveImage(m, dir, meta)
          info.imageWritten = w.path; info.writeMs = w.ms
        } catch (e) {
          failed(e)
        }
        this.imageWrite = Promise.resolve(info.imageWritten)
      } else if (dir && mode === 'auto') {
        // serving starts now; the image is written in the background (saveImageAsync)
        this.imageWrite = saveImageAsync(m, dir, meta).then((w) => {
          info.imageWritten = w.path; info.writeMs = w.ms
          return w.path
        }, failed)
      }
    }
    this.#matcher = m
    this.stats = stats
    this.loadInfo = info
    m.setParams(weightTable(this.params, this.stats))
    const prior = Math.min(Math.max(this.params.presentPrior, 1e-6), 1 - 1e-9)
    this.#absentMass = Math.max(live, 1) * (1 - prior) / prior
    this.#size = { rows: m.rows, live: live, postings: m.postings }
    this.loadSeconds = (performance.now() - t0) / 1000
  }

  /** Loads a snapshot version into a new WASM instance. */
  static open(snapshot: RowSource, opts: EngineOptions = {}): Engine {
    return new Engine(snapshot, opts)
  }

  /** Opens the snapshot in `dir` and an engine on it; the engine closes the snapshot. */
  static openDir(dir: string, opts: EngineOptions & { encryptionKey?: string | Buffer } = {}): Engine {
    const s = Snapshot.open(dir, opts.encryptionKey ? { encryptionKey: opts.encryptionKey } : {})
    try {
      return new Engine(s, { ...opts, ownsSnapshot: true })
    } catch (e) {
      s.close()
      throw e
    }
  }

  /** Rows loaded (tombstones included) and postings built. */
  get size(): { rows: number; live: number; postings: number } {
    return this.#size
  }

  match(q: Query): EngineResult {
    return this.matchBatch([q])[0]!
  }

  /** Answers queries in order; a bad query gets grade `error` alone. */
  matchBatch(qs: readonly Query[]): EngineResult[] {
    return this.#run(qs, undefined)
  }

  /** As matchBatch, plus per query the number of candidates examined (eval, bench, explain). */
  matchDetailed(qs: readonly Query[]): { result: EngineResult; examined: number }[] {
    const examined: number[] = new Array(qs.length)
    const rs = this.#run(qs, examined)
    const out: { result: EngineResult; examined: number }[] = new Array(qs.length)
    for (let i = 0; i < rs.length; i++) out[i] = { result: rs[i]!, examined: examined[i]! }
    return out
  }

  #run(qs: readonly Query[], examined: number[] | undefined): EngineResult[] {
    if (this.#closed) throw new NayoseError('ENGINE_CLOSED', `engine for ${this.version} is closed`)
    const values: string[][] = []
    // out[i] holds the early (error) result, or the index of the query's answer in `raw`
    const out: (EngineResult | number)[] = new Array(qs.length)
    for (let i = 0; i < qs.length; i++) {
      const q = qs[i]!
      const v = queryValues(q)
      if (!Array.isArray(v)) { out[i] = this.#error(q, v); continue }
      const lim = q.limit
      if (lim !== undefined && (!Number.isInteger(lim) || lim < 1 || lim > MAX_LIMIT)) {
        out[i] = this.#error(q, { code: 'BAD_LIMIT', message: `limit must be an integer 1..${MAX_LIMIT}` }); continue
      }
      if (v[0] === '' && v[1] === '' && v[2] === '' && v[3] === '' && v[4] === '' && v[5] === '' && v[6] === '') {
        out[i] = this.#error(q, { code: 'EMPTY_QUERY', message: 'the query has no field to match on' }); continue
      }
      out[i] = values.length
      values.push(v)
    }
    const raw = values.length ? this.#matcher.match(values) : []
    const results: EngineResult[] = new Array(qs.length)
    for (let i = 0; i < qs.length; i++) {
      const o = out[i]!
      if (typeof o !== 'number') { results[i] = o; if (examined) examined[i] = 0; continue }
      const a = raw[o]!
      results[i] = this.#answer(qs[i]!, a)
      if (examined) examined[i] = a.status < 0 ? 0 : a.candidatesExamined
    }
    return results
  }

  #error(q: Query, error: { code: string; message: string }): EngineResult {
    const r: EngineResult = { grade: 'error', candidates: [], snapshot: this.version, error }
    if (q && typeof q === 'object' && q.qid !== undefined) r.qid = q.qid
    return r
  }

  #answer(q: Query, a: RawAnswer): EngineResult {
    if (a.status < 0) {
      const e = statusError(a.status, QUERY_FIELDS[a.errField])
      return this.#error(q, { code: e.code, message: e.message })
    }
    const denom = a.sumLR + this.#absentMass
    const ch = a.chunk, off = a.off, n = a.count
    const w = ch.weights.subarray(off, off + n)
    const p = this.#probs
    for (let k = 0; k < n; k++) p[k] = Math.min(1, Math.pow(2, w[k]!) / denom)
    const g = grade(n, w, p, n ? levelsOf(ch.levels[off]!) : undefined, a.present, a.flags, this.params.grade)
    let shown = g.shown
    if (g.grade === 'none' && this.#opts.explainNone) shown = n
    shown = Math.min(shown, q.limit ?? DEFAULT_LIMIT)
    const candidates: EngineCandidate[] = new Array(shown)
    if (shown) {
      const fw = ch.fieldWeights
      for (let i = 0; i < shown; i++) {
        const k = off + i, f = k * 5
        candidates[i] = {
          residentId: this.#matcher.residentId(ch.rows[k]!),
          score: round(w[i]!),
          probability: p[i]!,
          agreement: agreementOfCode(ch.levels[k]!),
          weights: { name: round(fw[f]!), birth: round(fw[f + 1]!), sex: round(fw[f + 2]!), address: round(fw[f + 3]!), id: round(fw[f + 4]!) },
        }
      }
    }
    const result: EngineResult = { grade: g.grade, candidates, snapshot: this.version }
    if (q.qid !== undefined) result.qid = q.qid
    return result
  }
  #probs = new Float64Array(64)

  /** @internal The WASM matcher (bench/match-profile.ts measures the core alone). */
  get matcher(): WasmMatcher { return this.#matcher }

  /** The stored record of a resident (display fields come from LMDB, not the core). */
  person(residentId: string): ResidentRecord | undefined {
    return this.#source.record(residentId)
  }

  /** Releases the WASM instance (and the snapshot when the engine owns it). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    // Drop the instance so its linear memory can be collected even if this object lives on.
    this.#matcher = undefined as unknown as WasmMatcher
    if (this.#opts.ownsSnapshot) this.#source.close?.()
  }
}

function round(x: number): number { return Math.round(x * 1000) / 1000 }

export { ridText } from './codec.js'

/** Engine factory for EngineHost (src/engine/host.ts). */
export function createEngine(snapshot: RowSource, opts: EngineOptions = {}): Engine {
  return Engine.open(snapshot, opts)
}
