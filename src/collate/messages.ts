/** Messages between the collate main thread (pipeline.ts, pool.ts) and its workers (worker.ts). */
import type { Encoding } from '../io/csv.js'

export interface WorkerInit {
  snapshot: string
  encryptionKeyFile?: string
  /** Encoding of the query file (workers decode their batches). */
  encoding: Encoding
  /** Encoding of the rows the worker formats. */
  outEncoding: Encoding
  /** Candidates per query (SPEC §2 `limit`); engine default when absent. */
  limit?: number
  /** Fields per row of the query file (its header's). */
  columns: number
  /** Index of the qid column, or -1: qid is the data row number. */
  qidColumn: number
  /** [query field, column index] for each SPEC §2 field the header names. */
  fields: [string, number][]
}

export interface BatchMessage {
  t: 'batch'
  seq: number
  /** Whole CSV records, raw bytes in the query file's encoding (transferred). */
  bytes: Uint8Array
  /** Rows in `bytes` (the worker checks its parse against it). */
  records: number
  /** Data row number of the first row (1 = first row after the header). */
  firstRow: number
  /** One error row instead of `bytes` (a record the splitter could not keep). */
  error?: { code: string; message: string }
}

export type WorkerReply =
  | { t: 'ready'; version: string; rows: number; loadSeconds: number }
  | { t: 'done'; seq: number; rows: number; bytes: Uint8Array; grades: Record<string, number> }
  | { t: 'fatal'; code: string; message: string }
