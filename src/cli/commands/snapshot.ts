// `nayose snapshot build | delta | info`: the snapshot store (docs/store.md).
import { normalizerFingerprint } from '../../normalize/fingerprint.js'
import type { Command } from 'commander'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEncoding } from '../../io/csv.js'
import { applyDelta } from '../../store/delta.js'
import { buildSnapshot, writeIndexImage, type ImageSummary } from '../../store/build.js'
import { imageInfo } from '../../engine/image.js'
import { describeManifest } from '../../store/manifest.js'
import { Snapshot, readEncryptionKey } from '../../store/snapshot.js'

interface Common { encoding?: string; encryptionKeyFile?: string; quiet?: boolean; json?: boolean }

const key = (o: Common) => (o.encryptionKeyFile ? { encryptionKey: readEncryptionKey(o.encryptionKeyFile) } : {})
const codes = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ')
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`
/** One line about the index image written by build/delta/index. */
function imageLine(i: ImageSummary | undefined): string {
  if (!i) return ''
  if (i.path) return `index image: ${i.path} (${mb(i.bytes ?? 0)}, ${(i.seconds ?? 0).toFixed(1)}s)\n`
  if (i.skipped) return `index image: none (${i.skipped})\n`
  return `index image NOT written (engines will build from rows): ${i.error}\n`
}

/** The `snapshot build --json` summary. */
interface BuiltJson {
  version: string; read: number; loaded: number; rejected: number
  rejects_by_code: Record<string, number>; field_warnings: Record<string, number>
  seconds: number; dir: string; synthetic: boolean; image?: ImageSummary
}

/** Runs `snapshot build … --no-image --json` in a child process; its exit code ends this one on failure. */
async function buildInChild(csv: string, o: Common & { out: string; synthetic?: boolean; force?: boolean }): Promise<BuiltJson> {
  const here = fileURLToPath(import.meta.url)
  const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'))
  const args = [join(root, 'bin', 'nayose.js'), 'snapshot', 'build', csv, '--out', o.out, '--no-image', '--json', '--encoding', o.encoding ?? 'utf8']
  if (o.synthetic) args.push('--synthetic')
  if (o.force) args.push('--force')
  if (o.quiet) args.push('--quiet')
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c, signal) => resolve(c ?? (signal ? 1 : 0)))
  })
  if (code !== 0) {
    // the child already said why on stderr
    process.exit(code)
  }
  return JSON.parse(out.trim().split('\n').pop()!) as BuiltJson
}

export function register(program: Command): void {
  const snapshot = program.command('snapshot').description('build, update and inspect resident snapshots (LMDB)')

  snapshot.command('build')
    .description('build a snapshot from a resident CSV (SPEC §1)')
    .argument('<residents>', 'resident CSV file')
    .requiredOption('--out <dir>', 'snapshot directory to create')
    .option('--encoding <enc>', 'utf8 or cp932', 'utf8')
    .option('--synthetic', 'mark the snapshot SYNTHETIC (generated data)')
    .option('--force', 'replace an existing snapshot at --out')
    .option('--encryption-key-file <file>', 'encrypt at rest with this 32-byte key')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON')
    .option('--no-image', 'do not write the index image (the first engine to load builds it from rows)')
    .action(async (csv: string, o: Common & { out: string; synthetic?: boolean; force?: boolean; image: boolean }) => {
      let s: BuiltJson
      if (o.image && !o.encryptionKeyFile) {
        // Two steps so that their memory never stacks: the CSV → LMDB build runs in a child
        // process (progress on the inherited stderr) and is gone before this process builds the
        // engine behind the index image (≈ 0.5 + 0.7 GB at 1 M residents if run in one process).
        s = await buildInChild(csv, o)
        s.image = await writeIndexImage(s.dir)
      } else {
        const b = await buildSnapshot(csv, o.out, {
          encoding: parseEncoding(o.encoding), synthetic: !!o.synthetic, force: !!o.force, quiet: !!o.quiet, image: o.image, ...key(o),
        })
        s = { version: b.version, read: b.read, loaded: b.loaded, rejected: b.rejected, rejects_by_code: b.rejectsByCode, field_warnings: b.fieldWarnings, seconds: b.seconds, dir: b.dir, synthetic: b.manifest.synthetic, ...(b.image ? { image: b.image } : {}) }
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(s) + '\n')
        return
      }
      process.stdout.write(`snapshot ${s.version} in ${s.dir}${s.synthetic ? ' (SYNTHETIC)' : ''}\n`)
      process.stdout.write(`read ${s.read} = loaded ${s.loaded} + rejected ${s.rejected} in ${s.seconds.toFixed(1)}s\n`)
      if (s.rejected) process.stdout.write(`rejects: ${join(s.dir, 'rejects.csv')} (${codes(s.rejects_by_code)})\n`)
      if (Object.keys(s.field_warnings).length) process.stdout.write(`optional fields the normaliser refused (kept, unmatchable on that field): ${codes(s.field_warnings)}\n`)
      process.stdout.write(imageLine(s.image))
    })

  snapshot.command('delta')
    .description('apply a 異動 file (add/update/remove) as one transaction, making a new version')
    .argument('<dir>', 'snapshot directory')
    .argument('<delta>', 'delta CSV file (SPEC §1 columns + op, effective_date)')
    .option('--encoding <enc>', 'utf8 or cp932', 'utf8')
    .option('--encryption-key-file <file>', 'key of an encrypted snapshot')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, csv: string, o: Common) => {
      const d = await applyDelta(dir, csv, { encoding: parseEncoding(o.encoding), quiet: !!o.quiet, ...key(o) })
      if (o.json) {
        const { manifest: _m, changes, ...rest } = d
        process.stdout.write(JSON.stringify({ ...rest, changes: changes.length }) + '\n')
        return
      }
      process.stdout.write(d.applied ? `snapshot ${d.previous} → ${d.version}\n` : `nothing applied: snapshot stays ${d.version}\n`)
      process.stdout.write(`read ${d.read} = applied ${d.applied} + rejected ${d.rejected} (add ${d.ops.add}, update ${d.ops.update}, remove ${d.ops.remove})\n`)
      if (d.rejectsFile) process.stdout.write(`rejects: ${d.rejectsFile} (${codes(d.rejectsByCode)})\n`)
      process.stdout.write(imageLine(d.image))
    })

  snapshot.command('info')
    .description('print the manifest and counts by status')
    .argument('<dir>', 'snapshot directory')
    .option('--json', 'print the manifest as JSON')
    .option('--verify', 'also count every row and compare with the manifest')
    .option('--encryption-key-file <file>', 'key of an encrypted snapshot')
    .action(async (dir: string, o: Common & { verify?: boolean }) => {
      const s = Snapshot.open(dir, { readOnly: true, ...key(o) })
      try {
        const m = s.manifest()
        let verify: { ok: boolean; live: number; tombstones: number; by_status: Record<string, number> } | undefined
        if (o.verify) {
          const c = s.scanCounts()
          const by = { resident: c.byStatus[0]!, moved_out: c.byStatus[1]!, deceased: c.byStatus[2]!, removed: c.byStatus[3]! }
          const ok = c.live === m.counts.live && c.tombstones === m.tombstones && Object.entries(by).every(([k, v]) => m.counts[k as keyof typeof by] === v)
          verify = { ok, live: c.live, tombstones: c.tombstones, by_status: by }
          if (!ok) process.exitCode = 1
        }
        const image = m.encrypted ? undefined : imageInfo(dir, m.version)
        if (o.json) {
          process.stdout.write(JSON.stringify({ ...m, ...(verify ? { verify } : {}), ...(image ? { image } : {}) }) + '\n')
          return
        }
        process.stdout.write(describeManifest(m) + '\n')
        const fp = normalizerFingerprint()
        process.stdout.write(`normaliser   ${m.normalizer === undefined ? `unknown (built before fingerprints; this build ${fp})` : m.normalizer === fp ? `${fp} (this build)` : `${m.normalizer} STALE: this build normalises with ${fp}; rebuild the snapshot`}\n`)
        if (image) process.stdout.write(`index image  ${image.state === 'ok' ? `ok, ${mb(image.bytes!)}` : image.state === 'missing' ? 'none (the first engine builds from rows and writes it; or: nayose snapshot index DIR)' : `${image.state}: not used (rebuilt on the next load)`}\n`)
        if (verify) process.stdout.write(`verify       ${verify.ok ? 'ok' : 'MISMATCH'}: ${verify.live} live rows, ${verify.tombstones} tombstones\n`)
      } finally {
        s.close()
      }
    })

  snapshot.command('index')
    .description('(re)write the index image of the current version, so engines load without reading rows')
    .argument('<dir>', 'snapshot directory')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const r = await writeIndexImage(dir)
      if (r.error) process.exitCode = 1
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : imageLine(r))
    })
}
