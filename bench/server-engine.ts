// Opening the real matcher for bench/server.ts: EngineHost when the build has it, else one
// Engine on the snapshot (same matching; no reload/delta). Queries come from a CSV written by
// `nayose gen queries` (or a JSON array).
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { Engine } from '../src/engine/engine.js'
import { Snapshot } from '../src/store/snapshot.js'
import { openEngineHost } from '../src/server/run.js'
import type { MatchHost } from '../src/server/service.js'
import { QUERY_FIELDS } from '../src/server/protocol.js'

export async function openBenchHost(dir: string, workers = 0): Promise<{ host: MatchHost; how: string }> {
  try {
    return { host: await openEngineHost(dir, workers), how: workers ? `EngineHost, ${workers} match worker${workers > 1 ? 's' : ''}` : 'EngineHost on the server thread' }
  } catch (e) {
    if ((e as { code?: string }).code !== 'NOT_READY') throw e
    const engine = Engine.open(Snapshot.open(dir, { readOnly: true }), { ownsSnapshot: true })
    const host: MatchHost = {
      engine,
      async reload() { return { from: engine.version, to: engine.version } },
      async applyDelta() { return {} },
      on() { /* no changes without a host */ },
      close() { engine.close() },
    }
    return { host, how: 'Engine (no EngineHost in this build)' }
  }
}

export function readQueries(file: string): Record<string, string>[] {
  if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8'))
  const rows = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[]
  return rows.map(r => {
    const q: Record<string, string> = {}
    for (const f of QUERY_FIELDS) if (r[f]) q[f] = r[f]
    return q
  })
}
