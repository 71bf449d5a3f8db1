/**
 * A snapshot: one LMDB environment (DIR/data.mdb) with the databases `meta` (manifest),
 * `records` (resident_id → record, msgpack), `rows` (row number u32 → match row, binary),
 * `ids` (resident_id → row number) — docs/ARCHITECTURE.md §3.
 *
 * `Snapshot.open` starts one LMDB read transaction and does every read through it: the manifest,
 * the rows and the records all belong to one version, even while a delta commits a newer one
 * (LMDB keeps the pages of the old version until the last reader closes). `close()` ends it.
 * @example
 * const s = Snapshot.open('snap/')
 * for (const { row, bytes } of s.rows()) engine.add(row, bytes)   // bytes valid until the next step
 * s.record('12345678901')?.status
 * s.close()
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { open, type Database, type RootDatabase } from 'lmdb'
import type { ResidentRecord } from '../engine/types.js'
import { NayoseError } from '../errors.js'
import { MANIFEST_FORMAT, type Manifest } from './manifest.js'
import { isDeleted } from './match-row.js'

export { buildSnapshot, type BuildOptions, type BuildSummary } from './build.js'
export { applyDelta, type DeltaOptions, type DeltaSummary, type Change } from './delta.js'

/** The four databases of a snapshot environment. */
export interface Env {
  root: RootDatabase
  meta: Database<Manifest, string>
  records: Database<ResidentRecord, string>
  rows: Database<Uint8Array, number>
  ids: Database<number, string>
}

export interface OpenOptions {
  readOnly?: boolean
  /** 32 bytes (see readEncryptionKey); required to open an encrypted snapshot. */
  encryptionKey?: string | Buffer
  /** Commit without fsync (build only: the final manifest commit syncs the file). */
  noSync?: boolean
}

/** Opens (or creates, when not readOnly) the environment in `dir`. */
export function openEnv(dir: string, opts: OpenOptions = {}): Env {
  const path = join(dir, 'data.mdb')
  if (opts.readOnly && !existsSync(path)) throw new NayoseError('NO_SNAPSHOT', `no snapshot in ${dir} (data.mdb missing)`)
  let root: RootDatabase | undefined
  try {
    root = open({
      path, maxDbs: 8, readOnly: opts.readOnly ?? false, compression: false, noSync: opts.noSync ?? false,
      ...(opts.encryptionKey ? { encryptionKey: lmdbKey(opts.encryptionKey) } : {}),
    })
    return {
      root,
      meta: root.openDB<Manifest, string>('meta', {}),
      // plain msgpack maps (no shared structures): the build spools records pre-encoded
      records: root.openDB<ResidentRecord, string>('records', { useRecords: false, mapsAsObjects: true } as never),
      rows: root.openDB<Uint8Array, number>('rows', { keyEncoding: 'uint32', encoding: 'binary' }),
      ids: root.openDB<number, string>('ids', {}),
    }
  } catch (cause) {
    void root?.close()
    // A wrong key decrypts to garbage: LMDB then reports missing or corrupt pages.
    const hint = opts.encryptionKey ? ' (wrong encryption key?)' : ''
    throw new NayoseError(opts.encryptionKey ? 'BAD_KEY' : 'CANNOT_OPEN', `cannot open the snapshot in ${dir}${hint}`, { cause })
  }
}

/**
 * The key string handed to lmdb-js. lmdb-js 3.5 aborts the process when given a Buffer key and
 * wants exactly 32 characters, so the 32-byte key is hashed (SHA-256, domain-separated) and
 * base64url-encoded, keeping 32 characters = 192 bits.
 */
export function lmdbKey(key: string | Buffer): string {
  return createHash('sha256').update('nayose-snapshot-key-v1\0').update(key).digest('base64url').slice(0, 32)
}

/**
 * Reads an `--encryption-key-file`: 32 raw bytes, or 64 hex digits, or base64 of 32 bytes
 * (surrounding blanks ignored).
 */
export function readEncryptionKey(file: string): Buffer {
  const raw = readFileSync(file)
  if (raw.length === 32) return raw
  const text = raw.toString('utf8').trim()
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex')
  const b = Buffer.from(text, 'base64')
  if (b.length === 32 && /^[A-Za-z0-9+/=]+$/.test(text)) return b
  throw new NayoseError('BAD_KEY', `encryption key file must hold 32 bytes, 64 hex digits or base64 of 32 bytes`)
}

/** manifest.json of `dir` (the copy written after each commit), or undefined. */
export function readManifestFile(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest
  } catch {
    return undefined
  }
}

// lmdb-js reads accept a transaction; its typings omit it for the binary getters.
interface FastRows {
  getBinaryFast(id: number, o: { transaction: unknown }): Buffer | undefined
  getBinary(id: number, o: { transaction: unknown }): Buffer | undefined
}

export interface RowEntry { row: number; bytes: Uint8Array }

export class Snapshot {
  readonly dir: string
  #env: Env
  #txn: ReturnType<RootDatabase['useReadTransaction']> | undefined
  #manifest: Manifest
  #closed = false

  private constructor(dir: string, env: Env, keyed = false) {
    this.dir = dir
    this.#env = env
    this.#txn = env.root.useReadTransaction()
    const m = env.meta.get('manifest', { transaction: this.#txn })
    if (!m) {
      this.close()
      throw new NayoseError('NO_SNAPSHOT', `${dir} holds no committed snapshot (no manifest)`)
    }
    if (typeof m !== 'object' || m.format !== MANIFEST_FORMAT || typeof m.version !== 'string' || typeof m.rows !== 'number') {
      this.close()
      throw new NayoseError(keyed ? 'BAD_KEY' : 'CORRUPT_SNAPSHOT', `the manifest in ${dir} is unreadable (format ${String((m as Partial<Manifest>).format)}; wrong encryption key?)`)
    }
    this.#manifest = m
  }

  /**
   * Opens the snapshot in `dir` at its latest committed version. An encrypted snapshot needs
   * `encryptionKey`. The environment opens read-write by default (nothing is written): lmdb-js
   * shares one environment per path in a process and refuses to open it again with other flags,
   * so a process that may apply a delta (EngineHost) must not open it read-only. `readOnly: true`
   * suits separate tools (`snapshot info`) and read-only directories.
   */
  static open(dir: string, opts: OpenOptions = {}): Snapshot {
    const file = readManifestFile(dir)
    if (file?.encrypted && !opts.encryptionKey) throw new NayoseError('ENCRYPTED', `the snapshot in ${dir} is encrypted: give its key (--encryption-key-file)`)
    let env: Env
    try {
      env = openEnv(dir, { readOnly: opts.readOnly ?? false, ...(opts.encryptionKey ? { encryptionKey: opts.encryptionKey } : {}) })
    } catch (e) {
      throw e
    }
    try {
      return new Snapshot(dir, env, !!opts.encryptionKey)
    } catch (e) {
      if (e instanceof NayoseError) throw e
      throw new NayoseError(opts.encryptionKey ? 'BAD_KEY' : 'CANNOT_OPEN', `cannot read the snapshot in ${dir}${opts.encryptionKey ? ' (wrong encryption key?)' : ''}`, { cause: e })
    }
  }

  /** The manifest of the version this Snapshot reads. */
  manifest(): Manifest {
    return this.#manifest
  }

  get version(): string {
    return this.#manifest.version
  }

  /** Row numbers in use (0..rowCount-1), tombstones included. */
  rowCount(): number {
    return this.#manifest.rows
  }

  /**
   * Every row of this version in row order, tombstones included (check `isDeleted(bytes)`).
   * `bytes` is a view valid only until the next step of the iteration: copy what you keep.
   */
  *rows(): Generator<RowEntry> {
    const n = this.#manifest.rows
    const txn = this.#live()
    const rows = this.#env.rows
    for (let row = 0; row < n; row++) {
      const fast = (rows as unknown as FastRows).getBinaryFast(row, { transaction: txn })
      if (!fast) throw new NayoseError('CORRUPT_SNAPSHOT', `row ${row} is missing from ${this.dir}`)
      // lmdb-js returns its shared read buffer with `length` overridden: give a true view.
      yield { row, bytes: new Uint8Array(fast.buffer, fast.byteOffset, fast.length) }
    }
  }

  /** The row bytes of one row (a copy), or undefined. */
  row(row: number): Uint8Array | undefined {
    const b = (this.#env.rows as unknown as FastRows).getBinary(row, { transaction: this.#live() })
    return b ?? undefined
  }

  /** Row number of a live resident. */
  rowOf(residentId: string): number | undefined {
    return this.#env.ids.get(residentId, { transaction: this.#live() })
  }

  /** The stored record of a live resident (undefined when unknown or removed). */
  record(residentId: string): ResidentRecord | undefined {
    return this.#env.records.get(residentId, { transaction: this.#live() })
  }

  /** Another value of `meta` in this version (`changes:<version>` …). */
  meta<T>(key: string): T | undefined {
    return (this.#env.meta as unknown as Database<T, string>).get(key, { transaction: this.#live() })
  }

  /** Live record count by status, from the manifest. */
  counts(): Manifest['counts'] {
    return this.#manifest.counts
  }

  /** Counts every row of this version by status (a full scan; `snapshot info --verify`). */
  scanCounts(): { live: number; tombstones: number; byStatus: number[] } {
    const out = { live: 0, tombstones: 0, byStatus: [0, 0, 0, 0] }
    for (const { bytes } of this.rows()) {
      if (isDeleted(bytes)) out.tombstones++
      else { out.live++; out.byStatus[bytes[2]!]!++ }
    }
    return out
  }

  /** Ends the read transaction (the version's pages may then be reused) and closes the env. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#txn?.done()
    this.#txn = undefined
    void this.#env.root.close()
  }

  get closed(): boolean {
    return this.#closed
  }

  #live() {
    if (!this.#txn) throw new NayoseError('CLOSED', `snapshot ${this.#manifest?.version ?? ''} is closed`)
    return this.#txn
  }
}
