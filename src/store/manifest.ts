/**
 * The snapshot manifest: stored under key `manifest` in the LMDB `meta` database (the truth,
 * committed in the same transaction as the data it describes) and copied to DIR/manifest.json
 * after each commit for people and tools that do not open LMDB.
 * @example
 * const m = snapshot.manifest(); m.version   // 'v3-1a2b3c4d'
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ResidentStatus } from '../engine/types.js'

export const MANIFEST_FORMAT = 1
export const TOOL_NAME = 'nayose'

export type StatusCounts = Record<ResidentStatus, number>

export interface DeltaHistoryEntry {
  version: string
  /** The version the delta applied to. */
  parent: string
  applied_at: string
  source: { file: string; sha256: string }
  read: number
  applied: number
  rejected: number
  ops: { add: number; update: number; remove: number }
}

export interface Manifest {
  format: number
  /** `v<seq>-<8 hex>`: seq counts commits (build = 1), the hex tells different builds apart. */
  version: string
  seq: number
  /** Version this one was derived from by a delta; absent for a build. */
  parent?: string
  /** True when the source is generated data (never real people). */
  synthetic: boolean
  encrypted: boolean
  built_at: string
  /** When this version was committed (= built_at for a build). */
  committed_at: string
  tool: { name: string; version: string }
  /**
   * Fingerprint of the normaliser that made the stored keys (src/normalize/fingerprint.ts);
   * an engine or delta of another normaliser refuses the snapshot (SNAPSHOT_STALE). Absent in
   * snapshots built before the check.
   */
  normalizer?: string
  source: { file: string; sha256: string; bytes: number; encoding: string }
  /** Live records by status (tombstones excluded). */
  counts: StatusCounts & { live: number }
  /** Row numbers used, tombstones included (rows are numbered 0..rows-1). */
  rows: number
  tombstones: number
  build: { read: number; loaded: number; rejected: number; seconds: number; rejects_by_code: Record<string, number>; field_warnings: Record<string, number> }
  /** The last deltas applied, newest last (at most MAX_HISTORY). */
  deltas: DeltaHistoryEntry[]
}

export const MAX_HISTORY = 100

export function emptyCounts(): StatusCounts & { live: number } {
  return { resident: 0, moved_out: 0, deceased: 0, removed: 0, live: 0 }
}

/** A new version id after `seq - 1` commits; `salt` makes ids of different builds differ. */
export function newVersion(seq: number, salt: string): string {
  const h = createHash('sha256').update(salt).update(randomBytes(8)).digest('hex').slice(0, 8)
  return `v${seq}-${h}`
}

let toolVersion: string | undefined
/** The package version of nayose. */
export function getToolVersion(): string {
  if (toolVersion) return toolVersion
  try {
    const here = new URL('.', import.meta.url).pathname
    const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'))
    toolVersion = String(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version)
  } catch {
    toolVersion = 'unknown'
  }
  return toolVersion
}

/** Writes DIR/manifest.json atomically (temporary file, then rename). */
export function writeManifestFile(dir: string, m: Manifest): void {
  const tmp = join(dir, `.manifest.json.${process.pid}.tmp`)
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n')
  renameSync(tmp, join(dir, 'manifest.json'))
}

/** Human-readable lines for `snapshot info`. Counts and codes only, never personal data. */
export function describeManifest(m: Manifest): string {
  const lines = [
    `version      ${m.version}${m.parent ? ` (from ${m.parent})` : ''}`,
    `synthetic    ${m.synthetic ? 'SYNTHETIC (generated data, not real people)' : 'no'}`,
    `encrypted    ${m.encrypted ? 'yes' : 'no'}`,
    `built        ${m.built_at} by ${m.tool.name} ${m.tool.version}`,
    `committed    ${m.committed_at}`,
    `source       ${m.source.file} (${m.source.bytes} bytes, ${m.source.encoding}, sha256 ${m.source.sha256})`,
    `build        read ${m.build.read} = loaded ${m.build.loaded} + rejected ${m.build.rejected}`,
    `records      ${m.counts.live} live: resident ${m.counts.resident}, moved_out ${m.counts.moved_out}, deceased ${m.counts.deceased}, removed ${m.counts.removed}`,
    `rows         ${m.rows} (${m.tombstones} tombstones)`,
  ]
  if (m.deltas.length) {
    lines.push(`deltas       ${m.deltas.length} (latest last)`)
    for (const d of m.deltas.slice(-5)) {
      lines.push(`  ${d.version} ${d.applied_at} ${d.source.file}: read ${d.read} = applied ${d.applied} + rejected ${d.rejected} (add ${d.ops.add}, update ${d.ops.update}, remove ${d.ops.remove})`)
    }
  }
  return lines.join('\n')
}
