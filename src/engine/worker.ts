/**
 * A matching worker thread: its own Engine (own WASM instance) on the snapshot in
 * `workerData.dir`. Messages: `{t:'match', id, queries}` → `{t:'done', id, results | csv}`.
 * Spawned by EnginePool (src/engine/pool.ts).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { Engine, type EngineOptions } from './engine.js'
import { collateLine } from './collate-format.js'
import type { Query } from './types.js'

export interface WorkerInit { dir: string; opts?: EngineOptions; encryptionKey?: string }
export type WorkerRequest = { t: 'match'; id: number; queries: Query[]; csv?: boolean; qids?: string[] } | { t: 'close' }
export type WorkerReply =
  | { t: 'ready'; version: string; loadSeconds: number }
  | { t: 'done'; id: number; results?: unknown[]; csv?: string; examined: number }
  | { t: 'error'; id?: number; code: string; message: string }

const init = workerData as WorkerInit
let engine: Engine | undefined
try {
  engine = Engine.openDir(init.dir, { ...(init.opts ?? {}), ...(init.encryptionKey ? { encryptionKey: init.encryptionKey } : {}) })
  parentPort!.postMessage({ t: 'ready', version: engine.version, loadSeconds: engine.loadSeconds } satisfies WorkerReply)
} catch (e) {
  const err = e as { code?: string; message?: string }
  parentPort!.postMessage({ t: 'error', code: err.code ?? 'WORKER_FAILED', message: err.message ?? String(e) } satisfies WorkerReply)
}

parentPort!.on('message', (m: WorkerRequest) => {
  if (m.t === 'close') { engine?.close(); parentPort!.close(); return }
  if (!engine) return
  try {
    const d = engine.matchDetailed(m.queries)
    let examined = 0
    for (const x of d) examined += x.examined
    if (m.csv) {
      let s = ''
      for (let i = 0; i < d.length; i++) s += collateLine(m.qids?.[i] ?? String(m.queries[i]!.qid ?? ''), d[i]!.result)
      parentPort!.postMessage({ t: 'done', id: m.id, csv: s, examined } satisfies WorkerReply)
    } else {
      parentPort!.postMessage({ t: 'done', id: m.id, results: d.map((x) => x.result), examined } satisfies WorkerReply)
    }
  } catch (e) {
    const err = e as { code?: string; message?: string }
    parentPort!.postMessage({ t: 'error', id: m.id, code: err.code ?? 'INTERNAL', message: err.message ?? String(e) } satisfies WorkerReply)
  }
})
