/**
 * Which normaliser made a snapshot's keys. A snapshot stores keys normalised at build time and
 * queries are normalised at match time, so both must come from the same rules: the manifest
 * records `normalizer` (this fingerprint) and opening a snapshot made by other rules fails with
 * SNAPSHOT_STALE until it is rebuilt. The fingerprint hashes the normaliser's sources
 * (data/codegen/normalizer-fingerprint.mjs), so it changes with any rule or table change.
 * @example
 * checkNormalizer(snapshot.manifest().normalizer)   // throws StaleSnapshotError on mismatch
 */
import { NayoseError } from '../errors.js'
import { instantiate } from '../wasm/load.js'

export class StaleSnapshotError extends NayoseError {}

let cached: string | undefined

/** 16 hex digits naming the normaliser compiled into build/nayose.wasm. */
export function normalizerFingerprint(): string {
  if (cached) return cached
  const core = instantiate()
  const hi = core.NORMALIZER_FP_HI, lo = core.NORMALIZER_FP_LO
  if (!hi || !lo) throw new NayoseError('WASM_STALE', 'the WASM core has no normaliser fingerprint: run `npm run build`')
  const hex = (g: WebAssembly.Global) => ((g.value as number) >>> 0).toString(16).padStart(8, '0')
  cached = hex(hi) + hex(lo)
  return cached
}

/**
 * Throws StaleSnapshotError when `recorded` (a manifest's `normalizer`) names other rules than
 * this build's. A snapshot without a recorded fingerprint predates the check: it passes, and
 * the caller may warn (`snapshot info` says `unknown`).
 */
export function checkNormalizer(recorded: string | undefined, what = 'snapshot'): void {
  if (recorded === undefined) return
  const mine = normalizerFingerprint()
  if (recorded !== mine) {
    throw new StaleSnapshotError('SNAPSHOT_STALE',
      `${what} keys were normalised by other rules (normaliser ${recorded}, this build ${mine}): rebuild it with \`nayose snapshot build\``)
  }
}
