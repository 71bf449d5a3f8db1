/**
 * N matching workers (worker_threads), each with its own Engine on the same snapshot.
 * `run(queries)` resolves with that batch's answer; batches are spread over idle workers and
 * callers keep their own order (collate writes batches in input order).
 * @example
 * const pool = await EnginePool.open(dir, 2)
 * const csv = await pool.runCsv(queries, qids)   // collate lines for this batch
 * await pool.close()
 */
import { Worker } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { NayoseError } from '../errors.js'
import type { EngineOptions } from './engine.js'
import type { EngineResult, Query } from './types.js'
import type { WorkerInit, WorkerReply } from './worker.js'

interface Slot { worker: Worker; busy: boolean; pending?: { resolve: (r: WorkerReply & { t: 'done' }) => void; reject: (e: Error) => void } }

export class EnginePool {
  readonly version: string
  readonly loadSeconds: number
  #slots: Slot[]
  #waiting: (() => void)[]
  #nextId = 1

  private constructor(slots: Slot[], waiting: (() => void)[], version: string, loadSeconds: number) {
    this.#slots = slots
    this.#waiting = waiting
    this.version = version
    this.loadSeconds = loadSeconds
  }

  static async open(dir: string, n: number, opts: EngineOptions = {}, encryptionKey?: string): Promise<EnginePool> {
    const file = fileURLToPath(new URL('./worker.js', import.meta.url))
    if (!existsSync(file)) throw new NayoseError('WORKER_MISSING', `worker script ${file} not built: run \`npm run build\``)
    const t0 = performance.now()
    const init: WorkerInit = { dir, opts, ...(encryptionKey ? { encryptionKey } : {}) }
    const slots: Slot[] = []
    const waiting: (() => void)[] = []
    const ready: Promise<string>[] = []
    for (let i = 0; i < Math.max(1, n); i++) {
      const worker = new Worker(file, { workerData: init })
      const slot: Slot = { worker, busy: false }
      slots.push(slot)
      ready.push(new Promise((resolve, reject) => {
        worker.once('message', (m: WorkerReply) => {
          if (m.t === 'ready') resolve(m.version)
          else reject(new NayoseError(m.t === 'error' ? m.code : 'WORKER_FAILED', m.t === 'error' ? m.message : 'worker failed'))
        })
        worker.once('error', reject)
      }))
      worker.on('message', (m: WorkerReply) => {
        if (m.t === 'ready') return
        const p = slot.pending
        slot.pending = undefined
        slot.busy = false
        if (!p) return
        if (m.t === 'done') p.resolve(m)
        else p.reject(new NayoseError(m.code, m.message))
        waiting.shift()?.()
      })
      worker.on('error', (e) => { slot.pending?.reject(e); slot.pending = undefined })
    }
    let versions: string[]
    try {
      versions = await Promise.all(ready)
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()))
      throw e
    }
    return new EnginePool(slots, waiting, versions[0]!, (performance.now() - t0) / 1000)
  }

  get size(): number { return this.#slots.length }

  async #idle(): Promise<Slot> {
    for (;;) {
      const s = this.#slots.find((x) => !x.busy)
      if (s) { s.busy = true; return s }
      await new Promise<void>((r) => this.#waiting.push(r))
    }
  }

  async #send(queries: Query[], csv: boolean, qids?: string[]): Promise<WorkerReply & { t: 'done' }> {
    const slot = await this.#idle()
    return new Promise((resolve, reject) => {
      slot.pending = { resolve, reject }
      slot.worker.postMessage({ t: 'match', id: this.#nextId++, queries, csv, ...(qids ? { qids } : {}) })
    })
  }

  /** Results of one batch (in order). */
  async run(queries: Query[]): Promise<{ results: EngineResult[]; examined: number }> {
    const r = await this.#send(queries, false)
    return { results: r.results as EngineResult[], examined: r.examined }
  }

  /** Collate CSV lines of one batch (in order). */
  async runCsv(queries: Query[], qids: string[]): Promise<{ csv: string; examined: number }> {
    const r = await this.#send(queries, true, qids)
    return { csv: r.csv!, examined: r.examined }
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map(async (s) => { s.worker.postMessage({ t: 'close' }); await s.worker.terminate() }))
  }
}
