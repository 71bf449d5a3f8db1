// What the server needs from the matcher: the narrow slice of docs/ARCHITECTURE.md §4
// (Engine, EngineHost) it calls. The real EngineHost satisfies `MatchHost` structurally.
import type { EngineResult, Query, ResidentRecord } from '../engine/types.js'
import type { Admission } from './answer.js'
import type { FrameReply, PoolClient } from './pool.js'

/** One snapshot version: synchronous batch matching and record lookup. */
export interface MatchEngine {
  readonly version: string
  /** In order; a bad query gets grade 'error' alone. */
  matchBatch(qs: Query[]): EngineResult[]
  person(residentId: string): ResidentRecord | undefined
  /**
   * Present on an engine served by match workers (pool.ts PoolEngine): answers a whole frame
   * off the uWS thread; `matchBatch` is then not used.
   */
  submit?(client: PoolClient, frame: Uint8Array, adm: Admission, queries: number, via: 'ws' | 'http'): Promise<FrameReply>
}

/** A change to one person after a delta or reload (ARCHITECTURE §4). */
export interface PersonChange {
  id: string
  kind: string
  snapshot: string
  person?: ResidentRecord
}

export interface DeltaResult {
  version?: string
  applied?: number
  rejected?: number
  [k: string]: unknown
}

/** Atomic-swap holder: take `engine` once per batch and finish the batch on it. */
export interface MatchHost {
  readonly engine: MatchEngine
  reload(dir?: string): Promise<{ from: string; to: string }>
  applyDelta(csv: string): Promise<DeltaResult>
  on(event: 'change', fn: (c: PersonChange) => void): void
  close?(): void | Promise<void>
}
