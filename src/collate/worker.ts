/**
 * Worker thread of `nayose collate` (src/collate/pool.ts starts one per core). Opens the snapshot
 * and its own Engine (own WASM instance) once, then answers batches: queries in, the batch's
 * output rows out as encoded bytes (transferred, not copied), so the main thread only writes.
 *
 * Messages — in: `{t:'batch', seq, qids, queries}` where `queries[i]` is a Query or a
 * `{code, message}` for a row the reader already rejected; out: `{t:'ready', version, rows,
 * loadSeconds}` once, then `{t:'done', seq, bytes, grades}` per batch, or `{t:'fatal', code,
 * message}` (then the worker exits).
 */
import { parentPort, workerData } from 'node:worker_threads'
import iconv from 'iconv-lite'
import { Engine } from '../engine/engine.js'
import type { EngineResult, Query } from '../engine/types.js'
import { readEncryptionKey } from '../store/snapshot.js'
import { errorLine, resultLine } from './format.js'
import type { BatchMessage, WorkerInit, WorkerReply } from './messages.js'

const init = workerData as WorkerInit
const port = parentPort!
const send = (m: WorkerReply, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? [])

let engine: Engine
try {
  const key = init.encryptionKeyFile ? readEncryptionKey(init.encryptionKeyFile) : undefined
  engine = Engine.openDir(init.snapshot, key ? { encryptionKey: key } : {})
  send({ t: 'ready', version: engine.version, rows: engine.size.live, loadSeconds: engine.loadSeconds })
} catch (e) {
  const err = e as { code?: string; message?: string }
  send({ t: 'fatal', code: err.code ?? 'CANNOT_OPEN', message: err.message ?? String(e) })
  process.exit(1)
}

port.on('message', (m: BatchMessage) => {
  try {
    const good: Query[] = []
    const at: number[] = []
    for (let i = 0; i < m.queries.length; i++) {
      const q = m.queries[i]!
      if ('code' in q) continue
      if (init.limit !== undefined) (q as Query).limit = init.limit
      at.push(i)
      good.push(q as Query)
    }
    const results: EngineResult[] = good.length ? engine.matchBatch(good) : []
    const grades: Record<string, number> = {}
    let text = ''
    let k = 0
    for (let i = 0; i < m.queries.length; i++) {
      const q = m.queries[i]!
      if (at[k] === i) {
        const r = results[k++]!
        grades[r.grade] = (grades[r.grade] ?? 0) + 1
        text += resultLine(m.qids[i]!, r)
      } else {
        const e = q as { code: string; message: string }
        grades.error = (grades.error ?? 0) + 1
        text += errorLine(m.qids[i]!, e.code, e.message, engine.version)
      }
    }
    const buf = init.encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8')
    // A fresh ArrayBuffer to transfer: small Buffers share Node's pool.
    const bytes = new Uint8Array(buf.length)
    bytes.set(buf)
    send({ t: 'done', seq: m.seq, bytes, grades }, [bytes.buffer])
  } catch (e) {
    const err = e as { code?: string; message?: string }
    send({ t: 'fatal', code: err.code ?? 'WORKER_FAILED', message: err.message ?? String(e) })
    process.exit(1)
  }
})
