/** Messages between the collate main thread (pool.ts) and its workers (worker.ts). */
import type { Query } from '../engine/types.js'
import type { Encoding } from '../io/csv.js'

export interface WorkerInit {
  snapshot: string
  encryptionKeyFile?: string
  /** Output encoding of the rows the worker formats. */
  encoding: Encoding
  /** Candidates per query (SPEC §2 `limit`); engine default when absent. */
  limit?: number
}

/** A row the reader rejected (bad bytes, wrong column count, unreadable CSV). */
export interface RowError { code: string; message: string }

export interface BatchMessage {
  t: 'batch'
  seq: number
  qids: string[]
  queries: (Query | RowError)[]
}

export type WorkerReply =
  | { t: 'ready'; version: string; rows: number; loadSeconds: number }
  | { t: 'done'; seq: number; bytes: Uint8Array; grades: Record<string, number> }
  | { t: 'fatal'; code: string; message: string }
