/**
 * Writes a snapshot's index image in a worker thread (src/store/build.ts writeIndexImage), so that
 * the from-rows build it needs (seconds per million residents, synchronous WASM) does not block the
 * caller's event loop — a server applying a delta keeps answering meanwhile.
 * workerData: {dir}; posts one {path, error} message and exits.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { Engine } from './engine.js'

const { dir } = workerData as { dir: string }
let reply: { version?: string; path?: string; error?: string }
try {
  const e = Engine.openDir(dir, { image: 'rebuild' })
  try {
    reply = { version: e.version, ...(e.loadInfo.imageWritten ? { path: e.loadInfo.imageWritten } : { error: e.loadInfo.imageError ?? 'not written' }) }
  } finally {
    e.close()
  }
} catch (err) {
  reply = { error: (err as Error).message }
}
parentPort!.postMessage(reply)
