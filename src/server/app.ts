// The streaming server (SPEC §4): uWebSockets.js WebSocket endpoint `/ws` plus HTTP routes on
// the same port. One event loop; matching is synchronous per frame on the engine taken once for
// that frame, then the frame's disclosures are committed to the audit log, then its result goes
// out through a per-connection ordered queue that respects uWS backpressure.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_listen_socket } from 'uWebSockets.js'
import { pino, type Logger } from 'pino'
import { NayoseError } from '../errors.js'
import type { AuditLog, Disclosure } from '../store/audit.js'
import { bearer, findByToken, tokenMatches } from './auth.js'
import { limitsOf, type ClientEntry, type Limits, type ServerConfig } from './config.js'
import { ServerMetrics } from './metrics.js'
import {
  ProtocolError, WireCode, checkMessage, decodeMessage, errorFrame, errorResult,
  isMap, packr, peekMatch, qidOf, unpackr, type WireResult,
} from './protocol.js'
import { answerFrame, withoutDisclosures, type Admission, type FlatDisclosures } from './answer.js'
import type { PoolClient, WorkerFailed } from './pool.js'
import { Pseudonymizer, isPseudonym } from './pseudonym.js'
import { disclosedFields, scopePerson, type Scope } from './scope.js'
import type { MatchHost, PersonChange } from './service.js'
import { loadUws, requireNative, type UwsKind } from './uws.js'

export interface ServerOptions {
  host: MatchHost
  /** with paths already resolved (see resolvePaths) */
  config: ServerConfig
  audit: AuditLog
  hostname?: string
  /** 0 picks a free port */
  port?: number
  allowFallback?: boolean
  logger?: Logger
  /** collect Node default metrics (off in tests that start many servers) */
  defaultMetrics?: boolean
}

/** A client after authentication: shared by all its connections (rate limit is per client). */
interface ClientCtx {
  name: string
  /** the config entry it was made from (JSON), to notice changes */
  entry: string
  scope: Scope
  fields: string[]
  pseudo: Pseudonymizer
  /** what match workers need of it (uid changes when the config entry does) */
  pool: PoolClient
  qps: number
  tokens: number
  refilledAt: number
}

interface Slot { bytes: Uint8Array; ready: boolean }

interface Conn {
  id: number
  ws?: WebSocket<Conn>
  client?: ClientCtx
  inFlight: number
  queue: Slot[]
  queuedBytes: number
  closed: boolean
  subs: Map<string, string>
  authTimer?: NodeJS.Timeout
}

const TEXT_JSON = 'application/json'
const MSGPACK = 'application/msgpack'
const RAW_ID = /^\d{11}$/
const EMPTY = new Uint8Array(0)
let nextClientUid = 1

/** The queries of a frame: as decoded, or decoded now from its bytes (a peeked frame). */
function queriesOf(raw: unknown[] | undefined, bytes: Uint8Array): unknown[] {
  if (raw) return raw
  const m = unpackr.unpack(bytes) as { q?: unknown }
  return Array.isArray(m?.q) ? m.q : []
}

function countCodes(results: WireResult[]): Record<string, number> {
  const codes: Record<string, number> = {}
  for (const r of results) if (r.error) codes[r.error.code] = (codes[r.error.code] ?? 0) + 1
  return codes
}

/**
 * @example
 * const server = await NayoseServer.start({ host, config, audit, port: 0 })
 * console.log(server.port); …; await server.shutdown()
 */
export class NayoseServer {
  readonly uws: UwsKind
  readonly metrics: ServerMetrics
  readonly log: Logger
  #port = 0
  #app!: TemplatedApp
  #listen: us_listen_socket | undefined
  #host: MatchHost
  #config: ServerConfig
  #limits: Limits
  #audit: AuditLog
  #clients = new Map<string, ClientCtx>()
  #conns = new Set<Conn>()
  #subs = new Map<string, Set<Conn>>()
  #nextConn = 1
  #startedAt = Date.now()
  #draining = false
  #httpInFlight = 0

  private constructor(opts: ServerOptions, kind: UwsKind) {
    this.uws = kind
    this.#host = opts.host
    this.#config = opts.config
    this.#limits = limitsOf(opts.config)
    this.#audit = opts.audit
    this.log = opts.logger ?? pino({ level: 'silent' })
    this.metrics = new ServerMetrics(opts.defaultMetrics ?? true)
  }

  /** Builds the app and listens; rejects if the port cannot be bound or uWS is the fallback (unless allowed). */
  static async start(opts: ServerOptions): Promise<NayoseServer> {
    const { uws, kind } = loadUws()
    requireNative(kind, opts.allowFallback ?? opts.config.allow_fallback ?? false)
    const s = new NayoseServer(opts, kind)
    const tls = opts.config.tls
    if (tls && kind !== 'native') throw new NayoseError('UWS_FALLBACK', 'TLS needs the native uWebSockets.js binary')
    s.#app = tls
      ? uws.SSLApp({ key_file_name: tls.key, cert_file_name: tls.cert, passphrase: tls.passphrase, ca_file_name: tls.ca })
      : uws.App()
    s.#routes()
    opts.host.on('change', c => {
      try { s.#onChange(c) } catch (e) { s.log.error({ err: (e as Error).name }, 'internal error pushing a change') }
    })
    s.metrics.setSnapshot(opts.host.engine.version)
    const hostname = opts.hostname ?? opts.config.host ?? '127.0.0.1'
    const port = opts.port ?? opts.config.port ?? 8787
    await new Promise<void>((resolve, reject) => {
      s.#app.listen(hostname, port, ls => {
        if (!ls) return reject(new NayoseError('LISTEN_FAILED', `cannot listen on ${hostname}:${port}`))
        s.#listen = ls
        s.#port = uws.us_socket_local_port(ls as unknown as Parameters<typeof uws.us_socket_local_port>[0])
        resolve()
      })
    })
    s.log.info({ host: hostname, port: s.#port, uws: kind, tls: Boolean(tls), snapshot: opts.host.engine.version }, 'listening')
    return s
  }

  get port(): number { return this.#port }

  /** Replaces the config (client add/revoke): revoked or removed clients are disconnected. */
  updateConfig(cfg: ServerConfig): void {
    this.#config = cfg
    this.#limits = limitsOf(cfg)
    for (const [name, ctx] of this.#clients) {
      const e = cfg.clients[name]
      // revoked, removed, or re-created with another token/key/scope/limit: drop and disconnect
      if (!e || e.revoked_at || JSON.stringify(e) !== ctx.entry) this.#clients.delete(name)
    }
    for (const c of this.#conns) {
      if (c.client && this.#clients.get(c.client.name) !== c.client) {
        this.log.info({ conn: c.id, client: c.client.name }, 'client revoked or changed: closing')
        this.#closeWith(c, 1008, 'client revoked or changed')
      }
    }
  }

  // ---- WebSocket ----------------------------------------------------------------------------

  #routes(): void {
    const L = this.#limits
    this.#app.ws<Conn>('/ws', {
      // past max_payload_bytes a frame is answered TOO_LARGE; past 4× uWS closes the socket
      maxPayloadLength: L.max_payload_bytes * 4,
      idleTimeout: L.idle_timeout_s,
      // we never send past max_buffered_bytes ourselves; this is only the hard stop
      maxBackpressure: L.max_buffered_bytes + L.max_queued_bytes + L.max_payload_bytes,
      closeOnBackpressureLimit: 1,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        const key = req.getHeader('sec-websocket-key')
        const proto = req.getHeader('sec-websocket-protocol')
        const ext = req.getHeader('sec-websocket-extensions')
        const auth = req.getHeader('authorization')
        if (this.#draining) { res.writeStatus('503 Service Unavailable').end('shutting down'); return }
        const conn: Conn = { id: this.#nextConn++, inFlight: 0, queue: [], queuedBytes: 0, closed: false, subs: new Map() }
        if (auth) {
          const client = this.#authenticate(bearer(auth))
          if (!client) {
            this.metrics.errors.inc({ code: WireCode.UNAUTHENTICATED })
            res.writeStatus('401 Unauthorized').writeHeader('content-type', TEXT_JSON)
              .end(JSON.stringify({ t: 'error', code: WireCode.UNAUTHENTICATED, message: 'bad or revoked token' }))
            return
          }
          conn.client = client
        }
        res.upgrade(conn, key, proto, ext, context)
      },
      open: ws => {
        const c = ws.getUserData()
        c.ws = ws
        this.#conns.add(c)
        this.metrics.connections.inc()
        this.log.debug({ conn: c.id, client: c.client?.name }, 'open')
        if (!c.client) c.authTimer = setTimeout(() => {
          if (!c.client && !c.closed) this.#reject(c, 'no auth frame within the auth timeout')
        }, this.#limits.auth_timeout_s * 1000)
      },
      message: (ws, data, isBinary) => {
        // an exception escaping a uWS handler would end the process: contain it to this frame
        try { this.#onMessage(ws, data, isBinary) } catch (e) {
          this.log.error({ conn: ws.getUserData().id, err: (e as Error).name }, 'internal error handling a frame')
          this.#protocolError(ws.getUserData(), e)
        }
      },
      drain: ws => this.#flush(ws.getUserData()),
      close: ws => {
        const c = ws.getUserData()
        c.closed = true
        clearTimeout(c.authTimer)
        this.#conns.delete(c)
        for (const rid of c.subs.keys()) this.#unsub(c, rid)
        c.queue.length = 0
        this.metrics.connections.dec()
        this.log.debug({ conn: c.id, client: c.client?.name }, 'close')
      },
    })

    const safe = (fn: (res: HttpResponse, req: HttpRequest) => void) => (res: HttpResponse, req: HttpRequest) => {
      try { fn(res, req) } catch (e) {
        this.log.error({ err: (e as Error).name }, 'internal error handling a request')
        try { this.#json(res, '500 Internal Server Error', { code: WireCode.INTERNAL, message: 'internal error' }) } catch { /* already answered */ }
      }
    }
    this.#app.get('/health', safe(res => this.#health(res)))
    this.#app.get('/metrics', safe(res => this.#metrics(res)))
    this.#app.post('/match', safe((res, req) => this.#httpMatch(res, req)))
    this.#app.post('/admin/reload', safe((res, req) => this.#admin(res, req, body => this.#adminReload(body))))
    this.#app.post('/admin/delta', safe((res, req) => this.#admin(res, req, (body, type) => this.#adminDelta(body, type))))
    this.#app.get('/admin/audit/:resident_id', safe((res, req) => {
      const rid = req.getParameter(0)
      this.#admin(res, req, async () => {
        if (!RAW_ID.test(rid)) throw new NayoseError('BAD_RESIDENT_ID', 'resident_id must be 11 digits')
        return { resident_id: rid, entries: this.#audit.forResident(rid) }
      })
    }))
    this.#app.any('/*', safe(res => { res.writeStatus('404 Not Found').writeHeader('content-type', TEXT_JSON).end(JSON.stringify({ code: 'NOT_FOUND', message: 'no such route' })) }))
  }

  #onMessage(ws: WebSocket<Conn>, data: ArrayBuffer, isBinary: boolean): void {
    const c = ws.getUserData()
    const t0 = performance.now()
    if (c.client && isBinary && data.byteLength <= this.#limits.max_payload_bytes && this.#host.engine.submit) {
      // a match frame for a match worker is admitted from its shape alone; the worker decodes it
      const bytes = new Uint8Array(data.slice(0))
      const n = peekMatch(bytes)
      if (n !== undefined) return this.#match(c, undefined, n, t0, () => bytes)
    }
    let msg
    try {
      // decode now: `data` is gone after return
      if (!isBinary) throw new ProtocolError(WireCode.TEXT_FRAME, 'frames must be binary msgpack')
      if (data.byteLength > this.#limits.max_payload_bytes) throw new ProtocolError(WireCode.TOO_LARGE, `frame larger than ${this.#limits.max_payload_bytes} bytes; split the batch`)
      msg = decodeMessage(new Uint8Array(data))
    } catch (e) {
      if (!c.client) return this.#reject(c, 'first frame must be {t:"auth", token}')
      return this.#protocolError(c, e)
    }
    if (!c.client) {
      if (msg.t !== 'auth') return this.#reject(c, 'first frame must be {t:"auth", token}')
      const client = this.#authenticate(msg.token)
      if (!client) return this.#reject(c, 'bad or revoked token')
      c.client = client
      clearTimeout(c.authTimer)
      this.#enqueue(c, packr.pack({ t: 'auth', ok: true, client: client.name }), true)
      return
    }
    switch (msg.t) {
      case 'match': {
        // copied only if a match worker takes it (uWS reuses `data` after return)
        let copy: Uint8Array | undefined
        return this.#match(c, msg.q, msg.q.length, t0, () => copy ??= new Uint8Array(data.slice(0)))
      }
      case 'subscribe': return this.#subscribe(c, msg.ids, true)
      case 'unsubscribe': return this.#subscribe(c, msg.ids, false)
      case 'auth': this.#enqueue(c, errorFrame(WireCode.BAD_MESSAGE, 'already authenticated'), true); return
    }
  }

  #authenticate(token: string | undefined): ClientCtx | undefined {
    const live = Object.entries(this.#config.clients).filter(([, e]) => !e.revoked_at)
    const hit = findByToken<ClientEntry>(token, live)
    if (!hit) return undefined
    const [name, e] = hit
    let ctx = this.#clients.get(name)
    if (!ctx) {
      const qps = e.rate_limit_qps ?? this.#limits.rate_limit_qps
      ctx = { name, entry: JSON.stringify(e), scope: e.scope, fields: disclosedFields(e.scope), pseudo: new Pseudonymizer(Buffer.from(e.pseudonym_key, 'hex')), pool: { uid: nextClientUid++, key: e.pseudonym_key, scope: e.scope, name, fields: disclosedFields(e.scope) }, qps, tokens: qps, refilledAt: performance.now() }
      this.#clients.set(name, ctx)
    }
    return ctx
  }

  /** Unauthenticated: an error, then a close; nothing else. */
  #reject(c: Conn, message: string): void {
    this.metrics.errors.inc({ code: WireCode.UNAUTHENTICATED })
    if (c.closed || !c.ws) return
    const ws = c.ws
    ws.cork(() => { ws.send(errorFrame(WireCode.UNAUTHENTICATED, message), true); ws.end(1008, 'unauthenticated') })
  }

  #protocolError(c: Conn, e: unknown): void {
    const code = e instanceof ProtocolError ? e.code : WireCode.INTERNAL
    this.metrics.errors.inc({ code })
    if (!(e instanceof ProtocolError)) this.log.error({ conn: c.id, err: (e as Error).name }, 'internal error decoding a frame')
    this.#enqueue(c, errorFrame(code, e instanceof ProtocolError ? e.message : 'internal error'), true)
  }

  /** Takes up to `n` tokens from the client's bucket; returns how many it got. */
  #takeTokens(cl: ClientCtx, n: number): number {
    if (cl.qps <= 0) return n
    const now = performance.now()
    cl.tokens = Math.min(cl.qps, cl.tokens + (now - cl.refilledAt) * cl.qps / 1000)
    cl.refilledAt = now
    const got = Math.max(0, Math.min(n, Math.floor(cl.tokens)))
    cl.tokens -= got
    return got
  }

  /**
   * Answers one batch: exactly one result per query, in order. Admission (frame size, in-flight,
   * rate limit, shutdown) decides how many are matched; the rest are answered with an error
   * result saying why. Returns how many were admitted and, once the frame's disclosures are
   * committed to the audit log, the packed `{t:"result", r}` frame. With match workers the
   * frame is answered on a worker (`frame()` gives the bytes to post); if the audit commit
   * fails every disclosing result becomes AUDIT_FAILED, if the worker dies every admitted query
   * is answered WORKER_FAILED.
   */
  #answer(cl: ClientCtx, raw: unknown[] | undefined, n: number, room: number, via: 'ws' | 'http', frame: () => Uint8Array): { admitted: number; done: Promise<{ bytes: Uint8Array; auditFailed: boolean }> } {
    const L = this.#limits
    const engine = this.#host.engine // once per batch: the whole batch runs on one version
    const cap = this.#draining ? 0 : Math.min(n, L.max_queries_per_frame, Math.max(0, room))
    const admitted = this.#takeTokens(cl, cap)
    const adm: Admission = {
      admitted,
      rateEnd: cap,
      rateMessage: `over the client's rate limit of ${cl.qps} queries/s`,
      rest: this.#draining ? { code: WireCode.SHUTTING_DOWN, message: 'the server is shutting down' }
        : { code: WireCode.BUSY, message: `over the limit of ${L.max_queries_per_frame} queries per frame or ${L.max_in_flight} in flight` },
    }
    const commit = (bytes: Uint8Array, disc: FlatDisclosures, packed?: Uint8Array) => {
      this.metrics.auditEntries.inc(disc.length / 3)
      return this.#audit.recordFlat(cl.name, cl.fields, via, disc, packed).then(() => ({ bytes, auditFailed: false }), err => {
        // nothing is disclosed that is not recorded: answer every disclosing query AUDIT_FAILED
        this.log.error({ client: cl.name, err: (err as Error).message }, 'audit commit failed')
        const r = (unpackr.unpack(bytes) as { r: WireResult[] }).r
        return { bytes: packr.pack({ t: 'result', r: withoutDisclosures(r) }), auditFailed: true }
      })
    }
    if (engine.submit && admitted > 0) {
      const done = engine.submit(cl.pool, frame(), adm, n, via).then(rep => {
        this.#count(rep.grades, rep.codes, via)
        return commit(rep.bytes, rep.disc, rep.audit)
      }, (err: Error) => {
        // the worker died (or none is left): every admitted query still gets its one answer
        this.log.error({ client: cl.name, code: (err as WorkerFailed).code, err: err.name }, 'match worker lost a frame: answering WORKER_FAILED')
        const version = engine.version
        const results = queriesOf(raw, frame()).map((q, i) => errorResult(qidOf(q), version,
          i < admitted ? WireCode.WORKER_FAILED : i < cap ? WireCode.RATE_LIMITED : adm.rest.code,
          i < admitted ? 'the match worker failed; retry' : i < cap ? adm.rateMessage : adm.rest.message))
        this.#count({ error: n }, countCodes(results), via)
        return { bytes: packr.pack({ t: 'result', r: results }), auditFailed: false }
      })
      return { admitted, done }
    }
    const a = answerFrame(engine, cl, queriesOf(raw, frame()), adm, e => {
      this.log.error({ err: e.name, code: (e as NayoseError).code }, 'engine failed on a batch; retrying its queries one by one')
    })
    this.#count(a.grades, a.codes, via)
    return { admitted, done: commit(packr.pack({ t: 'result', r: a.results }), a.disclosures) }
  }

  /** One labelled inc per grade/code of a frame (label hashing is not free). */
  #count(grades: Record<string, number>, codes: Record<string, number>, via: 'ws' | 'http'): void {
    for (const g in grades) this.metrics.queries.inc({ grade: g, transport: via }, grades[g])
    for (const c in codes) this.metrics.errors.inc({ code: c }, codes[c])
  }

  /** `raw`: the decoded queries, or undefined when only peeked (then `frame()` holds them). */
  #match(c: Conn, raw: unknown[] | undefined, n: number, t0: number, frame: () => Uint8Array): void {
    const cl = c.client!
    const { admitted, done } = this.#answer(cl, raw, n, this.#limits.max_in_flight - c.inFlight, 'ws', frame)
    c.inFlight += admitted
    const slot = this.#enqueue(c, EMPTY, false)
    done.then(({ bytes }) => {
      c.inFlight -= admitted
      this.#fill(c, slot, bytes)
      this.metrics.latency.observe({ transport: 'ws' }, (performance.now() - t0) / 1000)
      this.#flushCorked(c)
    }, err => {
      // not reached (done handles its failures); still answer rather than stall the connection
      this.log.error({ conn: c.id, err: (err as Error).name }, 'internal error answering a frame')
      c.inFlight -= admitted
      this.#fill(c, slot, packr.pack({ t: 'result', r: queriesOf(raw, frame()).map(q => errorResult(qidOf(q), '', WireCode.INTERNAL, 'internal error')) }))
      this.#flushCorked(c)
    })
  }

  /** Gives a queued slot its bytes and marks it ready (enforcing the queued-bytes limit). */
  #fill(c: Conn, slot: Slot, bytes: Uint8Array): void {
    c.queuedBytes += bytes.length - slot.bytes.length
    slot.bytes = bytes
    slot.ready = true
    if (!c.closed && c.queuedBytes > this.#limits.max_queued_bytes + this.#limits.max_buffered_bytes) this.#slowReader(c)
  }

  /** Appends a frame to the connection's ordered output queue. */
  #enqueue(c: Conn, bytes: Uint8Array, ready: boolean): Slot {
    const slot: Slot = { bytes, ready }
    if (c.closed) return slot
    c.queue.push(slot)
    c.queuedBytes += bytes.length
    if (c.queuedBytes > this.#limits.max_queued_bytes + this.#limits.max_buffered_bytes) {
      this.#slowReader(c)
      return slot
    }
    if (ready) this.#flush(c)
    return slot
  }

  /** A reader this slow would make us buffer without bound: stop serving it. */
  #slowReader(c: Conn): void {
    this.log.warn({ conn: c.id, client: c.client?.name, queued: c.queuedBytes }, 'slow reader: closing')
    this.metrics.errors.inc({ code: 'SLOW_READER' })
    this.#closeWith(c, 1008, 'slow reader: results not read')
  }

  #flushCorked(c: Conn): void {
    if (c.closed || !c.ws) return
    c.ws.cork(() => this.#flush(c))
  }

  /** Sends ready frames in order while uWS's buffer is under max_buffered_bytes; drain resumes. */
  #flush(c: Conn): void {
    if (c.closed || !c.ws) return
    const ws = c.ws, max = this.#limits.max_buffered_bytes
    while (c.queue.length > 0 && c.queue[0].ready) {
      if (ws.getBufferedAmount() > max) return
      const s = c.queue.shift()!
      c.queuedBytes -= s.bytes.length
      if (ws.send(s.bytes, true) === 2) return // dropped: uWS closes the socket (closeOnBackpressureLimit)
      if (c.closed) return
    }
  }

  #closeWith(c: Conn, code: number, reason: string): void {
    if (c.closed || !c.ws) return
    const ws = c.ws
    c.closed = true
    try { ws.end(code, reason) } catch { /* already closed */ }
  }

  // ---- subscriptions --------------------------------------------------------------------------

  #subscribe(c: Conn, ids: unknown[], on: boolean): void {
    const cl = c.client!
    const ok: string[] = [], errors: { id: unknown; code: string }[] = []
    for (const id of ids) {
      if (typeof id !== 'string') { errors.push({ id, code: WireCode.BAD_TYPE }); continue }
      let rid: string | undefined
      if (isPseudonym(id)) rid = this.#audit.resolvePseudonym(cl.name, id)
      else if (cl.scope.raw_ids && RAW_ID.test(id)) rid = id
      if (on) {
        if (!rid) { errors.push({ id, code: WireCode.UNKNOWN_ID }); continue }
        if (!c.subs.has(rid) && c.subs.size >= this.#limits.max_subscriptions) { errors.push({ id, code: WireCode.TOO_MANY_SUBSCRIPTIONS }); continue }
        c.subs.set(rid, id)
        let set = this.#subs.get(rid)
        if (!set) this.#subs.set(rid, set = new Set())
        set.add(c)
      } else if (rid && c.subs.get(rid) === id) this.#unsub(c, rid)
      ok.push(id)
    }
    this.#enqueue(c, packr.pack({ t: on ? 'subscribed' : 'unsubscribed', ids: ok, errors }), true)
  }

  #unsub(c: Conn, rid: string): void {
    c.subs.delete(rid)
    const set = this.#subs.get(rid)
    if (set) { set.delete(c); if (set.size === 0) this.#subs.delete(rid) }
  }

  #onChange(ch: PersonChange): void {
    this.metrics.setSnapshot(ch.snapshot)
    const set = this.#subs.get(ch.id)
    if (!set || set.size === 0) return
    const pending: { c: Conn; slot: Slot }[] = []
    const disclosures: Disclosure[] = []
    for (const c of set) {
      const cl = c.client!
      const msg: Record<string, unknown> = { t: 'change', id: c.subs.get(ch.id), kind: ch.kind, snapshot: ch.snapshot }
      if (ch.person) {
        msg.person = scopePerson(ch.person, cl.scope)
        disclosures.push({ resident_id: ch.id, client: cl.name, id: cl.pseudo.id(ch.id), fields: cl.fields, via: 'change' })
      }
      pending.push({ c, slot: this.#enqueue(c, packr.pack(msg), false) })
    }
    this.metrics.auditEntries.inc(disclosures.length)
    this.#audit.record(disclosures).then(() => {
      for (const { c, slot } of pending) { slot.ready = true; this.#flushCorked(c) }
    }, err => {
      this.log.error({ err: (err as Error).message }, 'audit commit failed: change pushes withheld')
      for (const { c, slot } of pending) {
        slot.bytes = errorFrame(WireCode.AUDIT_FAILED, 'a change could not be recorded and was not sent'); slot.ready = true; this.#flushCorked(c)
      }
    })
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  #health(res: HttpResponse): void {
    let snapshot: string | null = null
    try { snapshot = this.#host.engine.version } catch { /* not loaded */ }
    let workers: number | undefined
    try { workers = (this.#host.engine as { readyWorkers?: number }).readyWorkers } catch { /* not loaded */ }
    const body = { status: this.#draining ? 'draining' : 'ok', snapshot, uptime_s: Math.round((Date.now() - this.#startedAt) / 1000), uws: this.uws, connections: this.#conns.size, ...(workers !== undefined ? { match_workers: workers } : {}) }
    res.writeStatus(this.#draining ? '503 Service Unavailable' : '200 OK').writeHeader('content-type', TEXT_JSON).end(JSON.stringify(body))
  }

  #metrics(res: HttpResponse): void {
    let aborted = false
    res.onAborted(() => { aborted = true })
    this.metrics.setSnapshot(this.#host.engine.version)
    this.metrics.registry.metrics().then(text => {
      if (!aborted) res.cork(() => res.writeHeader('content-type', this.metrics.registry.contentType).end(text))
    }, () => { if (!aborted) res.cork(() => res.writeStatus('500 Internal Server Error').end()) })
  }

  /** Reads the whole body (up to max_payload_bytes), then calls `done`; answers 413 past the limit. */
  #readBody(res: HttpResponse, done: (body: Buffer) => void, state: { aborted: boolean }): void {
    const max = this.#limits.max_payload_bytes
    const chunks: Buffer[] = []
    let size = 0, failed = false
    res.onData((chunk, isLast) => {
      if (failed || state.aborted) return
      size += chunk.byteLength
      if (size > max) {
        failed = true
        res.cork(() => this.#json(res, '413 Payload Too Large', { code: 'TOO_LARGE', message: `body larger than ${max} bytes` }, true))
        return
      }
      chunks.push(Buffer.from(chunk.slice(0))) // copy: the chunk is neutered after return
      if (isLast) done(Buffer.concat(chunks))
    })
  }

  #json(res: HttpResponse, status: string, body: unknown, close = false): void {
    res.writeStatus(status).writeHeader('content-type', TEXT_JSON).end(JSON.stringify(body), close)
  }

  #httpMatch(res: HttpResponse, req: HttpRequest): void {
    const t0 = performance.now()
    const type = req.getHeader('content-type')
    const token = bearer(req.getHeader('authorization'))
    const state = { aborted: false }
    res.onAborted(() => { state.aborted = true })
    const asMsgpack = type.startsWith(MSGPACK) || type.startsWith('application/x-msgpack')
    const reply = (status: string, body: unknown) => {
      if (state.aborted) return
      res.cork(() => {
        if (asMsgpack) res.writeStatus(status).writeHeader('content-type', MSGPACK).end(packr.pack(body))
        else res.writeStatus(status).writeHeader('content-type', TEXT_JSON).end(JSON.stringify(body))
      })
    }
    const replyBytes = (status: string, bytes: Uint8Array) => {
      if (!state.aborted) res.cork(() => res.writeStatus(status).writeHeader('content-type', MSGPACK).end(bytes))
    }
    const cl = this.#authenticate(token)
    if (!cl) {
      this.metrics.errors.inc({ code: WireCode.UNAUTHENTICATED })
      reply('401 Unauthorized', { t: 'error', code: WireCode.UNAUTHENTICATED, message: 'missing, bad or revoked bearer token' })
      return
    }
    this.#readBody(res, body => {
      let msg: unknown
      try { msg = asMsgpack ? unpackr.unpack(body) : JSON.parse(body.toString('utf8')) } catch {
        return reply('400 Bad Request', { t: 'error', code: asMsgpack ? WireCode.BAD_MSGPACK : 'BAD_JSON', message: 'body is not one msgpack value / JSON document' })
      }
      if (isMap(msg) && msg.t === undefined) msg = { ...msg, t: 'match' }
      let m
      try { m = checkMessage(msg) } catch (e) { return reply('400 Bad Request', { t: 'error', code: (e as ProtocolError).code, message: (e as Error).message }) }
      if (m.t !== 'match') return reply('400 Bad Request', { t: 'error', code: WireCode.UNKNOWN_TYPE, message: 'POST /match takes {q: [...]}' })
      const q = m.q
      const { admitted, done } = this.#answer(cl, q, q.length, this.#limits.max_in_flight - this.#httpInFlight, 'http', () => new Uint8Array(packr.pack({ q })))
      this.#httpInFlight += admitted
      done.then(({ bytes, auditFailed }) => {
        this.#httpInFlight -= admitted
        if (auditFailed) return reply('503 Service Unavailable', { t: 'error', code: WireCode.AUDIT_FAILED, message: 'the disclosure could not be recorded' })
        this.metrics.latency.observe({ transport: 'http' }, (performance.now() - t0) / 1000)
        if (asMsgpack) replyBytes('200 OK', bytes)
        else reply('200 OK', unpackr.unpack(bytes))
      }, () => {
        this.#httpInFlight -= admitted
        reply('500 Internal Server Error', { t: 'error', code: WireCode.INTERNAL, message: 'internal error' })
      })
    }, state)
  }

  /** Admin routes: admin bearer token, body read, JSON answer. */
  #admin(res: HttpResponse, req: HttpRequest, fn: (body: Buffer, type: string) => Promise<unknown>): void {
    const token = bearer(req.getHeader('authorization'))
    const type = req.getHeader('content-type')
    const method = req.getMethod()
    const state = { aborted: false }
    res.onAborted(() => { state.aborted = true })
    const adm = this.#config.admin
    if (!adm || !token || !tokenMatches(token, adm.token_sha256)) {
      this.metrics.errors.inc({ code: WireCode.UNAUTHENTICATED })
      this.#json(res, '401 Unauthorized', { code: WireCode.UNAUTHENTICATED, message: adm ? 'admin token required' : 'no admin token is configured' })
      return
    }
    const run = (body: Buffer) => {
      fn(body, type).then(out => {
        if (!state.aborted) res.cork(() => this.#json(res, '200 OK', out))
      }, (e: unknown) => {
        const code = e instanceof NayoseError ? e.code : WireCode.INTERNAL
        this.log.error({ code }, 'admin request failed')
        if (!state.aborted) res.cork(() => this.#json(res, e instanceof NayoseError ? '400 Bad Request' : '500 Internal Server Error', { code, message: e instanceof NayoseError ? e.message : 'internal error' }))
      })
    }
    if (method === 'get') run(Buffer.alloc(0))
    else this.#readBody(res, run, state)
  }

  async #adminReload(body: Buffer): Promise<unknown> {
    let dir: string | undefined
    if (body.length) {
      let m: unknown
      try { m = JSON.parse(body.toString('utf8')) } catch { throw new NayoseError('BAD_JSON', 'body must be JSON: {"snapshot": DIR} or empty') }
      if (isMap(m) && m.snapshot !== undefined) {
        if (typeof m.snapshot !== 'string') throw new NayoseError('BAD_JSON', 'snapshot must be a path')
        dir = m.snapshot
      }
    }
    const r = await this.#host.reload(dir)
    this.metrics.setSnapshot(r.to)
    this.log.info({ from: r.from, to: r.to }, 'reloaded')
    return r
  }

  async #adminDelta(body: Buffer, type: string): Promise<unknown> {
    if (type.startsWith('text/csv')) {
      // the CSV itself: staged in a private temp file, applied, removed
      const dir = mkdtempSync(join(tmpdir(), 'nayose-delta-'))
      const file = join(dir, 'delta.csv')
      try {
        writeFileSync(file, body, { mode: 0o600 })
        return await this.#applyDelta(file)
      } finally { rmSync(dir, { recursive: true, force: true }) }
    }
    let m: unknown
    try { m = JSON.parse(body.toString('utf8')) } catch { throw new NayoseError('BAD_JSON', 'body must be text/csv (the delta itself) or JSON {"path": FILE} (a delta file on the server)') }
    if (!isMap(m) || typeof m.path !== 'string') throw new NayoseError('BAD_JSON', 'JSON body must be {"path": FILE}')
    return this.#applyDelta(m.path)
  }

  async #applyDelta(file: string): Promise<unknown> {
    const r = await this.#host.applyDelta(file)
    this.metrics.setSnapshot(this.#host.engine.version)
    this.log.info({ version: r.version, applied: r.applied, rejected: r.rejected }, 'delta applied')
    const { changes: _changes, ...summary } = r as Record<string, unknown>
    return summary
  }

  // ---- shutdown -------------------------------------------------------------------------------

  /**
   * Graceful stop: stop accepting, answer new queries SHUTTING_DOWN, wait (up to grace) until
   * every accepted query has been answered and handed to the socket, then close connections.
   */
  async shutdown(graceS = this.#limits.shutdown_grace_s): Promise<void> {
    if (this.#draining) return
    this.#draining = true
    this.log.info({ connections: this.#conns.size }, 'shutting down')
    const { uws } = loadUws()
    if (this.#listen) { uws.us_listen_socket_close(this.#listen); this.#listen = undefined }
    const deadline = Date.now() + graceS * 1000
    const busy = () => this.#httpInFlight > 0 || [...this.#conns].some(c => c.inFlight > 0 || c.queue.length > 0 || (c.ws && !c.closed && c.ws.getBufferedAmount() > 0))
    while (busy() && Date.now() < deadline) await new Promise(r => setTimeout(r, 20))
    for (const c of [...this.#conns]) this.#closeWith(c, 1001, 'server shutting down')
    await new Promise(r => setTimeout(r, 10))
    // closes any remaining sockets (present in this build, missing from its typings)
    try { (this.#app as unknown as { close(): void }).close() } catch { /* older builds */ }
    this.log.info('stopped')
  }
}

/** For `client-collate` and tests: the frame shapes, re-exported. */
export { packr, unpackr }
