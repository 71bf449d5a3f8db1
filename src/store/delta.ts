/**
 * `snapshot delta`: applies a 異動 file (SPEC §1 columns + `op` add/update/remove +
 * `effective_date`) to a snapshot as ONE LMDB write transaction that also rewrites the
 * manifest, so a crash (kill -9) leaves exactly the old version or the new one.
 *
 * Rows are validated and normalised first (outside the transaction); then, in file order inside
 * the transaction: `add` of a live id, `update`/`remove` of an unknown id are rejected with their
 * reason and the rest applies. Rows of one file see each other (add then update works).
 * `remove` tombstones the match row (row numbers stay stable) and deletes the record and id.
 * Rejects go to DIR/delta-rejects-<version>.csv (`line,reason,raw`) after the commit.
 * When nothing applies, no version is made (rejects: delta-rejects-<version>-unapplied-<time>.csv).
 * @example
 * const d = await applyDelta('snap', 'ido-20261123.csv')
 * d.version; d.changes[0]   // { resident_id, kind: 'moved', row, effective_date }
 */
import { checkNormalizer } from '../normalize/fingerprint.js'
import { createHash } from 'node:crypto'
import { renameSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ResidentRecord } from '../engine/types.js'
import { NayoseError } from '../errors.js'
import { openCsv, createCsvWriter, type Encoding } from '../io/csv.js'
import { createProgress } from '../io/progress.js'
import { RowEncoder, REJECT_COLUMNS, writeIndexImage, type ImageSummary } from './build.js'
import { MAX_HISTORY, newVersion, writeManifestFile, type Manifest } from './manifest.js'
import { tombstone } from './match-row.js'
import { openEnv, readManifestFile, type Env, type Snapshot } from './snapshot.js'
import type { Database } from 'lmdb'
import { REQUIRED_COLUMNS, validateDelta, type DeltaOp, type Reason } from './validate.js'

/**
 * What a delta did to one person. Kinds, first that applies: `added`, `removed`, `deceased`
 * (status became deceased), `moved` (status became moved_out, or the address changed),
 * `renamed` (name, name_kana, former surname, alias or roman name changed), `status` (another
 * status change), `updated` (anything else, including an update that changed nothing).
 */
export type ChangeKind = 'added' | 'removed' | 'deceased' | 'moved' | 'renamed' | 'status' | 'updated'
export interface Change { resident_id: string; kind: ChangeKind; row: number; effective_date?: string }

export interface DeltaOptions {
  encoding?: Encoding
  encryptionKey?: Buffer | string
  quiet?: boolean
  /** Called inside the write transaction after each applied row (tests: widen the kill window). */
  onApplied?: (n: number) => void
  /** Write the new version's index image after the commit (default true; never when encrypted). */
  image?: boolean
}

export interface DeltaSummary {
  /** The new version, or the unchanged one when nothing applied. */
  version: string
  previous: string
  read: number
  applied: number
  rejected: number
  rejectsByCode: Record<string, number>
  ops: { add: number; update: number; remove: number }
  changes: Change[]
  rejectsFile?: string
  manifest: Manifest
  /** The new version's index image (absent when nothing applied or `image: false`). */
  image?: ImageSummary
}

interface Op { line: number; raw: string; op: DeltaOp; resident_id: string; effective_date?: string; record?: ResidentRecord; bytes?: Uint8Array }
interface Rejected { line: number; reason: Reason; raw: string }

const NAME_COLUMNS = ['name', 'name_kana', 'former_surname', 'former_surname_kana', 'alias', 'alias_kana', 'name_roman'] as const

/** Key in `meta` of the changes a delta made (the version it made). */
export function changesKey(version: string): string {
  return `changes:${version}`
}

/**
 * The changes from version `from` to the version `snapshot` reads, in order, when it descends
 * from `from` by deltas still in its history; undefined otherwise (for example a rebuild).
 */
export function changesSince(snapshot: Snapshot, from: string): Change[] | undefined {
  const m = snapshot.manifest()
  if (m.version === from) return []
  const start = m.deltas.findIndex((d) => d.parent === from)
  if (start < 0) return undefined
  const out: Change[] = []
  for (const d of m.deltas.slice(start)) {
    const c = snapshot.meta<Change[]>(changesKey(d.version))
    if (!c) return undefined
    out.push(...c)
  }
  return out
}

export function changeKind(before: ResidentRecord, after: ResidentRecord): ChangeKind {
  if (after.status !== before.status) {
    if (after.status === 'deceased') return 'deceased'
    if (after.status === 'moved_out') return 'moved'
  }
  if (after.address !== before.address) return 'moved'
  if (NAME_COLUMNS.some((c) => (after[c] ?? '') !== (before[c] ?? ''))) return 'renamed'
  if (after.status !== before.status) return 'status'
  return 'updated'
}

/** Applies a delta file to the snapshot in `dir` (see the file comment): commits, then writes the image. */
export async function applyDelta(dir: string, csvPath: string, opts: DeltaOptions = {}): Promise<DeltaSummary> {
  const d = await commitDelta(dir, csvPath, opts)
  if (!d.applied || opts.image === false) return d
  // The new version's index image (docs/store.md "Index image"); other versions' images go.
  const image = await writeIndexImage(dir, opts.encryptionKey ? { encryptionKey: opts.encryptionKey } : {})
  return { ...d, image }
}

/** Validates and commits a delta as one transaction. */
async function commitDelta(dir: string, csvPath: string, opts: DeltaOptions = {}): Promise<DeltaSummary> {
  const file = readManifestFile(dir)
  if (file?.encrypted && !opts.encryptionKey) throw new NayoseError('ENCRYPTED', `the snapshot in ${dir} is encrypted: give its key (--encryption-key-file)`)
  const encoding = opts.encoding ?? 'utf8'
  const hash = createHash('sha256')
  const csv = await openCsv(csvPath, { encoding, required: ['op', ...REQUIRED_COLUMNS], onChunk: (b) => hash.update(b) })
  const progress = createProgress({ label: 'snapshot delta', total: csv.size, unit: 'B', items: 'rows', quiet: opts.quiet ?? false })
  const rejects: Rejected[] = []
  const ops: Op[] = []
  const encoder = new RowEncoder(4096)
  let batch: Op[] = []
  let read = 0
  const flush = () => {
    const withRecord = batch.filter((o) => o.record)
    const encoded = encoder.encode(withRecord.map((o) => o.record!), {})
    const refused = new Set<Op>()
    withRecord.forEach((o, i) => {
      const e = encoded[i]!
      if (e instanceof Uint8Array) o.bytes = e
      else { rejects.push({ line: o.line, reason: e, raw: o.raw }); refused.add(o) }
    })
    for (const o of batch) if (!refused.has(o)) ops.push(o)
    batch = []
  }
  for await (const r of csv.rows) {
    read++
    if (r.error) { rejects.push({ line: r.line, reason: r.error, raw: r.raw }); continue }
    const v = validateDelta(r.fields)
    if ('error' in v) { rejects.push({ line: r.line, reason: v.error, raw: r.raw }); continue }
    batch.push({ line: r.line, raw: r.raw, op: v.op, resident_id: v.resident_id, ...(v.effective_date ? { effective_date: v.effective_date } : {}), ...(v.record ? { record: v.record } : {}) })
    if (batch.length >= 4096) { flush(); progress.update(csv.bytesRead(), read) }
  }
  flush()
  progress.update(csv.bytesRead(), read)
  progress.stop()
  const sha256 = hash.digest('hex')

  const env: Env = openEnv(dir, opts.encryptionKey ? { encryptionKey: opts.encryptionKey } : {})
  try {
    const changes: Change[] = []
    const opCounts = { add: 0, update: 0, remove: 0 }
    let manifest: Manifest | undefined
    let previous = ''
    env.root.transactionSync(() => {
      const m = env.meta.get('manifest')
      if (!m) throw new NayoseError('NO_SNAPSHOT', `${dir} holds no committed snapshot (no manifest)`)
      // new rows get this build's keys: refuse to mix them with another normaliser's
      checkNormalizer(m.normalizer, `snapshot ${m.version}`)
      previous = m.version
      const counts = { ...m.counts }
      let rows = m.rows, tombstones = m.tombstones
      for (const o of ops) {
        const row = env.ids.get(o.resident_id)
        const eff = o.effective_date ? { effective_date: o.effective_date } : {}
        if (o.op === 'add') {
          if (row !== undefined) { rejects.push({ line: o.line, reason: { code: 'ADD_EXISTS', message: 'add of a resident_id already in the snapshot' }, raw: o.raw }); continue }
          const at = rows++
          env.rows.putSync(at, o.bytes!)
          env.records.putSync(o.resident_id, o.record!)
          env.ids.putSync(o.resident_id, at)
          counts[o.record!.status]++
          counts.live++
          changes.push({ resident_id: o.resident_id, kind: 'added', row: at, ...eff })
        } else {
          if (row === undefined) { rejects.push({ line: o.line, reason: { code: 'UNKNOWN_ID', message: `${o.op} of a resident_id not in the snapshot` }, raw: o.raw }); continue }
          const before = env.records.get(o.resident_id)!
          counts[before.status]--
          if (o.op === 'update') {
            env.rows.putSync(row, o.bytes!)
            env.records.putSync(o.resident_id, o.record!)
            counts[o.record!.status]++
            changes.push({ resident_id: o.resident_id, kind: changeKind(before, o.record!), row, ...eff })
          } else {
            env.rows.putSync(row, tombstone(env.rows.getBinary(row)!))
            env.records.removeSync(o.resident_id)
            env.ids.removeSync(o.resident_id)
            counts.live--
            tombstones++
            changes.push({ resident_id: o.resident_id, kind: 'removed', row, ...eff })
          }
        }
        opCounts[o.op]++
        opts.onApplied?.(changes.length)
      }
      if (!changes.length) { manifest = m; return }
      const now = new Date().toISOString()
      const version = newVersion(m.seq + 1, sha256 + now + m.version)
      const history = [...m.deltas, {
        version, parent: m.version, applied_at: now, source: { file: basename(csvPath), sha256 }, read,
        applied: changes.length, rejected: read - changes.length, ops: opCounts,
      }]
      // The changes of each version in the history stay readable (EngineHost.reload replays them).
      for (const old of history.slice(0, Math.max(0, history.length - MAX_HISTORY))) env.meta.removeSync(changesKey(old.version))
      manifest = {
        ...m, version, seq: m.seq + 1, parent: m.version, committed_at: now, counts, rows, tombstones,
        deltas: history.slice(-MAX_HISTORY),
      }
      ;(env.meta as unknown as Database<unknown, string>).putSync(changesKey(version), changes)
      env.meta.putSync('manifest', manifest)
    })
    const m = manifest!
    if (changes.length) writeManifestFile(dir, m)
    let rejectsFile: string | undefined
    const rejectsByCode: Record<string, number> = {}
    if (rejects.length) {
      rejects.sort((a, b) => a.line - b.line)
      // nothing applied: the version did not change, so do not overwrite that version's rejects
      const stamp = changes.length ? '' : `-unapplied-${new Date().toISOString().replace(/[:.]/g, '')}`
      rejectsFile = join(dir, `delta-rejects-${m.version}${stamp}.csv`)
      const tmp = `${rejectsFile}.${process.pid}.tmp`
      const w = createCsvWriter(tmp, REJECT_COLUMNS)
      for (const r of rejects) {
        rejectsByCode[r.reason.code] = (rejectsByCode[r.reason.code] ?? 0) + 1
        await w.write([r.line, `${r.reason.code}: ${r.reason.message}`, m.encrypted ? '' : r.raw])
      }
      await w.close()
      renameSync(tmp, rejectsFile)
    }
    if (read !== changes.length + rejects.length) throw new NayoseError('INTERNAL', `read ${read} ≠ applied ${changes.length} + rejected ${rejects.length}`)
    return {
      version: m.version, previous, read, applied: changes.length, rejected: rejects.length, rejectsByCode,
      ops: opCounts, changes, manifest: m, ...(rejectsFile ? { rejectsFile } : {}),
    }
  } finally {
    await env.root.close()
  }
}

