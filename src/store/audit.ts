// The audit log (SPEC §5): every disclosure of a person — when, which client, which query id,
// which person, which fields — in its own LMDB environment (`DIR/audit.mdb`), apart from
// snapshots so that it survives reloads and snapshot rebuilds.
//
// Durability: `record()` runs one asynchronous LMDB write transaction per frame and resolves
// only after the commit (fsync'd unless `sync: false`); the server sends a result only after
// that. lmdb-js groups transactions issued while a commit is in progress into the next commit,
// so many frames share one fsync (group commit) while each still waits for its own durability.
// With `sync: false` a commit reaches the OS before the result is sent: that survives a crash
// of the process (SIGKILL) but not of the machine.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { open, type Database, type RootDatabase } from 'lmdb'

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

interface Stored { c: string; q?: string | number; i: string; f: string[]; v: Disclosure['via'] }

const SEEN_MAX = 500_000

/**
 * @example
 * const audit = AuditLog.open('var/audit')
 * await audit.record(disclosures)   // durable now; send the result
 * audit.forResident('12345678901')  // [{at, client, qid, id, fields, via, resident_id}]
 */
export class AuditLog {
  readonly #env: RootDatabase
  readonly #entries: Database<Stored, (string | number)[]>
  readonly #pseudonyms: Database<string, string[]>
  #seq = Math.floor(Math.random() * 2 ** 30)
  #seen = new Set<string>()
  #lastCommit: Promise<unknown> = Promise.resolve()

  private constructor(env: RootDatabase) {
    this.#env = env
    this.#entries = env.openDB<Stored, (string | number)[]>({ name: 'entries' })
    this.#pseudonyms = env.openDB<string, string[]>({ name: 'pseudonyms' })
  }

  /** Opens (creating if needed) the audit environment in folder `dir`. */
  static open(dir: string, opts: { sync?: boolean; readOnly?: boolean } = {}): AuditLog {
    if (!opts.readOnly) mkdirSync(dir, { recursive: true })
    const env = open({
      path: join(dir, 'audit.mdb'),
      maxDbs: 4,
      readOnly: opts.readOnly ?? false,
      noSync: opts.sync === false,
      // no write-map: a crash of the process must not be able to scribble on committed pages
      useWritemap: false,
    })
    return new AuditLog(env)
  }

  /**
   * Records a frame's disclosures in one transaction; resolves once committed (durable per the
   * `sync` option). An empty list resolves at once but still after earlier commits, so callers
   * that chain on it keep their order.
   */
  record(list: Disclosure[]): Promise<void> {
    if (list.length === 0) return this.#lastCommit.then(() => undefined)
    const ts = Date.now()
    const p = this.#env.transaction(() => {
      for (const d of list) {
        const stored: Stored = { c: d.client, i: d.id, f: d.fields, v: d.via }
        if (d.qid !== undefined) stored.q = d.qid
        this.#entries.put([d.resident_id, ts, this.#seq++], stored)
        const k = d.client + '\0' + d.id
        if (!this.#seen.has(k)) {
          if (this.#seen.size >= SEEN_MAX) this.#seen = new Set()
          this.#seen.add(k)
          this.#pseudonyms.put([d.client, d.id], d.resident_id)
        }
      }
    })
    this.#lastCommit = p
    return p.then(() => undefined)
  }

  /** Everyone who received this person's data, oldest first. */
  forResident(residentId: string): AuditEntry[] {
    const out: AuditEntry[] = []
    for (const { key, value } of this.#entries.getRange({ start: [residentId], end: [residentId, Infinity] })) {
      const e: AuditEntry = { at: new Date(key[1] as number).toISOString(), resident_id: residentId, client: value.c, id: value.i, fields: value.f, via: value.v }
      if (value.q !== undefined) e.qid = value.q
      out.push(e)
    }
    return out
  }

  /** The resident behind a pseudonym this client has been given, if it ever was. */
  resolvePseudonym(client: string, id: string): string | undefined {
    return this.#pseudonyms.get([client, id])
  }

  /** Number of stored entries (tests, metrics). */
  count(): number {
    return this.#entries.getCount()
  }

  /** Waits for pending commits, then closes. */
  async close(): Promise<void> {
    await this.#lastCommit.catch(() => undefined)
    await this.#env.close()
  }
}
