// A snapshot's keys belong to the normaliser that built it: engines and deltas of other rules
// refuse it (SNAPSHOT_STALE) instead of comparing keys made by two rule sets.
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSnapshot } from '../../src/store/build.js'
import { applyDelta } from '../../src/store/delta.js'
import { Snapshot, openEnv } from '../../src/store/snapshot.js'
import { Engine } from '../../src/engine/engine.js'
import { normalizerFingerprint } from '../../src/normalize/fingerprint.js'
import { fixtures } from './store-helpers.js'

const bin = new URL('../../bin/nayose.js', import.meta.url).pathname

/** Rewrites the committed manifest's `normalizer` (as an older or newer build would have left it). */
async function setNormalizer(dir: string, fp: string | undefined): Promise<void> {
  const env = openEnv(dir)
  const m = { ...env.meta.get('manifest')! }
  if (fp === undefined) delete m.normalizer
  else m.normalizer = fp
  await env.meta.put('manifest', m)
  await env.root.close()
}

describe('stale snapshots', () => {
  it('build records the normaliser; other rules are refused by engine, delta and flagged by info', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nayose-stale-')), 'snap')
    await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const s = Snapshot.open(dir)
    const version = s.manifest().version
    expect(s.manifest().normalizer).toBe(normalizerFingerprint())
    s.close()
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).normalizer).toBe(normalizerFingerprint())
    const ok = Engine.openDir(dir, { image: 'off' })
    expect(ok.version).toBe(version)
    ok.close()

    const other = normalizerFingerprint().replace(/^./, (c) => (c === '0' ? '1' : '0'))
    await setNormalizer(dir, other)
    expect(() => Engine.openDir(dir, { image: 'off' })).toThrow(expect.objectContaining({ code: 'SNAPSHOT_STALE' }))
    const delta = join(dir, 'delta.csv')
    writeFileSync(delta, readFileSync(join(fixtures, 'delta-1.csv')))
    await expect(applyDelta(dir, delta, { quiet: true })).rejects.toMatchObject({ code: 'SNAPSHOT_STALE' })
    const after = Snapshot.open(dir)
    expect(after.manifest().version).toBe(version)   // nothing applied
    after.close()
    const info = execFileSync('node', [bin, 'snapshot', 'info', dir], { encoding: 'utf8' })
    expect(info).toMatch(new RegExp(`normaliser\\s+${other} STALE`))

    // a snapshot from before fingerprints still opens (info says unknown)
    await setNormalizer(dir, undefined)
    const legacy = Engine.openDir(dir, { image: 'off' })
    expect(legacy.version).toBe(version)
    legacy.close()
    expect(execFileSync('node', [bin, 'snapshot', 'info', dir], { encoding: 'utf8' })).toMatch(/normaliser\s+unknown/)
  })
})
