// Prometheus metrics (prom-client), one registry per server so tests can run several.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export class ServerMetrics {
  readonly registry = new Registry()
  readonly queries = new Counter({ name: 'nayose_queries_total', help: 'Queries answered, by grade (error includes busy and rate-limited)', labelNames: ['grade', 'transport'] as const, registers: [this.registry] })
  readonly errors = new Counter({ name: 'nayose_errors_total', help: 'Errors by code (per-query error codes and frame-level protocol errors)', labelNames: ['code'] as const, registers: [this.registry] })
  readonly latency = new Histogram({
    name: 'nayose_frame_latency_seconds', help: 'Time from receiving a frame or request to handing its answer to the socket (includes the audit commit)',
    labelNames: ['transport'] as const, buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  })
  readonly connections = new Gauge({ name: 'nayose_connections', help: 'Open WebSocket connections', registers: [this.registry] })
  readonly snapshot = new Gauge({ name: 'nayose_snapshot_info', help: 'Snapshot version being served (value 1)', labelNames: ['version'] as const, registers: [this.registry] })
  readonly auditEntries = new Counter({ name: 'nayose_audit_entries_total', help: 'Disclosures recorded in the audit log', registers: [this.registry] })
  #version = ''

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry })
  }

  setSnapshot(version: string): void {
    if (version === this.#version) return
    if (this.#version) this.snapshot.remove(this.#version)
    this.#version = version
    this.snapshot.set({ version }, 1)
  }
}
