// Test helpers: a real server on 127.0.0.1 (random free port) and an interop client built on
// `ws` + `@msgpack/msgpack`, a different msgpack library from the server's msgpackr.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { decode, encode } from '@msgpack/msgpack'
import { NayoseServer } from '../../src/server/app.js'
import { addClient, emptyConfig, setAdminToken, type Limits, type ServerConfig } from '../../src/server/config.js'
import { AuditLog } from '../../src/store/audit.js'
import type { MatchHost } from '../../src/server/service.js'

export interface TestServer {
  server: NayoseServer
  url: string
  http: string
  tokens: Record<string, string>
  admin: string
  config: ServerConfig
  audit: AuditLog
  dir: string
  close(): Promise<void>
}

export async function startTestServer(host: MatchHost, clients: Record<string, string>, limits: Partial<Limits> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nayose-server-'))
  const config = emptyConfig(join(dir, 'audit'))
  config.limits = limits
  const tokens: Record<string, string> = {}
  for (const [name, scope] of Object.entries(clients)) tokens[name] = addClient(config, name, scope)
  const admin = setAdminToken(config)
  const audit = AuditLog.open(config.audit.path)
  const server = await NayoseServer.start({ host, config, audit, port: 0, defaultMetrics: false })
  return {
    server, url: `ws://127.0.0.1:${server.port}/ws`, http: `http://127.0.0.1:${server.port}`, tokens, admin, config, audit, dir,
    async close() { await server.shutdown(1); await audit.close(); rmSync(dir, { recursive: true, force: true }) },
  }
}

/** A WebSocket client that decodes every binary frame with @msgpack/msgpack. */
export class InteropClient {
  readonly ws: WebSocket
  readonly received: unknown[] = []
  closeCode: number | undefined
  #waiters: (() => void)[] = []
  readonly opened: Promise<void>
  readonly closed: Promise<number>

  constructor(url: string, token?: string, opts: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, { ...opts, headers: token ? { authorization: `Bearer ${token}` } : {} })
    this.ws.binaryType = 'nodebuffer'
    this.opened = new Promise((resolve, reject) => { this.ws.once('open', () => resolve()); this.ws.once('error', reject) })
    this.closed = new Promise(resolve => this.ws.once('close', code => { this.closeCode = code; resolve(code); this.#wake() }))
    this.ws.on('message', (data: Buffer) => { this.received.push(decode(data)); this.#wake() })
    this.ws.on('error', () => { /* surfaced through opened/closed */ })
  }

  #wake(): void { const w = this.#waiters; this.#waiters = []; for (const f of w) f() }

  send(msg: unknown): void { this.ws.send(encode(msg)) }
  sendRaw(bytes: Uint8Array | string): void { this.ws.send(bytes) }

  /** Waits until `n` messages have been received in total (or the socket closed). */
  async waitFor(n: number, timeoutMs = 10_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs
    while (this.received.length < n && this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} messages (have ${this.received.length})`)
      await new Promise<void>(r => { this.#waiters.push(r); setTimeout(r, 200) })
    }
    return this.received
  }

  /** Sends and waits for the next message. */
  async ask(msg: unknown): Promise<Record<string, any>> {
    const n = this.received.length
    this.send(msg)
    await this.waitFor(n + 1)
    return this.received[n] as Record<string, any>
  }

  close(): void { this.ws.close() }
}

export async function connect(url: string, token?: string): Promise<InteropClient> {
  const c = new InteropClient(url, token)
  await c.opened
  return c
}

/** POST to an admin route of the test server with its admin token. */
export function adminPost(t: TestServer, path: string, body?: unknown): Promise<Response> {
  return fetch(`${t.http}${path}`, { method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined })
}

/**
 * Keeps `window` frames of `per` queries in flight on `c` (cycling through `queries`) until
 * `stop()`, which waits for every answer and returns the results in order with how many queries
 * were sent. Clear `c.received` before starting.
 */
export function pumpQueries(c: InteropClient, queries: unknown[], window = 8, per = 16): { stop(): Promise<{ results: any[]; sent: number }> } {
  let frames = 0, stopped = false
  const pumping = (async () => {
    while (!stopped) {
      while (frames - c.received.length < window && !stopped) {
        c.send({ t: 'match', q: Array.from({ length: per }, (_, i) => queries[(frames * per + i) % queries.length]) })
        frames++
      }
      await c.waitFor(c.received.length + 1)
    }
  })()
  return {
    async stop() {
      stopped = true
      await pumping
      await c.waitFor(frames)
      return { results: c.received.flatMap((m: any) => m.r), sent: frames * per }
    },
  }
}
