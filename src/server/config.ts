// The one server config file (JSON, documented in docs/server.md). It holds secrets (token
// hashes, pseudonym keys), so it is written with mode 0600 and its contents are never logged.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { NayoseError } from '../errors.js'
import { hashToken, newToken } from './auth.js'
import { checkScope, parseScope, type Scope } from './scope.js'

export interface Limits {
  /** Largest WebSocket message or POST body accepted (uWS maxPayloadLength); larger closes the socket with 1009. */
  max_payload_bytes: number
  /** Most queries in one `match` frame; the excess is answered `busy`. */
  max_queries_per_frame: number
  /** Queries accepted but not yet answered, per connection; past it, queries are answered `busy`. */
  max_in_flight: number
  /** Bytes uWS may buffer for a connection before the server holds results back (drain resumes). */
  max_buffered_bytes: number
  /** Results held back for a slow reader; past it the connection is closed with 1008. */
  max_queued_bytes: number
  /** Seconds without traffic before a connection is closed (uWS resolution ~4 s; 0 disables). */
  idle_timeout_s: number
  /** Seconds a connection may stay open without authenticating. */
  auth_timeout_s: number
  /** Subscribed ids per connection. */
  max_subscriptions: number
  /** Default per-client rate limit, queries per second (token bucket, burst = 1 s worth); 0 = unlimited. */
  rate_limit_qps: number
  /** Seconds SIGTERM waits for in-flight queries before closing connections. */
  shutdown_grace_s: number
}

export const DEFAULT_LIMITS: Limits = {
  max_payload_bytes: 1 << 20,
  max_queries_per_frame: 1024,
  max_in_flight: 4096,
  max_buffered_bytes: 1 << 20,
  max_queued_bytes: 16 << 20,
  idle_timeout_s: 120,
  auth_timeout_s: 10,
  max_subscriptions: 10_000,
  rate_limit_qps: 0,
  shutdown_grace_s: 10,
}

export interface ClientEntry {
  token_sha256: string
  /** hex, 32 random bytes: the key of this client's pseudonymous ids */
  pseudonym_key: string
  scope: Scope
  /** overrides limits.rate_limit_qps for this client */
  rate_limit_qps?: number
  created_at: string
  /** set by `client revoke`; a revoked client cannot authenticate */
  revoked_at?: string
}

export interface ServerConfig {
  version: 1
  host?: string
  port?: number
  /** snapshot directory served when `serve` gets no --snapshot */
  snapshot?: string
  allow_fallback?: boolean
  /**
   * Match worker threads, each with its own engine (≈ 600 MB at 1 M residents): 0 = match on
   * the uWS thread; default DEFAULT_WORKERS. See docs/server.md "Threads".
   */
  workers?: number
  admin?: { token_sha256: string }
  audit: { path: string; sync?: boolean }
  tls?: { key: string; cert: string; passphrase?: string; ca?: string }
  limits?: Partial<Limits>
  clients: Record<string, ClientEntry>
}

/** Config path → absolute paths resolved against the config file's folder. */
export function resolvePaths(cfg: ServerConfig, file: string): ServerConfig {
  const base = dirname(resolve(file))
  const abs = (p: string) => isAbsolute(p) ? p : resolve(base, p)
  return {
    ...cfg,
    snapshot: cfg.snapshot ? abs(cfg.snapshot) : undefined,
    audit: { ...cfg.audit, path: abs(cfg.audit.path) },
    tls: cfg.tls ? { ...cfg.tls, key: abs(cfg.tls.key), cert: abs(cfg.tls.cert), ca: cfg.tls.ca ? abs(cfg.tls.ca) : undefined } : undefined,
  }
}

/** Reads and validates a config file (paths left as written; see resolvePaths). */
export function readConfig(file: string): ServerConfig {
  if (!existsSync(file)) throw new NayoseError('NO_CONFIG', `config file ${file} does not exist (create one with \`nayose client add NAME --config ${file}\`)`)
  let cfg: ServerConfig
  try { cfg = JSON.parse(readFileSync(file, 'utf8')) } catch (e) {
    throw new NayoseError('BAD_CONFIG', `${file}: not valid JSON (${(e as Error).message})`)
  }
  return validateConfig(cfg, file)
}

export function validateConfig(cfg: ServerConfig, where: string): ServerConfig {
  if (!cfg || typeof cfg !== 'object' || cfg.version !== 1) throw new NayoseError('BAD_CONFIG', `${where}: expected {"version": 1, ...}`)
  if (!cfg.audit || typeof cfg.audit.path !== 'string') throw new NayoseError('BAD_CONFIG', `${where}: audit.path is required`)
  if (!cfg.clients || typeof cfg.clients !== 'object') throw new NayoseError('BAD_CONFIG', `${where}: clients is required`)
  for (const [name, c] of Object.entries(cfg.clients)) {
    if (!/^[0-9a-f]{64}$/.test(c.token_sha256 ?? '')) throw new NayoseError('BAD_CONFIG', `${where}: client ${name}: token_sha256 must be 64 hex digits`)
    if (!/^([0-9a-f]{2}){16,}$/.test(c.pseudonym_key ?? '')) throw new NayoseError('BAD_CONFIG', `${where}: client ${name}: pseudonym_key must be at least 16 bytes of hex`)
    c.scope = checkScope(c.scope, `${where}: client ${name}`)
  }
  if (cfg.admin && !/^[0-9a-f]{64}$/.test(cfg.admin.token_sha256 ?? '')) throw new NayoseError('BAD_CONFIG', `${where}: admin.token_sha256 must be 64 hex digits`)
  for (const [k, v] of Object.entries(cfg.limits ?? {})) {
    if (!(k in DEFAULT_LIMITS)) throw new NayoseError('BAD_CONFIG', `${where}: unknown limit "${k}"`)
    if (typeof v !== 'number' || !(v >= 0)) throw new NayoseError('BAD_CONFIG', `${where}: limit ${k} must be a number ≥ 0`)
  }
  if (cfg.workers !== undefined && !(Number.isInteger(cfg.workers) && cfg.workers >= 0 && cfg.workers <= 64)) throw new NayoseError('BAD_CONFIG', `${where}: workers must be an integer 0–64`)
  const idle = cfg.limits?.idle_timeout_s
  if (idle !== undefined && idle !== 0 && idle < 8) throw new NayoseError('BAD_CONFIG', `${where}: limits.idle_timeout_s must be 0 (off) or at least 8 (uWS)`)
  return cfg
}

/**
 * Match workers when neither the config nor --workers says. Measured on the 2-core VM
 * (BENCHMARKS.md "Server"): 1 worker ≈ 0 workers at 64-query frames and a little behind on 1-query
 * frames, 2 workers clearly behind both (every thread hand-off costs a wake-up there); 1 keeps
 * matching off the uWS thread at the memory of one engine. Machines with more cores may do better
 * with more; `0` matches on the uWS thread.
 */
export const DEFAULT_WORKERS = 1

export function limitsOf(cfg: ServerConfig): Limits {
  return { ...DEFAULT_LIMITS, ...(cfg.limits ?? {}) }
}

/** Writes the config atomically with mode 0600 (it holds secrets). */
export function writeConfig(file: string, cfg: ServerConfig): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

/** A new, empty config (audit log next to the config file unless told otherwise). */
export function emptyConfig(auditPath = 'audit'): ServerConfig {
  return { version: 1, audit: { path: auditPath, sync: true }, clients: {} }
}

/**
 * Adds a client with a fresh token and pseudonym key; returns the token (shown once, never stored).
 * @example const token = addClient(cfg, 'city-hall', 'basic'); writeConfig(file, cfg)
 */
export function addClient(cfg: ServerConfig, name: string, scopeText: string, rateLimitQps?: number): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new NayoseError('BAD_CLIENT_NAME', 'client names are 1–64 characters of A–Z a–z 0–9 . _ - (starting with a letter or digit)')
  const existing = cfg.clients[name]
  if (existing && !existing.revoked_at) throw new NayoseError('CLIENT_EXISTS', `client ${name} already exists (revoke it first to replace it)`)
  const token = newToken()
  cfg.clients[name] = {
    token_sha256: hashToken(token),
    pseudonym_key: randomBytes(32).toString('hex'),
    scope: parseScope(scopeText),
    ...(rateLimitQps !== undefined ? { rate_limit_qps: rateLimitQps } : {}),
    created_at: new Date().toISOString(),
  }
  return token
}

/** Sets a fresh admin token; returns it (shown once). */
export function setAdminToken(cfg: ServerConfig): string {
  const token = newToken()
  cfg.admin = { token_sha256: hashToken(token) }
  return token
}

export function revokeClient(cfg: ServerConfig, name: string): void {
  const c = cfg.clients[name]
  if (!c) throw new NayoseError('NO_CLIENT', `no client named ${name}`)
  if (!c.revoked_at) c.revoked_at = new Date().toISOString()
}

/** Gives an existing client a fresh token (its pseudonym key and scope stay); returns the token. */
export function rotateToken(cfg: ServerConfig, name: string): string {
  const c = cfg.clients[name]
  if (!c) throw new NayoseError('NO_CLIENT', `no client named ${name}`)
  const token = newToken()
  c.token_sha256 = hashToken(token)
  delete c.revoked_at
  return token
}
