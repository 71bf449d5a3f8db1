// A crash loses no audit entry for a result that was sent: `nayose serve` as a child process,
// a client reads results, the server is killed with SIGKILL, and the audit log (opened afresh)
// holds an entry for every candidate the client received. Also: SIGTERM exits cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateResidents } from '../../data/gen/residents-file.js'
import { buildSnapshot } from '../../src/store/snapshot.js'
import { addClient, emptyConfig, setAdminToken, writeConfig } from '../../src/server/config.js'
import { AuditLog } from '../../src/store/audit.js'
import { connect } from './server-helpers.js'
import { parse } from 'csv-parse/sync'
import { readFileSync } from 'node:fs'

let dir: string, snap: string, cfgFile: string, token: string, residents: Record<string, string>[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nayose-server-crash-'))
  const csv = join(dir, 'r.csv')
  snap = join(dir, 'snap')
  await generateResidents(csv, { n: 1000, seed: 21 })
  await buildSnapshot(csv, snap, { synthetic: true, quiet: true })
  residents = parse(readFileSync(csv), { columns: true }) as Record<string, string>[]
  const cfg = emptyConfig('audit')
  token = addClient(cfg, 'raw', 'basic,raw')
  setAdminToken(cfg)
  cfgFile = join(dir, 'server.json')
  writeConfig(cfgFile, cfg)
}, 180_000)
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

function serve(extra: string[] = [], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['bin/nayose.js', 'serve', '--config', cfgFile, '--snapshot', snap, '--port', '0', '--log-level', 'warn', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  return new Promise((resolve, reject) => {
    let out = '', err = ''
    child.stdout!.on('data', d => {
      out += d
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) resolve({ child, port: Number(m[1]) })
    })
    child.stderr!.on('data', d => { err += d })
    child.on('exit', code => reject(new Error(`serve exited with ${code}: ${err}`)))
  })
}

describe('server process', () => {
  it('keeps every audit entry of sent results across SIGKILL', async () => {
    const { child, port } = await serve()
    const c = await connect(`ws://127.0.0.1:${port}/ws`, token)
    const frames = 20
    for (let f = 0; f < frames; f++) {
      c.send({ t: 'match', q: residents.slice(f * 10, f * 10 + 10).map((r, i) => ({ qid: `f${f}-${i}`, name: r.name, birth_date: r.birth_date, sex: r.sex, address: r.address })) })
    }
    await c.waitFor(frames)
    child.kill('SIGKILL')
    await new Promise(r => child.once('exit', r))
    const audit = AuditLog.open(join(dir, 'audit'), { readOnly: true })
    try {
      let checked = 0
      for (const m of c.received as any[]) for (const r of m.r) for (const cand of r.candidates) {
        const entries = audit.forResident(cand.person.resident_id)
        expect(entries).toContainEqual(expect.objectContaining({ client: 'raw', qid: r.qid, id: cand.id, via: 'ws' }))
        checked++
      }
      expect(checked).toBeGreaterThan(100)
    } finally { await audit.close() }
  })

  it('refuses the pure-JS uWS fallback unless allowed, and reports it in /health when allowed', async () => {
    const refused = spawnSync(process.execPath, ['bin/nayose.js', 'serve', '--config', cfgFile, '--snapshot', snap, '--port', '0'], { encoding: 'utf8', env: { ...process.env, UWS_USE_FALLBACK: '1' } })
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('UWS_FALLBACK')
    const { child, port } = await serve(['--allow-fallback'], { UWS_USE_FALLBACK: '1' })
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toMatchObject({ status: 'ok', uws: 'fallback' })
    } finally { child.kill('SIGKILL') }
  })

  it('SIGTERM drains and exits 0', async () => {
    const { child, port } = await serve()
    const c = await connect(`ws://127.0.0.1:${port}/ws`, token)
    c.send({ t: 'match', q: [{ qid: 1, resident_id: residents[0].resident_id }] })
    await c.waitFor(1)
    child.kill('SIGTERM')
    const code = await new Promise(r => child.once('exit', r))
    expect(code).toBe(0)
    expect(await c.closed).toBe(1001)
  })
})
