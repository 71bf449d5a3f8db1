// `nayose start` end to end on a tiny demo: it serves, prints tokens but no personal fields, and
// the printed request (a file) matches its demo resident.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'nayose-start-'))
let child: ChildProcess | undefined
afterAll(() => { child?.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }) })

describe('nayose start', () => {
  it('serves a synthetic demo; the example query is in a file and matches its resident', async () => {
    child = spawn(process.execPath, [join(root, 'bin/nayose.js'), 'start', '--dir', dir, '--residents', '3000', '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr!.resume()
    const deadline = Date.now() + 90_000
    while (!/Ctrl-C stops/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`start did not come up: ${out.slice(0, 400)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const url = /curl -s (http:\/\/127\.0\.0\.1:\d+)\/health/.exec(out)![1]!
    const token = /^ {2}demo +(\S+)/m.exec(out)![1]!
    const file = /-d @(\S+)/.exec(out)![1]!
    expect(file).toBe(join(dir, 'example-request.json'))
    const body = JSON.parse(readFileSync(file, 'utf8'))
    const q = body.q[0]
    // nothing of the example resident is printed
    for (const v of [q.name, q.birth_date, q.address]) expect(out).not.toContain(v)
    const health = await (await fetch(`${url}/health`)).json() as { status: string; uws: string }
    expect(health.status).toBe('ok')
    const res = await fetch(`${url}/match`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(res.status).toBe(200)
    const r = await res.json() as { r: { qid: number; grade: string }[] }
    expect(r.r).toHaveLength(1)
    expect(r.r[0]!.qid).toBe(q.qid)
    expect(r.r[0]!.grade).toBe('confirmed')
  }, 120_000)
})
