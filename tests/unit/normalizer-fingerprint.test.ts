// The normaliser fingerprint that ties a snapshot's stored keys to the rules that made them.
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { checkNormalizer, normalizerFingerprint, StaleSnapshotError } from '../../src/normalize/fingerprint.js'
// @ts-expect-error plain .mjs codegen module without types
import { generate } from '../../data/codegen/normalizer-fingerprint.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('normalizer fingerprint', () => {
  it('is the first 64 bits of the sources hash that the codegen compiled into the WASM', () => {
    const fp = normalizerFingerprint()
    expect(fp).toMatch(/^[0-9a-f]{16}$/)
    const [{ source }] = generate(root) as { source: string }[]
    const full = /= ([0-9a-f]{64})/.exec(source)![1]!
    expect(fp).toBe(full.slice(0, 16))
  })

  it('accepts the same rules and legacy snapshots, refuses other rules with SNAPSHOT_STALE', () => {
    expect(() => checkNormalizer(normalizerFingerprint())).not.toThrow()
    expect(() => checkNormalizer(undefined)).not.toThrow()
    const other = normalizerFingerprint() === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef'
    let err: unknown
    try { checkNormalizer(other, 'snapshot v2-abc') } catch (e) { err = e }
    expect(err).toBeInstanceOf(StaleSnapshotError)
    expect((err as StaleSnapshotError).code).toBe('SNAPSHOT_STALE')
    expect((err as Error).message).toContain('snapshot v2-abc')
    expect((err as Error).message).toContain('nayose snapshot build')
  })
})
