// A small in-test matcher behind the server's MatchHost interface (src/server/service.ts): a
// stand-in for the engine in protocol tests, not a mock of uWS or LMDB (those stay real).
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import type { EngineResult, Query, ResidentRecord } from '../../src/engine/types.js'
import type { MatchEngine, MatchHost, PersonChange } from '../../src/server/service.js'

export function residents(n: number): ResidentRecord[] {
  const out: ResidentRecord[] = []
  for (let i = 0; i < n; i++) {
    out.push({
      resident_id: String(10000000000 + i), my_number: i % 2 ? undefined : String(100000000000 + i),
      name: `テスト ${i % 50}`, name_kana: `テスト ${i % 50}`, birth_date: `1970-01-1${i % 10}`,
      sex: i % 2 ? '2' : '1', address: `東京都千代田区${i}`, household_id: `H${i}`, status: 'resident',
    })
  }
  return out
}

export class StandinEngine implements MatchEngine {
  readonly byId = new Map<string, ResidentRecord>()
  constructor(readonly version: string, rows: ResidentRecord[]) { for (const r of rows) this.byId.set(r.resident_id, r) }
  matchBatch(qs: Query[]): EngineResult[] { return qs.map(q => this.match(q)) }
  match(q: Query): EngineResult {
    const base = { qid: q.qid, snapshot: this.version }
    if (q.birth_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(q.birth_date)) return { ...base, grade: 'error', candidates: [], error: { code: 'BAD_DATE', message: 'not a date in any accepted notation' } }
    if (q.name === 'THROW') throw new Error('stand-in failure')
    const hits: ResidentRecord[] = []
    if (q.resident_id) { const r = this.byId.get(q.resident_id); if (r) hits.push(r) }
    else if (q.name && q.birth_date) for (const r of this.byId.values()) if (r.name === q.name && r.birth_date === q.birth_date) hits.push(r)
    const agreement = { name: 'exact', kana: 'missing', birth: 'exact', sex: 'missing', address: 'missing' } as const
    const candidates = hits.slice(0, 5).map((r, i) => ({ residentId: r.resident_id, score: 20 - i, probability: 0.9, agreement }))
    const grade = hits.length === 0 ? 'none' : hits.length === 1 ? (q.resident_id ? 'confirmed' : 'probable') : 'ambiguous'
    return { ...base, grade, candidates }
  }
  person(id: string): ResidentRecord | undefined { return this.byId.get(id) }
}

/** Swaps engines like EngineHost: reload bumps the version; applyDelta reads `resident_id,op,status,address` rows. */
export class StandinHost implements MatchHost {
  #engine: StandinEngine
  #events = new EventEmitter()
  #n = 1
  constructor(readonly rows: ResidentRecord[]) { this.#engine = new StandinEngine('v1', rows) }
  get engine(): StandinEngine { return this.#engine }
  async reload(): Promise<{ from: string; to: string }> {
    const from = this.#engine.version
    this.#engine = new StandinEngine(`v${++this.#n}`, [...this.#engine.byId.values()])
    return { from, to: this.#engine.version }
  }
  async applyDelta(csv: string) {
    const lines = readFileSync(csv, 'utf8').trim().split('\n').slice(1)
    const map = new Map(this.#engine.byId)
    const changes: PersonChange[] = []
    const version = `v${++this.#n}`
    for (const line of lines) {
      const [id, op, status, address] = line.split(',')
      const old = map.get(id)
      if (op === 'remove') { map.delete(id); changes.push({ id, kind: 'removed', snapshot: version }) }
      else if (old) { const p = { ...old, status: status as ResidentRecord['status'], address }; map.set(id, p); changes.push({ id, kind: status === 'deceased' ? 'deceased' : 'moved', snapshot: version, person: p }) }
    }
    this.#engine = new StandinEngine(version, [...map.values()])
    for (const c of changes) this.#events.emit('change', c)
    return { version, applied: lines.length, rejected: 0, changes }
  }
  on(event: 'change', fn: (c: PersonChange) => void): void { this.#events.on(event, fn) }
}
