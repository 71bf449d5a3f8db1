// The audit log's indexer on a thread of its own (AuditLog.open(dir, {indexThread: true}), used
// by the server): derives `by_resident` and `pseudonyms` from `log` in bounded steps, every
// second and when asked, so the per-disclosure puts never run on the uWS thread.
// Messages in: {t:'index', ask} (index now; answered {t:'indexed', ask}), {t:'close'}.
// Out: {t:'indexed', ask?} each time it has caught up.
import { parentPort, workerData } from 'node:worker_threads'
import { indexStep, openAuditDbs } from './audit.js'

const { dir, sync } = workerData as { dir: string; sync: boolean }
const port = parentPort!
const db = openAuditDbs(dir, { sync })
const seen = { set: new Set<string>() }
let running: Promise<void> | undefined
let closing = false

function catchUp(): Promise<void> {
  if (running) return running.then(() => catchUp())
  running = (async () => {
    while (!closing && await indexStep(db, seen)) { /* more */ }
  })().finally(() => { running = undefined })
  return running
}

const timer = setInterval(() => { void catchUp().then(() => port.postMessage({ t: 'indexed' })) }, 1000)

port.on('message', (m: { t: 'index'; ask: number } | { t: 'close' }) => {
  if (m.t === 'index') { void catchUp().then(() => port.postMessage({ t: 'indexed', ask: m.ask })); return }
  clearInterval(timer)
  void (running ?? Promise.resolve()).then(async () => {
    closing = true
    await db.env.close()
    port.close()
  })
})
