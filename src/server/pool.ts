// The server's match workers (`workers` ≥ 1 in the config): worker threads (match-worker.ts),
// each holding its own Engine of one snapshot version, so matching and the per-query work around
// it run beside the uWS thread instead of on it.
//
// Versions: a `PoolEngine` is the set of workers of one version. `EngineHost` builds one through
// `pool.factory` on open, reload and delta: the new version's workers load while the old ones
// keep answering, and the host swaps only once all of them are ready (the factory resolves then).
// A frame is addressed to the PoolEngine taken from `host.engine` for it, so it runs on that
// version; when the host retires the old version it calls `close()`, which posts `close` to its
// workers behind every frame already posted to them (a port is ordered): in-flight frames finish
// on the old version, nothing fails. Memory is one engine per worker, twice that during a swap.
//
// A worker that dies (crash, `terminate()`) answers nothing more: every frame it held is
// rejected with WorkerFailed (the server answers those queries WORKER_FAILED), and a replacement
// is started for the same version if the directory still holds it.
//
// Batching: each worker holds at most BATCHES_IN_FLIGHT messages; frames submitted meanwhile
// gather and go together as one message and one matchBatch call when it answers one.
import { Worker } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import type { ResidentRecord } from '../engine/types.js'
import { NayoseError } from '../errors.js'
import type { Snapshot } from '../store/snapshot.js'
import type { Admission, FlatDisclosures } from './answer.js'
import type { MatchWorkerInit, MatchWorkerReply, MatchWorkerRequest, WorkerJob } from './match-worker.js'
import type { Scope } from './scope.js'

/** A client as the workers need it: uid (new per config entry), pseudonym key, scope. */
export interface PoolClient { uid: number; key: string; scope: Scope; name: string; fields: string[] }

export interface FrameReply { bytes: Uint8Array; disc: FlatDisclosures; audit?: Uint8Array; grades: Record<string, number>; codes: Record<string, number> }

/** A frame's worker died before answering it. */
export class WorkerFailed extends Error {
  readonly code = 'WORKER_FAILED'
}

interface Job { resolve: (r: FrameReply) => void; reject: (e: Error) => void; queries: number }

interface W {
  worker: Worker
  ready: boolean
  /** jobs posted, by job id */
  jobs: Map<number, Job>
  queries: number
  clients: Set<number>
  dead: boolean
  /** frames waiting to be posted together (one message, one matchBatch) */
  pending: WorkerJob[]
  /** batches posted and not yet answered */
  batches: number
}

/**
 * Batches a worker holds at once. Below it a frame is posted at once (a lone frame waits for
 * nothing); at it, frames gather and go as one batch when the worker answers one — under load
 * batches grow by themselves, so port messages and WASM entries per query shrink.
 */
const BATCHES_IN_FLIGHT = 2

/** Where the worker script is: next to this module in dist/ (tests import src/, so map to dist/). */
function workerFile(): string {
  let url = new URL('./match-worker.js', import.meta.url)
  if (import.meta.url.endsWith('.ts')) url = new URL(url.href.replace('/src/server/', '/dist/src/server/'))
  const file = fileURLToPath(url)
  if (!existsSync(file)) throw new NayoseError('WORKER_MISSING', `match worker ${file} is not built: run \`npm run build\``)
  return file
}

export class MatchPool {
  readonly size: number
  readonly log: Logger | undefined
  #file = workerFile()
  #nextJob = 1
  #engines = new Set<PoolEngine>()
  #closed = false

  constructor(size: number, log?: Logger) {
    if (!Number.isInteger(size) || size < 1) throw new NayoseError('BAD_CONFIG', `workers must be an integer ≥ 1, not ${size}`)
    this.size = size
    this.log = log
  }

  /** EngineHost factory: starts this version's workers and resolves when all are loaded. */
  readonly factory = async (snapshot: Snapshot): Promise<PoolEngine> => {
    if (this.#closed) throw new NayoseError('HOST_CLOSED', 'the match pool is closed')
    const e = new PoolEngine(this, snapshot.dir, snapshot.manifest().version, snapshot)
    this.#engines.add(e)
    try {
      await e.start()
    } catch (err) {
      e.close()
      throw err
    }
    return e
  }

  /** Total RSS is per process; this is how many engines are loaded now (for /health). */
  get enginesLoaded(): number {
    let n = 0
    for (const e of this.#engines) n += e.readyWorkers
    return n
  }

  /** @internal */ spawn(init: MatchWorkerInit): Worker { return new Worker(this.#file, { workerData: init }) }
  /** @internal */ jobId(): number { return this.#nextJob++ }
  /** @internal */ forget(e: PoolEngine): void { this.#engines.delete(e) }
  /** @internal */ get closed(): boolean { return this.#closed }

  /** Terminates every worker (after the host has closed its engines). */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.all([...this.#engines].map(e => e.terminate()))
  }
}

/** One snapshot version served by `pool.size` workers; satisfies MatchEngine plus `submit`. */
export class PoolEngine {
  readonly version: string
  readonly #pool: MatchPool
  readonly #dir: string
  readonly #snapshot: Snapshot
  #workers: W[] = []
  #closed = false
  #restarts = 0

  constructor(pool: MatchPool, dir: string, version: string, snapshot: Snapshot) {
    this.#pool = pool
    this.#dir = dir
    this.version = version
    this.#snapshot = snapshot
  }

  get readyWorkers(): number { return this.#workers.filter(w => w.ready && !w.dead).length }
  /** The worker threads (tests terminate one to check that its queries are still answered). */
  get threads(): Worker[] { return this.#workers.filter(w => !w.dead).map(w => w.worker) }

  /** Starts the workers; resolves when every one has loaded this version. */
  start(): Promise<void> {
    const ready: Promise<void>[] = []
    for (let i = 0; i < this.#pool.size; i++) ready.push(this.#spawn())
    return Promise.all(ready).then(() => undefined)
  }

  #spawn(): Promise<void> {
    const worker = this.#pool.spawn({ dir: this.#dir, version: this.version })
    const w: W = { worker, ready: false, jobs: new Map(), queries: 0, clients: new Set(), dead: false, pending: [], batches: 0 }
    this.#workers.push(w)
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: MatchWorkerReply) => {
        if (m.t === 'done') {
          w.batches--
          if (w.pending.length) this.#post(w)
          for (const r of m.jobs) {
            const j = w.jobs.get(r.job)
            if (!j) continue
            w.jobs.delete(r.job)
            w.queries -= j.queries
            j.resolve(r)
          }
        } else if (m.t === 'ready') {
          w.ready = true
          this.#pool.log?.info({ version: m.version, load_s: Number(m.loadSeconds.toFixed(2)), workers: this.readyWorkers }, 'match worker ready')
          resolve()
        } else if (m.t === 'failed') {
          reject(new NayoseError(m.code, m.message))
          void worker.terminate()
        }
      })
      worker.on('error', err => {
        this.#pool.log?.error({ version: this.version, err: err.name }, 'match worker failed')
        reject(new NayoseError('WORKER_FAILED', `match worker failed while loading: ${err.message}`))
      })
      worker.on('exit', code => {
        const wasReady = w.ready
        w.dead = true
        w.ready = false
        this.#workers = this.#workers.filter(x => x !== w)
        const lost = [...w.jobs.values()]
        w.jobs.clear()
        for (const j of lost) j.reject(new WorkerFailed(`match worker exited (code ${code}) before answering`))
        reject(new NayoseError('WORKER_FAILED', `match worker exited with code ${code} while loading`))
        if (this.#closed || this.#pool.closed) return
        this.#pool.log?.error({ version: this.version, code, lost: lost.length }, 'match worker exited: starting a replacement')
        // a replacement, unless the directory moved past this version (then the host is about to
        // retire it anyway) or it keeps dying
        if (wasReady && this.#restarts++ < 100) this.#spawn().catch(e => this.#pool.log?.error({ version: this.version, code: (e as NayoseError).code }, 'replacement match worker did not start'))
      })
    })
  }

  /**
   * Posts a frame to the least-loaded worker of this version (ready ones first). Resolves with
   * the packed result frame and its disclosures; rejects with WorkerFailed if the worker dies.
   */
  submit(client: PoolClient, bytes: Uint8Array, adm: Admission, queries: number, via: 'ws' | 'http' = 'ws'): Promise<FrameReply> {
    let best: W | undefined
    for (const w of this.#workers) {
      if (w.dead) continue
      if (!best || (w.ready && !best.ready) || (w.ready === best.ready && w.queries < best.queries)) best = w
    }
    if (!best || this.#closed) return Promise.reject(new WorkerFailed(`no match worker for version ${this.version}`))
    const w = best
    if (!w.clients.has(client.uid)) {
      w.clients.add(client.uid)
      w.worker.postMessage({ t: 'client', uid: client.uid, key: client.key, scope: client.scope, name: client.name, fields: client.fields } satisfies MatchWorkerRequest)
    }
    const job = this.#pool.jobId()
    w.queries += queries
    return new Promise<FrameReply>((resolve, reject) => {
      w.jobs.set(job, { resolve, reject, queries })
      w.pending.push({ job, uid: client.uid, bytes, adm, via })
      if (w.batches < BATCHES_IN_FLIGHT) this.#post(w)
    })
  }

  #post(w: W): void {
    const jobs = w.pending
    w.pending = []
    if (w.dead || !jobs.length) return
    w.batches++
    // copied, not transferred: the uWS thread keeps each frame to answer its queries by qid if
    // the worker dies
    w.worker.postMessage({ t: 'match', jobs } satisfies MatchWorkerRequest)
  }

  /** Synchronous matching is not available here: the server uses `submit`. */
  matchBatch(): never {
    throw new NayoseError('INTERNAL', 'PoolEngine answers through submit(), not matchBatch()')
  }

  /** A record of this version (the host's read transaction), for change pushes and tools. */
  person(residentId: string): ResidentRecord | undefined {
    return this.#snapshot.record(residentId)
  }

  /** Retires this version: each worker finishes what was posted to it, then exits. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const w of this.#workers) if (!w.dead) { this.#post(w); w.worker.postMessage({ t: 'close' } satisfies MatchWorkerRequest) }
    this.#pool.forget(this)
  }

  /** @internal Stops the workers now (pool shutdown). */
  async terminate(): Promise<void> {
    this.#closed = true
    await Promise.all(this.#workers.map(w => w.worker.terminate()))
  }
}
