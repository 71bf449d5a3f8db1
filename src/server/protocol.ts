// SPEC §4 message shapes: decoding and validating what clients send, shaping what the server
// sends. Plain msgpack on the wire (msgpackr with records off), so any msgpack library reads it.
import { Packr, Unpackr } from 'msgpackr'
import type { EngineResult, Query } from '../engine/types.js'

const opts = { useRecords: false }                     // plain msgpack on the wire; maps → objects
export const packr = new Packr(opts)
export const unpackr = new Unpackr(opts)

/** Fields a query may carry (SPEC §2) besides `qid` and `limit`. */
export const QUERY_FIELDS = ['name', 'name_kana', 'birth_date', 'sex', 'address', 'my_number', 'resident_id'] as const
/** Longest accepted string value, in UTF-16 code units. */
export const MAX_FIELD_CHARS = 512
export const MAX_QID_CHARS = 256
export const DEFAULT_LIMIT = 3
export const MAX_LIMIT = 16 // the engine's MAX_LIMIT

/** Wire error codes the server itself produces (engine codes come from src/errors.ts). */
export const WireCode = {
  BAD_MSGPACK: 'BAD_MSGPACK',         // the frame is not one msgpack value
  BAD_MESSAGE: 'BAD_MESSAGE',         // not a {t: …} map, or a field has the wrong type
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',       // t is not auth/match/subscribe/unsubscribe
  UNAUTHENTICATED: 'UNAUTHENTICATED', // anything before a valid auth; a bad token
  TEXT_FRAME: 'TEXT_FRAME',           // frames must be binary
  TOO_LARGE: 'TOO_LARGE',             // frame over max_payload_bytes (past 4× the socket is closed)
  BAD_QUERY: 'BAD_QUERY',             // a query is not a map
  BAD_FIELD: 'BAD_FIELD',             // unknown field in a query
  BAD_TYPE: 'BAD_TYPE',               // a field value of the wrong type or too long
  BUSY: 'BUSY',                       // past max_in_flight or max_queries_per_frame
  RATE_LIMITED: 'RATE_LIMITED',       // past the client's rate limit
  SHUTTING_DOWN: 'SHUTTING_DOWN',     // the server is draining for shutdown
  AUDIT_FAILED: 'AUDIT_FAILED',       // the disclosure could not be recorded, so nothing is disclosed
  INTERNAL: 'INTERNAL',
  WORKER_FAILED: 'WORKER_FAILED',     // the match worker holding the query died before answering; retry
  UNKNOWN_ID: 'UNKNOWN_ID',           // subscribe: not an id this client has been given
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
} as const

export type ClientMessage =
  | { t: 'auth'; token: string }
  | { t: 'match'; q: unknown[] }
  | { t: 'subscribe' | 'unsubscribe'; ids: unknown[] }

export class ProtocolError extends Error {
  constructor(readonly code: string, message: string) { super(message) }
}

/**
 * Decodes one frame into a client message, or throws ProtocolError.
 * @example const msg = decodeMessage(new Uint8Array(data)) // decode now: `data` is gone after return
 */
export function decodeMessage(bytes: Uint8Array): ClientMessage {
  let m: unknown
  try { m = unpackr.unpack(bytes) } catch (e) {
    throw new ProtocolError(WireCode.BAD_MSGPACK, `frame is not one msgpack value (${(e as Error).message.slice(0, 80)})`)
  }
  return checkMessage(m)
}

export function checkMessage(m: unknown): ClientMessage {
  if (!isMap(m) || typeof m.t !== 'string') throw new ProtocolError(WireCode.BAD_MESSAGE, 'expected a map with a string field t')
  switch (m.t) {
    case 'auth':
      if (typeof m.token !== 'string') throw new ProtocolError(WireCode.BAD_MESSAGE, 'auth needs a string token')
      return m as ClientMessage
    case 'match':
      if (!Array.isArray(m.q)) throw new ProtocolError(WireCode.BAD_MESSAGE, 'match needs q: an array of queries')
      return m as ClientMessage
    case 'subscribe': case 'unsubscribe':
      if (!Array.isArray(m.ids)) throw new ProtocolError(WireCode.BAD_MESSAGE, `${m.t} needs ids: an array of strings`)
      return m as ClientMessage
    default:
      throw new ProtocolError(WireCode.UNKNOWN_TYPE, `unknown message type "${String(m.t).slice(0, 40)}"`)
  }
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Map)
}

/** The qid of a raw query if it is a valid one (string or finite number), else undefined. */
export function qidOf(q: unknown): string | number | undefined {
  if (!isMap(q)) return undefined
  const id = q.qid
  if (typeof id === 'string' && id.length <= MAX_QID_CHARS) return id
  if (typeof id === 'number' && Number.isFinite(id)) return id
  return undefined
}

/** A checked query, or the per-query error that answers it instead. */
export function checkQuery(q: unknown): Query | { code: string; message: string } {
  if (!isMap(q)) return { code: WireCode.BAD_QUERY, message: 'a query must be a map' }
  const out: Query = {}
  for (const k in q) {
    const v = q[k]
    if (v === undefined || v === null) continue
    if (k === 'qid') {
      if ((typeof v === 'string' && v.length <= MAX_QID_CHARS) || (typeof v === 'number' && Number.isFinite(v))) out.qid = v
      else return { code: WireCode.BAD_TYPE, message: `qid must be a string (≤ ${MAX_QID_CHARS} characters) or a number` }
    } else if (k === 'limit') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_LIMIT) return { code: WireCode.BAD_TYPE, message: `limit must be an integer 1–${MAX_LIMIT}` }
      out.limit = v
    } else if ((QUERY_FIELDS as readonly string[]).includes(k)) {
      if (k === 'sex' && typeof v === 'number' && Number.isInteger(v)) { out.sex = v; continue }
      if (typeof v !== 'string') return { code: WireCode.BAD_TYPE, message: `${k} must be a string` }
      if (v.length > MAX_FIELD_CHARS) return { code: WireCode.BAD_TYPE, message: `${k} is longer than ${MAX_FIELD_CHARS} characters` }
      ;(out as Record<string, unknown>)[k] = v
    } else {
      return { code: WireCode.BAD_FIELD, message: `unknown field "${k.slice(0, 40)}"` }
    }
  }
  return out
}

/** Result of SPEC §3 as sent on the wire. */
export interface WireCandidate {
  id: string
  score: number
  probability: number
  agreement: EngineResult['candidates'][number]['agreement']
  person: Record<string, string>
}
export interface WireResult {
  qid?: string | number
  grade: EngineResult['grade']
  candidates: WireCandidate[]
  snapshot: string
  error?: { code: string; message: string }
}

/** A result with grade 'error' and no candidates. */
export function errorResult(qid: string | number | undefined, snapshot: string, code: string, message: string): WireResult {
  const r: WireResult = { grade: 'error', candidates: [], snapshot, error: { code, message } }
  if (qid !== undefined) r.qid = qid
  return r
}

export function errorFrame(code: string, message: string, qid?: string | number): Uint8Array {
  return packr.pack(qid === undefined ? { t: 'error', code, message } : { t: 'error', code, message, qid })
}

/**
 * Without decoding it: if `b` is exactly one msgpack map whose `t` is "match" and whose `q` is
 * an array (the shape checkMessage accepts), the number of queries in `q`; otherwise undefined
 * (then decode it the ordinary way, which also reports what is wrong). The server uses this to
 * admit a frame that a match worker will decode, so the frame is decoded once, not twice.
 * Extension types anywhere make it answer undefined (msgpackr gives some of them meaning).
 */
export function peekMatch(b: Uint8Array): number | undefined {
  let p = 0
  const n = b.length
  const u8 = () => (p < n ? b[p++] : -1)
  const be = (k: number) => { if (p + k > n) return -1; let v = 0; for (let i = 0; i < k; i++) v = v * 256 + b[p++]; return v }
  /** Skips one value; false if malformed, truncated, an extension, or nested deeper than 32. */
  const skip = (depth: number): boolean => {
    if (depth > 32) return false
    const x = u8()
    if (x < 0) return false
    if (x <= 0x7f || x >= 0xe0 || x === 0xc0 || x === 0xc2 || x === 0xc3) return true
    let len = -2, kids = 0 // len: byte length of a str/bin/number (-1: truncated); kids: values inside
    if (x >= 0xa0 && x <= 0xbf) len = x & 31
    else if (x >= 0x90 && x <= 0x9f) kids = x & 15
    else if (x >= 0x80 && x <= 0x8f) kids = 2 * (x & 15)
    else switch (x) {
      case 0xcc: case 0xd0: len = 1; break
      case 0xcd: case 0xd1: len = 2; break
      case 0xca: case 0xce: case 0xd2: len = 4; break
      case 0xcb: case 0xcf: case 0xd3: len = 8; break
      case 0xc4: case 0xd9: len = be(1); break
      case 0xc5: case 0xda: len = be(2); break
      case 0xc6: case 0xdb: len = be(4); break
      case 0xdc: kids = be(2); break
      case 0xdd: kids = be(4); break
      case 0xde: kids = 2 * be(2); break
      case 0xdf: kids = 2 * be(4); break
      default: return false // 0xc1 (never used) and the extension types
    }
    if (kids < 0 || len === -1) return false
    if (len >= 0) { if (p + len > n) return false; p += len; return true }
    for (let i = 0; i < kids; i++) if (!skip(depth + 1)) return false
    return true
  }
  /** A string key or value: its [start, end) bytes, or undefined. */
  const str = (): [number, number] | undefined => {
    const x = u8()
    let len = -1
    if (x >= 0xa0 && x <= 0xbf) len = x & 31
    else if (x === 0xd9) len = be(1)
    else if (x === 0xda) len = be(2)
    else if (x === 0xdb) len = be(4)
    if (len < 0 || p + len > n) return undefined
    p += len
    return [p - len, p]
  }
  const is = (s: [number, number], c: number) => s[1] - s[0] === 1 && b[s[0]] === c
  const head = u8()
  let entries = -1
  if (head >= 0x80 && head <= 0x8f) entries = head & 15
  else if (head === 0xde) entries = be(2)
  else if (head === 0xdf) entries = be(4)
  if (entries < 0) return undefined
  let match = false, queries: number | undefined
  for (let e = 0; e < entries; e++) {
    const k = str()
    if (!k) return undefined
    if (is(k, 0x74)) { // t
      const at = p
      const v = str()
      if (!v) { p = at; if (!skip(1)) return undefined; match = false; continue }
      match = v[1] - v[0] === 5 && b[v[0]] === 0x6d && b[v[0] + 1] === 0x61 && b[v[0] + 2] === 0x74 && b[v[0] + 3] === 0x63 && b[v[0] + 4] === 0x68 // "match"
    } else if (is(k, 0x71)) { // q
      const x = b[p]
      let len = -1
      if (x >= 0x90 && x <= 0x9f) { len = x & 15; p++ } else if (x === 0xdc) { p++; len = be(2) } else if (x === 0xdd) { p++; len = be(4) }
      if (len < 0) { if (!skip(1)) return undefined; queries = undefined; continue }
      for (let i = 0; i < len; i++) if (!skip(2)) return undefined
      queries = len
    } else if (!skip(1)) return undefined
  }
  return p === n && match && queries !== undefined ? queries : undefined
}
