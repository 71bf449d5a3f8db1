// Audit commit latency on this disk: 300 serial one-entry commits with fsync on and off
// (`node dist/bench/server-audit-latency.js [DIR]`; DIR on the disk the audit log will live on).
// Every result waits for the commit holding its disclosures, so with fsync on this is the
// floor of a frame's latency.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog } from '../src/store/audit.js'

async function main(): Promise<void> {
  const base = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'nayose-audit-latency-'))
  try {
    for (const sync of [true, false]) {
      const a = AuditLog.open(join(base, String(sync)), { sync })
      const lat: number[] = []
      for (let i = 0; i < 300; i++) {
        const t = performance.now()
        await a.recordFlat('bench', ['status'], 'ws', ['12345678901', i, 'AAAAAAAAAAAAAAAAAAAAAA'])
        lat.push(performance.now() - t)
      }
      lat.sort((x, y) => x - y)
      const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(2)
      process.stdout.write(`audit ${sync ? 'fsync on ' : 'OS only  '}: serial commit latency ms p50 ${p(0.5)}, p90 ${p(0.9)}, p99 ${p(0.99)}, max ${lat[lat.length - 1].toFixed(2)}\n`)
      await a.close()
    }
  } finally { rmSync(base, { recursive: true, force: true }) }
}

main().catch(e => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1) })
