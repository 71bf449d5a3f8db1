/**
 * EngineHost: the atomic swap of snapshot versions in a running process (server, long jobs).
 *
 * The host holds one engine per snapshot version. New work goes to the current engine; a swap
 * (`reload`, `applyDelta`) opens the new version, builds its engine, and only then replaces the
 * current one, so work never waits on a half-loaded version. Work that already took the old
 * engine finishes on it: the old engine (and its LMDB read transaction, which keeps that
 * version's pages alive) is closed when its last lease is released. Nothing fails, and nothing
 * straddles two versions.
 *
 * Two ways to hold an engine:
 * - `host.engine`: for synchronous work (one `matchBatch` call): it cannot straddle a swap,
 *   because a swap happens between event-loop turns; a retired engine stays open at least
 *   until the next macrotask.
 * - `host.acquire()` / `host.run(fn)`: for work that spans awaits; the lease keeps its engine
 *   open until `release()`.
 *
 * `change` events, one per person a delta touched: `{ id, kind, snapshot, person }` (id is the
 * resident_id; person is the record in the new version, absent when removed). `reload` of a
 * version that descends from the current one by deltas replays their recorded changes.
 * @example
 * const host = await EngineHost.open('snap/')                  // real Engine by default
 * host.on('change', (c) => push(c.id, c))
 * await host.run(async (engine) => { ...; await send(engine.matchBatch(qs)) })
 * await host.applyDelta('ido.csv')                             // new version for new work
 */
import { EventEmitter } from 'node:events'
import type { ResidentRecord } from './types.js'
import { NayoseError } from '../errors.js'
import { applyDelta, changesSince, type Change, type DeltaSummary } from '../store/delta.js'
import { Snapshot } from '../store/snapshot.js'
import { createEngine, type Engine } from './engine.js'

/** What the host needs of an engine. */
export interface HostedEngine {
  readonly version: string
  close(): void
}

export type EngineFactory<E extends HostedEngine> = (snapshot: Snapshot) => E | Promise<E>

export interface HostChange {
  id: string
  kind: string
  snapshot: string
  person?: ResidentRecord
}

export interface Lease<E> {
  readonly engine: E
  /** Idempotent. */
  release(): void
}

export interface HostOptions<E extends HostedEngine> {
  /** Builds the engine of a version (default: the matcher's Engine). */
  factory?: EngineFactory<E>
  encryptionKey?: string | Buffer
}

interface Slot<E> { engine: E; snapshot: Snapshot; leases: number; retired: boolean; closed: boolean }

export class EngineHost<E extends HostedEngine = Engine> {
  #dir: string
  #factory: EngineFactory<E>
  #key: string | Buffer | undefined
  #current: Slot<E>
  #retired = new Set<Slot<E>>()
  #events = new EventEmitter()
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(dir: string, factory: EngineFactory<E>, key: string | Buffer | undefined, first: Slot<E>) {
    this.#dir = dir
    this.#factory = factory
    this.#key = key
    this.#current = first
  }

  /** Opens the snapshot in `dir` and builds its engine. */
  static async open<E extends HostedEngine = Engine>(dir: string, opts: HostOptions<E> = {}): Promise<EngineHost<E>> {
    const factory = opts.factory ?? ((s: Snapshot) => createEngine(s) as unknown as E)
    const slot = await EngineHost.#load(dir, factory, opts.encryptionKey)
    return new EngineHost(dir, factory, opts.encryptionKey, slot)
  }

  static async #load<E extends HostedEngine>(dir: string, factory: EngineFactory<E>, key: string | Buffer | undefined): Promise<Slot<E>> {
    const snapshot = Snapshot.open(dir, key ? { encryptionKey: key } : {})
    try {
      const engine = await factory(snapshot)
      return { engine, snapshot, leases: 0, retired: false, closed: false }
    } catch (e) {
      snapshot.close()
      throw e
    }
  }

  /** The snapshot directory deltas apply to. */
  get dir(): string {
    return this.#dir
  }

  /** The current engine, for synchronous work; take it once per batch. */
  get engine(): E {
    if (this.#closed) throw new NayoseError('HOST_CLOSED', 'the engine host is closed')
    return this.#current.engine
  }

  /** The current version. */
  get version(): string {
    return this.#current.engine.version
  }

  /** Versions still open: the current one first, then retired ones waiting for their leases. */
  get openVersions(): string[] {
    return [this.#current.engine.version, ...[...this.#retired].map((s) => s.engine.version)]
  }

  /** Leases the current engine until `release()`. */
  acquire(): Lease<E> {
    if (this.#closed) throw new NayoseError('HOST_CLOSED', 'the engine host is closed')
    const slot = this.#current
    slot.leases++
    let released = false
    return {
      engine: slot.engine,
      release: () => {
        if (released) return
        released = true
        slot.leases--
        this.#maybeClose(slot)
      },
    }
  }

  /** Runs `fn` on one engine version, leased for the whole call (awaits included). */
  async run<T>(fn: (engine: E) => T | Promise<T>): Promise<T> {
    const lease = this.acquire()
    try {
      return await fn(lease.engine)
    } finally {
      lease.release()
    }
  }

  on(event: 'change', fn: (c: HostChange) => void): this {
    this.#events.on(event, fn)
    return this
  }

  off(event: 'change', fn: (c: HostChange) => void): this {
    this.#events.off(event, fn)
    return this
  }

  /**
   * Loads the latest committed version of `dir` (default: the current directory; another
   * directory becomes the one deltas apply to) and swaps it in.
   */
  reload(dir?: string): Promise<{ from: string; to: string }> {
    return this.#serial(async () => {
      const target = dir ?? this.#dir
      const from = this.version
      const slot = await EngineHost.#load(target, this.#factory, this.#key)
      const replay = target === this.#dir ? changesSince(slot.snapshot, from) : undefined
      this.#dir = target
      this.#swap(slot)
      if (replay) this.#emit(replay, slot)
      return { from, to: slot.engine.version }
    })
  }

  /** Applies a delta file to the current directory (one LMDB transaction) and swaps to it. */
  applyDelta(csv: string, opts: { encoding?: 'utf8' | 'cp932' } = {}): Promise<DeltaSummary> {
    return this.#serial(async () => {
      const d = await applyDelta(this.#dir, csv, { quiet: true, ...(this.#key ? { encryptionKey: this.#key } : {}), ...(opts.encoding ? { encoding: opts.encoding } : {}) })
      if (d.applied && d.version !== this.version) {
        const slot = await EngineHost.#load(this.#dir, this.#factory, this.#key)
        this.#swap(slot)
        this.#emit(d.changes, slot)
      }
      return d
    })
  }

  /** Closes every engine once its leases are released; further use throws HOST_CLOSED. */
  async close(): Promise<void> {
    await this.#queue.catch(() => {})
    if (this.#closed) return
    this.#closed = true
    this.#retire(this.#current)
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new NayoseError('HOST_CLOSED', 'the engine host is closed'))
    const p = this.#queue.then(fn)
    this.#queue = p.catch(() => {})
    return p
  }

  #swap(next: Slot<E>): void {
    const old = this.#current
    this.#current = next
    this.#retire(old)
  }

  #retire(slot: Slot<E>): void {
    slot.retired = true
    this.#retired.add(slot)
    // Synchronous users of `host.engine` finish within this turn: close no earlier than the next.
    setImmediate(() => this.#maybeClose(slot))
  }

  #maybeClose(slot: Slot<E>): void {
    if (!slot.retired || slot.leases > 0 || slot.closed) return
    slot.closed = true
    this.#retired.delete(slot)
    try {
      slot.engine.close()
    } finally {
      slot.snapshot.close()
    }
  }

  #emit(changes: readonly Change[], slot: Slot<E>): void {
    const snapshot = slot.engine.version
    for (const c of changes) {
      const person = c.kind === 'removed' ? undefined : slot.snapshot.record(c.resident_id)
      this.#events.emit('change', { id: c.resident_id, kind: c.kind, snapshot, ...(person ? { person } : {}) } satisfies HostChange)
    }
  }
}
