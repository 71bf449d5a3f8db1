// Running a server process: open the engine host and audit log, start, follow the config file
// (client add/revoke take effect without a restart), stop gracefully on SIGTERM/SIGINT.
import { existsSync, unwatchFile, watchFile } from 'node:fs'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { NayoseError } from '../errors.js'
import { EngineHost } from '../engine/host.js'
import { AuditLog } from '../store/audit.js'
import { NayoseServer } from './app.js'
import { DEFAULT_WORKERS, readConfig, resolvePaths, type ServerConfig } from './config.js'
import { MatchPool, type PoolEngine } from './pool.js'
import { loadUws, requireNative } from './uws.js'
import type { MatchHost } from './service.js'

/**
 * Opens the real EngineHost (src/engine/host.ts) on a snapshot directory: with `workers` ≥ 1 its
 * versions are served by match worker threads (pool.ts; the uWS thread then holds no engine),
 * with 0 by an Engine on the calling thread.
 */
export async function openEngineHost(dir: string, workers = 0, log?: Logger): Promise<MatchHost> {
  if (!existsSync(join(dir, 'data.mdb'))) throw new NayoseError('NO_SNAPSHOT', `no snapshot in ${dir} (build one with \`nayose snapshot build\`)`)
  if (workers < 1) return await EngineHost.open(dir) as unknown as MatchHost
  const pool = new MatchPool(workers, log)
  let host: EngineHost<PoolEngine>
  try {
    host = await EngineHost.open(dir, { factory: pool.factory })
  } catch (e) { await pool.close(); throw e }
  const close = host.close.bind(host)
  // closing the host retires the current version; then stop the workers
  return Object.assign(host, { close: async () => { await close(); await new Promise(r => setImmediate(r)); await pool.close() } }) as unknown as MatchHost
}

export interface RunOptions {
  configFile: string
  snapshot?: string
  hostname?: string
  port?: number
  allowFallback?: boolean
  /** match worker threads (overrides the config's `workers`) */
  workers?: number
  logLevel?: string
  /** called once listening (start prints its banner here) */
  onListening?: (server: NayoseServer, cfg: ServerConfig) => void
}

export function makeLogger(level = 'info'): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2))
}

/** Serves until SIGTERM/SIGINT, then drains and resolves. */
export async function runServer(o: RunOptions): Promise<void> {
  const log = makeLogger(o.logLevel)
  const cfg = resolvePaths(readConfig(o.configFile), o.configFile)
  // refuse the slow fallback before spending time loading the snapshot
  requireNative(loadUws().kind, o.allowFallback ?? cfg.allow_fallback ?? false)
  const snapshot = o.snapshot ?? cfg.snapshot
  if (!snapshot) throw new NayoseError('NO_SNAPSHOT', 'no snapshot: pass --snapshot DIR or set "snapshot" in the config file')
  const audit = AuditLog.open(cfg.audit.path, { sync: cfg.audit.sync !== false, indexThread: true })
  let host: MatchHost
  const workers = o.workers ?? cfg.workers ?? DEFAULT_WORKERS
  try { host = await openEngineHost(snapshot, workers, log) } catch (e) { await audit.close(); throw e }
  let server: NayoseServer
  try {
    server = await NayoseServer.start({ host, config: cfg, audit, hostname: o.hostname, port: o.port, allowFallback: o.allowFallback, logger: log })
  } catch (e) { await audit.close(); await host.close?.(); throw e }
  const scheme = cfg.tls ? 'https' : 'http', wsScheme = cfg.tls ? 'wss' : 'ws'
  const hostname = o.hostname ?? cfg.host ?? '127.0.0.1'
  process.stdout.write(`nayose: listening on ${scheme}://${hostname}:${server.port} (WebSocket ${wsScheme}://${hostname}:${server.port}/ws), snapshot ${host.engine.version}, uws ${server.uws}, ${workers} match worker${workers === 1 ? '' : 's'}\n`)
  o.onListening?.(server, cfg)

  // client add/revoke edit the file; pick the change up without a restart
  watchFile(o.configFile, { interval: 2000 }, () => {
    try {
      server.updateConfig(resolvePaths(readConfig(o.configFile), o.configFile))
      log.info('config reloaded')
    } catch (e) { log.error({ code: (e as NayoseError).code }, 'config reload failed; keeping the previous config') }
  })

  await new Promise<void>(resolve => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      log.info({ signal }, 'stopping: finishing in-flight queries')
      unwatchFile(o.configFile)
      server.shutdown()
        .then(() => audit.close())
        .then(() => host.close?.())
        .catch(e => log.error({ err: (e as Error).name }, 'error while stopping'))
        .finally(() => resolve())
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
}
