// The audit log (SPEC §5): every disclosure of a person — when, which client, which query id,
// which person, which fields — in its own LMDB environment (`DIR/audit.mdb`), apart from
// snapshots so that it survives reloads and snapshot rebuilds.
//
// Hot path: one `log` record per frame (all its disclosures), written with one asynchronous
// put; `record()` resolves only after the commit (fsync'd unless `sync: false`), and the server
// sends a result only after that. lmdb-js batches the puts of frames that arrive while a commit
// is in progress into the next commit (group commit): one fsync serves many frames, each frame
// still waits for its own. With `sync: false` a commit reaches the OS before the result is sent:
// that survives a crash of the process (SIGKILL) but not of the machine.
//
// Lookups by resident go through `by_resident` (resident_id → log key), and subscriptions
// through `pseudonyms` ((client, id) → resident_id). Both are derived from `log` by a background
// indexer in bounded steps (off the per-frame path: a put per disclosure cost ~5 µs of main-thread
// CPU, more than the match); a watermark in `meta` says how far it got, and lookups also scan the
// log past the watermark, so an entry is findable the moment its frame has committed — also by a
// read-only reader (`nayose audit`) while the server runs, or after a crash.
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'
import { asBinary, open, type Database, type RootDatabase } from 'lmdb'
import { Packr } from 'msgpackr'

/** One disclosure, as the server records it. */
export interface Disclosure {
  resident_id: string
  client: string
  /** the query's qid, if it had one; absent for change pushes */
  qid?: string | number
  /** the pseudonymous id the client received */
  id: string
  /** names of the `person` fields disclosed */
  fields: string[]
  /** how it was disclosed: a WebSocket result, an HTTP /match result, a change push */
  via: 'ws' | 'http' | 'change'
}

/** A stored entry, as `nayose audit` and GET /admin/audit/:resident_id list it. */
export interface AuditEntry extends Disclosure {
  /** ISO 8601 time the entry was committed (before the result was sent) */
  at: string
}

type LogKey = [number, number, number] // [time ms, writer id, counter]

/** One frame: disclosures grouped by (client, fields, via), flattened as [rid, qid, id, …]. */
interface LogRecord { g: { c: string; f: string[]; v: Disclosure['via']; e: (string | number | null)[] }[] }

const plain = new Packr({ useRecords: false })

/**
 * A log record `{g: [group, …]}` as plain msgpack, from groups some of which arrive packed
 * (`packGroup`); the log database decodes it like the records it encodes itself.
 */
function packRecord(groups: (LogRecord['g'][number] | Uint8Array)[]): Uint8Array {
  const parts = groups.map(g => g instanceof Uint8Array ? g : new Uint8Array(plain.pack(g)))
  const n = parts.length
  const head = n < 16 ? [0x81, 0xa1, 0x67, 0x90 | n] : n < 65536 ? [0x81, 0xa1, 0x67, 0xdc, n >> 8, n & 255] : [0x81, 0xa1, 0x67, 0xdd, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]
  let size = head.length
  for (const p of parts) size += p.length
  const out = new Uint8Array(size)
  out.set(head, 0)
  let at = head.length
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** Records written packed (plain msgpack maps) read back as Maps from the log database. */
function asRecord(v: unknown): LogRecord | undefined {
  if (!(v instanceof Map)) return v as LogRecord | undefined
  const g = (v.get('g') ?? []) as unknown[]
  return { g: g.map(x => x instanceof Map ? { c: x.get('c'), f: x.get('f'), v: x.get('v'), e: x.get('e') } : x) as LogRecord['g'] }
}

/** One client's disclosures of a frame as a packed log group (for `recordFlat(…, packed)`; any thread). */
export function packGroup(client: string, fields: string[], via: Disclosure['via'], flat: readonly (string | number | null)[]): Uint8Array {
  return new Uint8Array(plain.pack({ c: client, f: fields, v: via, e: flat }))
}

/** The databases of an audit environment. */
export interface AuditDbs {
  env: RootDatabase
  log: Database<LogRecord, LogKey>
  byResident: Database<number, (string | number)[]>
  pseudonyms: Database<string, string[]>
  meta: Database<LogKey, string>
}

/** Opens the audit environment at `DIR/audit.mdb` (every thread must use the same flags). */
export function openAuditDbs(dir: string, opts: { sync?: boolean; readOnly?: boolean } = {}): AuditDbs {
  const env = open({
    path: join(dir, 'audit.mdb'),
    maxDbs: 8,
    readOnly: opts.readOnly ?? false,
    noSync: opts.sync === false,
    // no write-map: a crash of the process must not be able to scribble on committed pages
    useWritemap: false,
  })
  return {
    env,
    log: env.openDB<LogRecord, LogKey>({ name: 'log' }),
    byResident: env.openDB<number, (string | number)[]>({ name: 'by_resident' }),
    pseudonyms: env.openDB<string, string[]>({ name: 'pseudonyms' }),
    meta: env.openDB<LogKey, string>({ name: 'meta' }),
  }
}

/** Log records past the indexer's watermark. */
function* tailOf(db: AuditDbs): Iterable<{ key: LogKey; value: LogRecord }> {
  const wm = db.meta.get('indexed')
  for (const e of db.log.getRange(wm ? { start: wm } : {})) {
    if (wm && e.key[0] === wm[0] && e.key[1] === wm[1] && e.key[2] === wm[2]) continue
    yield { key: e.key, value: asRecord(e.value)! }
  }
}

/**
 * One bounded indexing step (one write transaction of at most INDEX_STEP_ENTRIES disclosures);
 * resolves true when more is left. `seen` holds pseudonyms already indexed (skips rewriting them).
 */
export async function indexStep(db: AuditDbs, seen: { set: Set<string> }): Promise<boolean> {
  let more = false
  await db.env.transaction(() => {
    let last: LogKey | undefined, n = 0
    for (const { key, value } of tailOf(db)) {
      for (const grp of value.g) for (let i = 0; i < grp.e.length; i += 3) {
        const rid = grp.e[i] as string, id = grp.e[i + 2] as string
        db.byResident.put([rid, ...key], 0)
        const k = grp.c + '\0' + id
        if (!seen.set.has(k)) {
          if (seen.set.size >= SEEN_MAX) seen.set = new Set()
          seen.set.add(k)
          db.pseudonyms.put([grp.c, id], rid)
        }
        n++
      }
      last = key
      if (n >= INDEX_STEP_ENTRIES) { more = true; break }
    }
    if (last) db.meta.put('indexed', last)
  })
  return more
}

/** Where the indexer thread's script is: next to this module in dist/ (tests import src/). */
function indexerFile(): string | undefined {
  let url = new URL('./audit-indexer.js', import.meta.url)
  if (import.meta.url.endsWith('.ts')) url = new URL(url.href.replace('/src/store/', '/dist/src/store/'))
  const file = fileURLToPath(url)
  return existsSync(file) ? file : undefined
}

const INDEX_STEP_ENTRIES = 4096 // disclosures indexed per step (one short write transaction each)
const RECENT_MAX = 200_000
const SEEN_MAX = 500_000

/**
 * @example
 * const audit = AuditLog.open('var/audit')
 * await audit.record(disclosures)   // durable now; send the result
 * audit.forResident('12345678901')  // [{at, client, qid, id, fields, via, resident_id}]
 */
export class AuditLog {
  readonly #db: AuditDbs
  readonly #env: RootDatabase
  readonly #log: Database<LogRecord, LogKey>
  readonly #pseudonyms: Database<string, string[]>
  readonly #meta: Database<LogKey, string>
  #thread: Worker | undefined
  #threadWaiters = new Map<number, () => void>()
  #threadAsk = 0
  readonly #writer = randomInt(2 ** 31)
  readonly #readOnly: boolean
  #counter = 0
  #lastCommit: Promise<unknown> = Promise.resolve()
  #groups: (LogRecord['g'][number] | Uint8Array)[] = [] // disclosures of this event-loop turn, not yet put (a Uint8Array: a group packed by the caller)
  #pending: Promise<void> | undefined  // their commit
  #recent = new Map<string, string>() // client \0 id → resident, until indexed
  #recentFlat: { client: string; flat: readonly (string | number | null)[] }[] = [] // recordFlat's, until indexed (scanned on lookup: no per-entry cost when recording)
  #recentFlatEntries = 0
  #seen = { set: new Set<string>() }  // pseudonyms already indexed (skip rewriting them)
  #timer: NodeJS.Timeout | undefined
  #indexing: Promise<void> | undefined
  #closed = false

  private constructor(db: AuditDbs, readOnly: boolean, dir: string, opts: { sync?: boolean; indexThread?: boolean }) {
    this.#db = db
    this.#env = db.env
    this.#readOnly = readOnly
    this.#log = db.log
    this.#pseudonyms = db.pseudonyms
    this.#meta = db.meta
    if (readOnly) return
    const file = opts.indexThread ? indexerFile() : undefined
    if (file) {
      // the indexer's per-disclosure puts run on a thread of their own, not the caller's
      const thread = new Worker(file, { workerData: { dir, sync: opts.sync !== false } })
      this.#thread = thread
      thread.unref()
      thread.on('message', (m: { t: 'indexed'; ask?: number }) => {
        // caught up: everything committed then is indexed, and a client only learns an id after
        // its frame committed, so the recent lists can start over
        this.#clearRecent()
        if (m.ask !== undefined) { this.#threadWaiters.get(m.ask)?.(); this.#threadWaiters.delete(m.ask) }
      })
      thread.on('error', () => {
        // fall back to indexing on this thread
        this.#thread = undefined
        for (const w of this.#threadWaiters.values()) w()
        this.#threadWaiters.clear()
        this.#timer = setInterval(() => { void this.indexNow() }, 1000)
        this.#timer.unref()
      })
    } else {
      this.#timer = setInterval(() => { void this.indexNow() }, 1000)
      this.#timer.unref()
    }
  }

  /** Opens (creating if needed) the audit environment in folder `dir`. */
  static open(dir: string, opts: {
    sync?: boolean
    readOnly?: boolean
    /** index `by_resident`/`pseudonyms` on a worker thread (the server: keeps it off the uWS thread) */
    indexThread?: boolean
  } = {}): AuditLog {
    if (!opts.readOnly) mkdirSync(dir, { recursive: true })
    return new AuditLog(openAuditDbs(dir, opts), opts.readOnly ?? false, dir, opts)
  }

  #clearRecent(): void {
    this.#recent.clear()
    this.#recentFlat = []
    this.#recentFlatEntries = 0
  }

  /**
   * Records a frame's disclosures as one log record; resolves once committed (durable per the
   * `sync` option). An empty list resolves at once but still after earlier commits, so callers
   * that chain on it keep their order.
   */
  record(list: Disclosure[]): Promise<void> {
    if (list.length === 0) return (this.#pending ?? this.#lastCommit).then(() => undefined)
    // frames handled in the same event-loop turn share one log record and one put (a put costs
    // microseconds of main-thread CPU, as much as a small frame's whole answer)
    let g = this.#groups.length ? this.#groups[this.#groups.length - 1] : undefined
    for (const d of list) {
      if (!g || g instanceof Uint8Array || g.c !== d.client || g.f !== d.fields || g.v !== d.via) this.#groups.push(g = { c: d.client, f: d.fields, v: d.via, e: [] })
      g.e.push(d.resident_id, d.qid ?? null, d.id)
      this.#remember(d.client, d.id, d.resident_id)
    }
    return this.#commitSoon()
  }

  /**
   * As `record`, for one client's disclosures already flattened as [resident_id, qid|null, id, …]
   * (three entries each; the server's match workers produce this form). Same durability.
   */
  recordFlat(client: string, fields: string[], via: Disclosure['via'], flat: readonly (string | number | null)[], packed?: Uint8Array): Promise<void> {
    if (flat.length === 0) return (this.#pending ?? this.#lastCommit).then(() => undefined)
    if (packed) {
      // the caller (a match worker) already encoded the group {c, f, v, e} as plain msgpack
      this.#groups.push(packed)
    } else {
      let g = this.#groups.length ? this.#groups[this.#groups.length - 1] : undefined
      if (!g || g instanceof Uint8Array || g.c !== client || g.f !== fields || g.v !== via) this.#groups.push(g = { c: client, f: fields, v: via, e: [] })
      const e = g.e
      for (let i = 0; i + 2 < flat.length; i += 3) e.push(flat[i], flat[i + 1], flat[i + 2])
    }
    this.#recentFlat.push({ client, flat })
    this.#recentFlatEntries += flat.length / 3
    while (this.#recentFlatEntries > RECENT_MAX && this.#recentFlat.length > 1) this.#recentFlatEntries -= this.#recentFlat.shift()!.flat.length / 3
    return this.#commitSoon()
  }

  #remember(client: string, id: string, residentId: string): void {
    const k = client + '\0' + id
    if (!this.#recent.has(k)) {
      if (this.#recent.size >= RECENT_MAX) this.#recent = new Map()
      this.#recent.set(k, residentId)
    }
  }

  /** The commit of the disclosures gathered in this event-loop turn (one put, one record). */
  #commitSoon(): Promise<void> {
    if (!this.#pending) {
      this.#pending = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          const groups = this.#groups
          this.#groups = []
          this.#pending = undefined
          const key: LogKey = [Date.now(), this.#writer, this.#counter++]
          const p = this.#log.put(key, groups.some(g => g instanceof Uint8Array) ? asBinary(packRecord(groups)) as unknown as LogRecord : { g: groups as LogRecord['g'] })
            .then(ok => { if (!ok) throw new Error('audit log write failed') })
          this.#lastCommit = p
          p.then(resolve, reject)
        })
      })
    }
    return this.#pending
  }


  /** Everyone who received this person's data, oldest first. */
  forResident(residentId: string): AuditEntry[] {
    const out: AuditEntry[] = []
    const seen = new Set<string>()
    const add = (key: LogKey, rec: LogRecord) => {
      for (const grp of rec.g) for (let i = 0; i < grp.e.length; i += 3) {
        if (grp.e[i] !== residentId) continue
        const e: AuditEntry = { at: new Date(key[0]).toISOString(), resident_id: residentId, client: grp.c, id: grp.e[i + 2] as string, fields: grp.f, via: grp.v }
        if (grp.e[i + 1] !== null) e.qid = grp.e[i + 1] as string | number
        out.push(e)
      }
    }
    for (const k of this.#db.byResident.getKeys({ start: [residentId], end: [residentId, Infinity] })) {
      const key = k.slice(1) as LogKey
      const id = key.join(':')
      if (seen.has(id)) continue
      seen.add(id)
      const rec = asRecord(this.#log.get(key))
      if (rec) add(key, rec)
    }
    for (const { key, value } of this.#tail()) if (!seen.has(key.join(':'))) add(key, value)
    return out.sort((a, b) => a.at < b.at ? -1 : a.at > b.at ? 1 : 0)
  }

  /** The resident behind a pseudonym this client has been given, if it ever was. */
  resolvePseudonym(client: string, id: string): string | undefined {
    const recent = this.#recent.get(client + '\0' + id)
    if (recent) return recent
    for (let j = this.#recentFlat.length - 1; j >= 0; j--) {
      const r = this.#recentFlat[j]
      if (r.client !== client) continue
      for (let i = 0; i + 2 < r.flat.length; i += 3) if (r.flat[i + 2] === id) return r.flat[i] as string
    }
    const hit = this.#pseudonyms.get([client, id])
    if (hit) return hit
    for (const { value } of this.#tail()) for (const grp of value.g) {
      if (grp.c !== client) continue
      for (let i = 0; i < grp.e.length; i += 3) if (grp.e[i + 2] === id) return grp.e[i] as string
    }
    return undefined
  }

  /** Log records past the indexer's watermark. */
  #tail(): Iterable<{ key: LogKey; value: LogRecord }> {
    return tailOf(this.#db)
  }

  /** Indexes log records past the watermark, in bounded steps; resolves when caught up. */
  indexNow(): Promise<void> {
    if (this.#readOnly || this.#closed) return Promise.resolve()
    const thread = this.#thread
    if (thread) {
      const ask = ++this.#threadAsk
      return new Promise<void>(resolve => {
        this.#threadWaiters.set(ask, resolve)
        thread.postMessage({ t: 'index', ask })
      })
    }
    if (this.#indexing) return this.#indexing
    const step = async (): Promise<void> => {
      const more = await indexStep(this.#db, this.#seen)
      if (!more) this.#clearRecent()
      if (more && !this.#closed) { await new Promise(r => setImmediate(r)); return step() }
    }
    this.#indexing = step().finally(() => { this.#indexing = undefined })
    return this.#indexing
  }

  /** Number of log records (frames with disclosures). */
  frames(): number {
    return this.#log.getCount()
  }

  /** Waits for pending commits, indexes, then closes. */
  async close(): Promise<void> {
    if (this.#closed) return
    clearInterval(this.#timer)
    await this.#pending?.catch(() => undefined)
    await this.#lastCommit.catch(() => undefined)
    await this.indexNow().catch(() => undefined)
    this.#closed = true
    const thread = this.#thread
    if (thread) {
      this.#thread = undefined
      await new Promise<void>(resolve => { thread.once('exit', () => resolve()); thread.postMessage({ t: 'close' }) })
    }
    await this.#env.close()
  }
}
