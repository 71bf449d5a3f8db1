/**
 * The collate worker pool: N worker threads (src/collate/worker.ts), each with its own Engine.
 * A batch goes to the worker with the fewest outstanding batches; results come back through
 * `onDone` in completion order (the pipeline reorders them). The worker file is resolved next to
 * this module, so it runs from dist/ (`dist/src/collate/worker.js`): tests drive collate through
 * `node bin/nayose.js collate …`, not by importing src/.
 */
import { Worker } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { NayoseError } from '../errors.js'
import type { BatchMessage, WorkerInit, WorkerReply } from './messages.js'

interface Slot { worker: Worker; outstanding: Map<number, number>; ready: Promise<{ version: string; loadSeconds: number }> }

export class WorkerPool {
  onDone: (seq: number, bytes: Uint8Array, grades: Record<string, number>, count: number) => void = () => {}
  onFatal: (e: Error) => void = () => {}
  #slots: Slot[] = []
  #closing = false

  constructor(size: number, init: WorkerInit) {
    const url = workerUrl()
    for (let i = 0; i < size; i++) this.#slots.push(this.#start(url, init))
  }

  #start(url: URL, init: WorkerInit): Slot {
    const worker = new Worker(url, { workerData: init })
    const outstanding = new Map<number, number>()
    let resolveReady!: (v: { version: string; loadSeconds: number }) => void
    let rejectReady!: (e: Error) => void
    const ready = new Promise<{ version: string; loadSeconds: number }>((res, rej) => { resolveReady = res; rejectReady = rej })
    ready.catch(() => {})
    const fail = (e: Error) => { rejectReady(e); if (!this.#closing) this.onFatal(e) }
    worker.on('message', (m: WorkerReply) => {
      if (m.t === 'ready') resolveReady({ version: m.version, loadSeconds: m.loadSeconds })
      else if (m.t === 'done') {
        outstanding.delete(m.seq)
        this.onDone(m.seq, m.bytes, m.grades, m.rows)
      } else if (m.t === 'fatal') fail(new NayoseError(m.code, m.message))
    })
    worker.on('error', (e) => fail(e instanceof NayoseError ? e : new NayoseError('WORKER_FAILED', `collate worker failed: ${e.message}`, { cause: e })))
    worker.on('exit', (code) => {
      if (!this.#closing && code !== 0) fail(new NayoseError('WORKER_FAILED', `collate worker exited with code ${code}`))
    })
    return { worker, outstanding, ready }
  }

  /** Resolves when every worker has loaded its engine; all must agree on the snapshot version. */
  async ready(): Promise<{ version: string; loadSeconds: number }> {
    const all = await Promise.all(this.#slots.map((s) => s.ready))
    const versions = new Set(all.map((r) => r.version))
    if (versions.size > 1) throw new NayoseError('SNAPSHOT_CHANGED', `workers loaded different snapshot versions (${[...versions].join(', ')})`)
    return { version: all[0]!.version, loadSeconds: Math.max(...all.map((r) => r.loadSeconds)) }
  }

  submit(b: BatchMessage): void {
    let best = this.#slots[0]!
    for (const s of this.#slots) if (s.outstanding.size < best.outstanding.size) best = s
    best.outstanding.set(b.seq, b.records)
    best.worker.postMessage(b, b.bytes.byteLength ? [b.bytes.buffer as ArrayBuffer] : [])
  }

  async close(): Promise<void> {
    this.#closing = true
    await Promise.all(this.#slots.map((s) => s.worker.terminate()))
  }
}

/** dist/src/collate/worker.js, next to this module. */
function workerUrl(): URL {
  const js = new URL('./worker.js', import.meta.url)
  if (existsSync(fileURLToPath(js))) return js
  throw new NayoseError('WORKER_MISSING', `collate worker not found next to ${fileURLToPath(import.meta.url)}: run \`npm run build\``)
}
