// A match worker thread of the server (see pool.ts): its own Engine on one snapshot version, and
// everything per query that needs no connection state: decoding the frame, validating queries,
// matching, reading the disclosed records, pseudonyms, scope projection and packing the result
// frame. The uWS thread keeps transport, auth, admission, audit and sending.
//
// Messages in (in order; a worker never reorders):
//   {t:'client', uid, key, scope}     the client's pseudonym key (hex) and scope, once per worker
//   {t:'match', jobs:[{job, uid, bytes, adm}]}  frames that arrived together; bytes = the
//                                     client's frame as received; adm = its admission
//   {t:'close'}                       finish queued work, close the engine, exit
// Messages out: {t:'ready', version, loadSeconds} | {t:'failed', code, message} (load) |
//   {t:'done', jobs:[{job, bytes, disc, grades, codes}]}  (bytes: the packed result frame, or a
//   BAD_MSGPACK error frame if the frame does not decode here)
import { parentPort, workerData } from 'node:worker_threads'
import { Engine } from '../engine/engine.js'
import type { NayoseError } from '../errors.js'
import { answerFrames, type Admission, type AnswerClient, type FlatDisclosures, type FrameInput } from './answer.js'
import { WireCode, errorFrame, packr, unpackr } from './protocol.js'
import { Pseudonymizer } from './pseudonym.js'
import { packGroup } from '../store/audit.js'
import type { Scope } from './scope.js'

export interface MatchWorkerInit { dir: string; version: string; encryptionKey?: string }
export type MatchWorkerRequest =
  | { t: 'client'; uid: number; key: string; scope: Scope; name: string; fields: string[] }
  | { t: 'match'; jobs: WorkerJob[] }
  | { t: 'close' }
export type MatchWorkerReply =
  | { t: 'ready'; version: string; loadSeconds: number }
  | { t: 'failed'; code: string; message: string }
  | { t: 'done'; jobs: JobReply[] }
export interface WorkerJob { job: number; uid: number; bytes: Uint8Array; adm: Admission; via: 'ws' | 'http' }
/** `audit`: the disclosures as a packed audit-log group (AuditLog.recordFlat's `packed`). */
export interface JobReply { job: number; bytes: Uint8Array; disc: FlatDisclosures; audit?: Uint8Array; grades: Record<string, number>; codes: Record<string, number> }

const init = workerData as MatchWorkerInit
const port = parentPort!
const clients = new Map<number, AnswerClient & { name: string; fields: string[] }>()
let engine: Engine | undefined

try {
  engine = Engine.openDir(init.dir, init.encryptionKey ? { encryptionKey: init.encryptionKey } : {})
  if (engine.version !== init.version) {
    const v = engine.version
    engine.close()
    engine = undefined
    port.postMessage({ t: 'failed', code: 'SNAPSHOT_CHANGED', message: `expected version ${init.version}, the directory holds ${v}` } satisfies MatchWorkerReply)
  } else {
    port.postMessage({ t: 'ready', version: engine.version, loadSeconds: engine.loadSeconds } satisfies MatchWorkerReply)
  }
} catch (e) {
  const err = e as { code?: string; message?: string }
  port.postMessage({ t: 'failed', code: err.code ?? 'WORKER_FAILED', message: err.message ?? String(e) } satisfies MatchWorkerReply)
}

const logEngineError = (e: NayoseError | Error) => {
  // ids and codes only: never query contents
  process.stderr.write(JSON.stringify({ level: 50, msg: 'engine failed on a batch; retrying its queries one by one', err: e.name, code: (e as NayoseError).code }) + '\n')
}

port.on('message', (m: MatchWorkerRequest) => {
  if (m.t === 'client') {
    clients.set(m.uid, { scope: m.scope, pseudo: new Pseudonymizer(Buffer.from(m.key, 'hex')), name: m.name, fields: m.fields })
    return
  }
  if (m.t === 'close') {
    engine?.close()
    engine = undefined
    port.close()
    return
  }
  if (!engine) throw new Error('match worker has no engine')
  // the uWS thread checked these frames' shape already; decoding again here is cheaper than
  // structured-cloning the decoded queries
  const frames: (FrameInput & { cl: { name: string; fields: string[] } })[] = [], jobs: WorkerJob[] = [], replies: JobReply[] = []
  for (const j of m.jobs) {
    const cl = clients.get(j.uid)
    if (!cl) throw new Error(`match worker does not know client ${j.uid}`)
    let msg: { q?: unknown }
    try { msg = unpackr.unpack(j.bytes) as { q?: unknown } } catch { msg = {} }
    if (!msg || !Array.isArray(msg.q)) {
      replies.push({ job: j.job, bytes: new Uint8Array(errorFrame(WireCode.BAD_MSGPACK, 'frame is not one msgpack value')), disc: [], grades: {}, codes: { [WireCode.BAD_MSGPACK]: 1 } })
      continue
    }
    frames.push({ cl, raw: msg.q, adm: j.adm })
    jobs.push(j)
  }
  const answers = answerFrames(engine, frames, logEngineError)
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i]
    // a copy the size of the frame: packr's buffer is reused by the next pack
    const r: JobReply = { job: jobs[i].job, bytes: new Uint8Array(packr.pack({ t: 'result', r: a.results })), disc: a.disclosures, grades: a.grades, codes: a.codes }
    // the audit record is encoded here too, so the uWS thread only copies it into the log
    if (a.disclosures.length) r.audit = packGroup(frames[i].cl.name, frames[i].cl.fields, jobs[i].via, a.disclosures)
    replies.push(r)
  }
  const transfer: ArrayBuffer[] = []
  for (const r of replies) { transfer.push(r.bytes.buffer as ArrayBuffer); if (r.audit) transfer.push(r.audit.buffer as ArrayBuffer) }
  port.postMessage({ t: 'done', jobs: replies } satisfies MatchWorkerReply, transfer)
})
