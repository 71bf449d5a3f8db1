// EngineHost: atomic swap under a concurrent loop, with real snapshots (LMDB) and real engines.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EngineHost, type HostChange } from '../../src/engine/host.js'
import { buildSnapshot } from '../../src/store/build.js'
import { applyDelta } from '../../src/store/delta.js'
import type { Snapshot } from '../../src/store/snapshot.js'

const fixtures = new URL('../fixtures/store/', import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), 'nayose-host-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const HEADER = readFileSync(join(fixtures, 'delta-1.csv'), 'utf8').split('\n')[0]!
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A delta moving 10000000001 to block `n` and adding resident 100000001xx. */
function delta(n: number): string {
  const f = join(tmp, `delta-${n}.csv`)
  writeFileSync(f, [
    HEADER,
    `10000000001,100000000013,山田 太郎,ヤマダ タロウ,,,,,,1970-03-02,1,東京都千代田区千代田${n + 10}-1,H0001,resident,,update,2026-11-0${n}`,
    `100000001${String(n).padStart(2, '0')},,森 新${n},モリ アラタ,,,,,,2000-01-0${n},1,東京都千代田区千代田1-1,,resident,,add,2026-11-0${n}`,
  ].join('\n') + '\n')
  return f
}

/** A trivial engine: reads through its snapshot, fails loudly once closed. */
class ProbeEngine {
  closed = false
  constructor(readonly snapshot: Snapshot) {}
  get version(): string { return this.snapshot.version }
  address(id: string): string {
    if (this.closed) throw new Error(`engine ${this.version} used after close`)
    return this.snapshot.record(id)!.address
  }
  close(): void { this.closed = true }
}

describe('EngineHost', () => {
  it('swaps versions under a concurrent loop: no task fails, each sees exactly one version, old engines close after their last lease', async () => {
    const dir = join(tmp, 'probe')
    await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const engines: ProbeEngine[] = []
    const host = await EngineHost.open(dir, { factory: (s) => { const e = new ProbeEngine(s); engines.push(e); return e } })
    const changes: HostChange[] = []
    host.on('change', (c) => changes.push(c))
    let stop = false, tasks = 0, failures = 0
    const versionsPerTask: number[] = []
    const seen = new Set<string>()
    const worker = async () => {
      while (!stop) {
        tasks++
        try {
          await host.run(async (engine) => {
            const versions = new Set<string>()
            const first = engine.address('10000000001')
            for (let k = 0; k < 4; k++) {
              versions.add(engine.version)
              await sleep(Math.random() * 4)
              // the same version answers the same, across awaits and swaps
              if (engine.address('10000000001') !== first) throw new Error('answer changed within a task')
            }
            versionsPerTask.push(versions.size)
            seen.add(engine.version)
          })
          // synchronous use of host.engine: never a closed engine
          host.engine.address('10000000002')
        } catch {
          failures++
        }
      }
    }
    const workers = Array.from({ length: 16 }, worker)
    const v0 = host.version
    await sleep(20)
    const d1 = await host.applyDelta(delta(1))
    await sleep(20)
    const d2 = await host.applyDelta(delta(2))
    await sleep(20)
    // a delta applied by another process (the CLI), then a reload: its changes are replayed
    const d3 = await applyDelta(dir, delta(3), { quiet: true })
    const r = await host.reload()
    await sleep(20)
    stop = true
    await Promise.all(workers)
    await sleep(5)

    expect(failures).toBe(0)
    expect(tasks).toBeGreaterThan(50)
    expect(versionsPerTask.every((n) => n === 1)).toBe(true)
    expect(seen.size).toBeGreaterThanOrEqual(3)
    expect([d1.previous, d2.previous, r.from, r.to]).toEqual([v0, d1.version, d2.version, d3.version])
    expect(host.version).toBe(d3.version)
    expect(host.engine.address('10000000001')).toBe('東京都千代田区千代田13-1')
    // every old engine was closed once its leases were gone; only the current one stays open
    expect(engines.map((e) => e.closed)).toEqual([true, true, true, false])
    expect(host.openVersions).toEqual([d3.version])
    expect(changes.map((c) => [c.id, c.kind, c.snapshot])).toEqual([
      ['10000000001', 'moved', d1.version], ['10000000101', 'added', d1.version],
      ['10000000001', 'moved', d2.version], ['10000000102', 'added', d2.version],
      ['10000000001', 'moved', d3.version], ['10000000103', 'added', d3.version],
    ])
    expect(changes[4]!.person?.address).toBe('東京都千代田区千代田13-1')
    await host.close()
    await sleep(5)
    expect(engines[3]!.closed).toBe(true)
    expect(() => host.engine).toThrow(/closed/)
  }, 60_000)

  it('a lease held across a swap keeps the old version readable until released', async () => {
    const dir = join(tmp, 'lease')
    await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const host = await EngineHost.open(dir, { factory: (s) => new ProbeEngine(s) })
    const lease = host.acquire()
    await host.applyDelta(delta(4))
    await sleep(5)
    expect(lease.engine.closed).toBe(false)
    expect(lease.engine.address('10000000001')).toBe('東京都千代田区千代田1-1')
    expect(host.engine.address('10000000001')).toBe('東京都千代田区千代田14-1')
    expect(host.openVersions).toHaveLength(2)
    lease.release()
    lease.release() // idempotent
    expect(lease.engine.closed).toBe(true)
    expect(host.openVersions).toHaveLength(1)
    await host.close()
  })

  it('reload after a forced rebuild of the directory serves the new build', async () => {
    const dir = join(tmp, 'rebuilt')
    await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const host = await EngineHost.open(dir, { factory: (s) => new ProbeEngine(s) })
    const old = host.engine
    const b = await buildSnapshot(join(fixtures, 'residents-bad.csv'), dir, { quiet: true, force: true })
    const changes: HostChange[] = []
    host.on('change', (c) => changes.push(c))
    const r = await host.reload()
    expect(r.to).toBe(b.version)
    expect(host.engine.snapshot.manifest().counts.live).toBe(5)
    expect(changes).toEqual([]) // a rebuild is not a descendant: nothing to replay
    await sleep(5)
    expect(old.closed).toBe(true)
    await host.close()
  })

  it('serves with the real matcher Engine and swaps it on a delta', async () => {
    const dir = join(tmp, 'real')
    await buildSnapshot(join(fixtures, 'residents-good.csv'), dir, { quiet: true })
    const host = await EngineHost.open(dir)
    const q = { name: '山田 太郎', birth_date: '1970-03-02', sex: '1', address: '東京都千代田区千代田15-1' }
    const before = host.engine.match(q)
    expect(before.snapshot).toBe(host.version)
    const d = await host.applyDelta(delta(5))
    const after = host.engine.match(q)
    expect(after.snapshot).toBe(d.version)
    expect(after.candidates[0]?.residentId).toBe('10000000001')
    expect(host.engine.person('10000000105')?.name).toBe('森 新5')
    await host.close()
  })
})
