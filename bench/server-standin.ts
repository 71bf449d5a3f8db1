// Stand-in matcher for bench/server.ts when the real engine (src/engine/host.ts) is not in the
// build: an id lookup, so the figures measure transport + protocol + pseudonyms + audit only.
import type { EngineResult, Query, ResidentRecord } from '../src/engine/types.js'
import type { MatchEngine, MatchHost } from '../src/server/service.js'

export class StandinBenchHost implements MatchHost, MatchEngine {
  readonly version = 'standin-1'
  readonly #rows = new Map<string, ResidentRecord>()
  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const id = String(10000000000 + i)
      this.#rows.set(id, { resident_id: id, name: '試験 太郎', name_kana: 'シケン タロウ', birth_date: '1970-03-02', sex: '1', address: '東京都千代田区千代田1-1', status: 'resident' })
    }
  }
  get engine(): MatchEngine { return this }
  matchBatch(qs: Query[]): EngineResult[] {
    return qs.map(q => {
      const r = q.resident_id ? this.#rows.get(q.resident_id) : undefined
      return r
        ? { qid: q.qid, grade: 'confirmed', snapshot: this.version, candidates: [{ residentId: r.resident_id, score: 30, probability: 0.9999, agreement: { name: 'exact', kana: 'exact', birth: 'exact', sex: 'exact', address: 'exact' } }] }
        : { qid: q.qid, grade: 'none', snapshot: this.version, candidates: [] }
    })
  }
  person(id: string): ResidentRecord | undefined { return this.#rows.get(id) }
  queries(n: number): Query[] { return Array.from({ length: n }, (_, i) => ({ resident_id: String(10000000000 + ((i * 7919) % this.#rows.size)) })) }
  async reload() { return { from: this.version, to: this.version } }
  async applyDelta() { return {} }
  on(): void { /* no changes */ }
}
