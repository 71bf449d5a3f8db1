/**
 * The collate worker pool: N worker threads (src/collate/worker.ts), each with its own Engine.
 * Batches wait in one queue and go to loaded workers, at most two each; results come back through
 * `onDone` in completion order (the pipeline reorders them). The worker file is resolved next to
 * this module, so it runs from dist/ (`dist/src/collate/worker.js`): tests drive collate through
 * `node bin/nayose.js collate …`, not by importing src/.
 */
import { Worker } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { NayoseError } from '../errors.js'
import type { BatchMessage, WorkerInit, WorkerReply } from './messages.js'

interface Slot { worker: Worker; outstanding: Map<number, number>; info?: { version: string; loadSeconds: number; at: number } }

/** Batches given to one worker at a time: one being matched, one waiting in its port. */
const PER_WORKER = 2

export class WorkerPool {
  onDone: (seq: number, bytes: Uint8Array, grades: Record<string, number>, count: number) => void = () => {}
  onFatal: (e: Error) => void = () => {}
  /** Called each time a worker has loaded its engine. */
  onReady: () => void = () => {}
  #slots: Slot[] = []
  #queue: BatchMessage[] = []
  #closing = false

  constructor(size: number, init: WorkerInit) {
    const url = workerUrl()
    for (let i = 0; i < size; i++) this.#slots.push(this.#start(url, init))
  }

  #start(url: URL, init: WorkerInit): Slot {
    const worker = new Worker(url, { workerData: init })
    const slot: Slot = { worker, outstanding: new Map<number, number>() }
    const fail = (e: Error) => { if (!this.#closing) this.onFatal(e) }
    worker.on('message', (m: WorkerReply) => {
      if (m.t === 'ready') {
        slot.info = { version: m.version, loadSeconds: m.loadSeconds, at: performance.now() }
        const versions = new Set(this.#slots.filter((s) => s.info).map((s) => s.info!.version))
        if (versions.size > 1) return fail(new NayoseError('SNAPSHOT_CHANGED', `workers loaded different snapshot versions (${[...versions].join(', ')})`))
        this.onReady()
        this.#pump()
      } else if (m.t === 'done') {
        slot.outstanding.delete(m.seq)
        this.#pump()
        this.onDone(m.seq, m.bytes, m.grades, m.rows)
      } else if (m.t === 'fatal') fail(new NayoseError(m.code, m.message))
    })
    worker.on('error', (e) => fail(e instanceof NayoseError ? e : new NayoseError('WORKER_FAILED', `collate worker failed: ${e.message}`, { cause: e })))
    worker.on('exit', (code) => {
      if (!this.#closing && code !== 0) fail(new NayoseError('WORKER_FAILED', `collate worker exited with code ${code}`))
    })
    return slot
  }

  /** Workers that have loaded their engine so far. */
  get readyCount(): number { return this.#slots.filter((s) => s.info).length }

  get size(): number { return this.#slots.length }

  /**
   * The snapshot version the loaded workers answered on, and the slowest load among them.
   * Workers still loading when the file is done are not waited for.
   */
  info(): { version: string; loadSeconds: number } | undefined {
    const loaded = this.#slots.filter((s) => s.info).map((s) => s.info!)
    if (!loaded.length) return undefined
    return { version: loaded[0]!.version, loadSeconds: Math.max(...loaded.map((i) => i.loadSeconds)) }
  }

  /** Queues a batch; it goes to a worker whose engine is loaded as soon as one has room. */
  submit(b: BatchMessage): void {
    this.#queue.push(b)
    this.#pump()
  }

  // Only loaded workers get batches, at most PER_WORKER each: the first engine loaded starts
  // matching while the others still load, and a slow worker never holds a backlog others could take.
  #pump(): void {
    while (this.#queue.length) {
      let best: Slot | undefined
      for (const s of this.#slots) if (s.info && s.outstanding.size < PER_WORKER && (!best || s.outstanding.size < best.outstanding.size)) best = s
      if (!best) return
      const b = this.#queue.shift()!
      best.outstanding.set(b.seq, b.records)
      best.worker.postMessage(b, b.bytes.byteLength ? [b.bytes.buffer as ArrayBuffer] : [])
    }
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
