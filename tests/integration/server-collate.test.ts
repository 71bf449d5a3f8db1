// `collate --server`: streaming a CSV through a real server, in order, with retries and --resume.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { collateViaServer, COLLATE_COLUMNS } from '../../src/server/client-collate.js'
import { StandinHost, residents } from './server-standin.js'
import { startTestServer, type TestServer } from './server-helpers.js'

const rows = residents(300)
let t: TestServer
let queries: string

beforeAll(async () => {
  // a small in-flight limit forces BUSY answers, which the client must retry, not write
  t = await startTestServer(new StandinHost(rows), { basic: 'basic', raw: 'basic,raw' }, { max_in_flight: 40 })
  queries = join(t.dir, 'q.csv')
  const lines = ['qid,resident_id,name,birth_date']
  for (let i = 0; i < 1000; i++) lines.push(i === 500 ? `q${i},${rows[1].resident_id},,,extra` : `q${i},${rows[i % 300].resident_id},,${i % 97 === 0 ? 'bad' : ''}`)
  writeFileSync(queries, lines.join('\n') + '\n')
})
afterAll(async () => { await t.close() })

const read = (f: string) => parse(readFileSync(f), { columns: true }) as Record<string, string>[]

describe('collateViaServer', () => {
  it('writes one row per input row, in order, retrying BUSY; raw clients get resident ids', async () => {
    const out = join(t.dir, 'r.csv')
    const s = await collateViaServer(queries, { server: `ws://127.0.0.1:${t.server.port}`, token: t.tokens.raw, out, batch: 16, window: 8, quiet: true })
    const got = read(out)
    expect(Object.keys(got[0])).toEqual([...COLLATE_COLUMNS])
    expect(s.rows).toBe(got.length)
    expect(s.retried).toBeGreaterThan(0)
    expect(got.every(r => r.error !== 'BUSY')).toBe(true)
    const ok = got.filter(r => r.grade === 'confirmed')
    expect(ok.length).toBeGreaterThan(900)
    for (const r of ok) expect(r.resident_id).toBe(rows[Number(r.qid.slice(1)) % 300].resident_id)
    expect(got.filter(r => r.grade === 'error').every(r => r.error !== '')).toBe(true)
    expect(got.find(r => r.qid === 'q97')?.error).toMatch(/^BAD_DATE/)
    expect(got.find(r => r.qid === 'q500')).toMatchObject({ grade: 'error', error: expect.stringMatching(/^EXTRA_COLUMNS/) })
    expect(got.map(r => r.qid)).toEqual(Array.from({ length: 1000 }, (_, i) => `q${i}`))
  })

  it('--resume continues after an interruption without duplicating or losing rows; pseudonyms for non-raw clients', async () => {
    const full = join(t.dir, 'full.csv'), part = join(t.dir, 'part.csv')
    await collateViaServer(queries, { server: `ws://127.0.0.1:${t.server.port}`, token: t.tokens.basic, out: full, quiet: true })
    const text = readFileSync(full, 'utf8')
    const cut = text.split('\n').slice(0, 401).join('\n') + '\nq400,conf' // a torn last line
    writeFileSync(part, cut)
    const s = await collateViaServer(queries, { server: `ws://127.0.0.1:${t.server.port}`, token: t.tokens.basic, out: part, resume: true, quiet: true })
    expect(s.skipped).toBe(400)
    expect(readFileSync(part, 'utf8')).toBe(text)
    const a = read(full), b = read(part)
    expect(b.map(r => r.qid)).toEqual(a.map(r => r.qid))
    expect(b.map(r => r.resident_id)).toEqual(a.map(r => r.resident_id))
    expect(a.find(r => r.grade === 'confirmed')!.resident_id).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('without a qid column, qids are data row numbers, as in-process collate writes them', async () => {
    const noQid = join(t.dir, 'noqid.csv'), out = join(t.dir, 'noqid-r.csv')
    writeFileSync(noQid, ['resident_id,birth_date', ...rows.slice(0, 5).map(r => `${r.resident_id},`)].join('\n') + '\n')
    await collateViaServer(noQid, { server: `ws://127.0.0.1:${t.server.port}`, token: t.tokens.raw, out, quiet: true })
    expect(read(out).map(r => r.qid)).toEqual(['1', '2', '3', '4', '5'])
  })

  it('fails clearly on a bad token', async () => {
    await expect(collateViaServer(queries, { server: `ws://127.0.0.1:${t.server.port}`, token: 'nyz_bad', out: join(t.dir, 'x.csv'), quiet: true })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
  })
})
