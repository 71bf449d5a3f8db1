import { describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { checkQuery, decodeMessage, ProtocolError } from '../../src/server/protocol.js'
import { parseScope, scopePerson } from '../../src/server/scope.js'
import { bearer, findByToken, hashToken, newToken, tokenMatches } from '../../src/server/auth.js'
import { addClient, emptyConfig, readConfig, revokeClient, validateConfig, writeConfig } from '../../src/server/config.js'
import { detectKind } from '../../src/server/uws.js'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

describe('protocol', () => {
  it('decodes messages from another msgpack library and rejects bad shapes with codes', () => {
    expect(decodeMessage(encode({ t: 'match', q: [{ name: 'x' }] }))).toEqual({ t: 'match', q: [{ name: 'x' }] })
    const code = (b: Uint8Array) => { try { decodeMessage(b); return 'ok' } catch (e) { return (e as ProtocolError).code } }
    expect(code(encode({ t: 'match' }))).toBe('BAD_MESSAGE')
    expect(code(encode({ t: 'nope' }))).toBe('UNKNOWN_TYPE')
    expect(code(encode('match'))).toBe('BAD_MESSAGE')
    expect(code(new Uint8Array([0x82, 0xa1]))).toBe('BAD_MSGPACK')
    expect(code(encode({ t: 'auth', token: 5 }))).toBe('BAD_MESSAGE')
  })
  it('checks query fields and types', () => {
    expect(checkQuery({ qid: 1, name: 'a', sex: 2, limit: 5, address: null })).toEqual({ qid: 1, name: 'a', sex: 2, limit: 5 })
    expect(checkQuery({ name: ['a'] })).toMatchObject({ code: 'BAD_TYPE' })
    expect(checkQuery({ limit: 17 })).toMatchObject({ code: 'BAD_TYPE' })
    expect(checkQuery({ name: 'x'.repeat(513) })).toMatchObject({ code: 'BAD_TYPE' })
    expect(checkQuery({ favourite: 'x' })).toMatchObject({ code: 'BAD_FIELD' })
    expect(checkQuery(null)).toMatchObject({ code: 'BAD_QUERY' })
    expect(checkQuery({ qid: NaN })).toMatchObject({ code: 'BAD_TYPE' })
  })
})

describe('scope', () => {
  const rec = { resident_id: '12345678901', my_number: '123456789018', name: 'n', birth_date: 'd', sex: '1' as const, address: 'a', household_id: 'h', status: 'moved_out' as const, status_date: 's' }
  it('parses presets, fields and raw', () => {
    expect(parseScope('basic')).toEqual({ fields: ['name', 'name_kana', 'birth_date', 'sex', 'address'], raw_ids: false })
    expect(parseScope('none,raw')).toEqual({ fields: [], raw_ids: true })
    expect(parseScope('household_id,status')).toEqual({ fields: ['household_id', 'status_date'], raw_ids: false })
    expect(() => parseScope('basic,shoe')).toThrow(/unknown scope item/)
  })
  it('returns only scoped fields plus status; raw ids only with raw', () => {
    expect(scopePerson(rec, parseScope('none'))).toEqual({ status: 'moved_out' })
    expect(scopePerson(rec, parseScope('sex,household_id'))).toEqual({ status: 'moved_out', sex: '1', household_id: 'h' })
    expect(scopePerson(rec, parseScope('none,raw'))).toEqual({ status: 'moved_out', resident_id: '12345678901', my_number: '123456789018' })
  })
})

describe('auth and config', () => {
  it('stores only hashes and compares them', () => {
    const t = newToken()
    expect(t).toMatch(/^nyz_[A-Za-z0-9_-]{43}$/)
    expect(tokenMatches(t, hashToken(t))).toBe(true)
    expect(tokenMatches(t + 'x', hashToken(t))).toBe(false)
    const entries: [string, { token_sha256: string }][] = [['a', { token_sha256: hashToken('x') }], ['b', { token_sha256: hashToken(t) }]]
    expect(findByToken(t, entries)?.[0]).toBe('b')
    expect(findByToken('nope', entries)).toBeUndefined()
    expect(findByToken(undefined, entries)).toBeUndefined()
    expect(bearer('Bearer abc')).toBe('abc')
    expect(bearer('Basic abc')).toBeUndefined()
  })
  it('client add/revoke round-trips through a 0600 file that holds no token', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nayose-cfg-')), 'c.json')
    const cfg = emptyConfig()
    const token = addClient(cfg, 'a', 'basic,raw', 100)
    expect(() => addClient(cfg, 'a', 'basic')).toThrow(/already exists/)
    expect(() => addClient(cfg, 'bad name', 'basic')).toThrow()
    writeConfig(file, cfg)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const back = readConfig(file)
    expect(JSON.stringify(back)).not.toContain(token)
    expect(back.clients.a.scope.raw_ids).toBe(true)
    revokeClient(back, 'a')
    expect(back.clients.a.revoked_at).toBeDefined()
    expect(() => validateConfig({ ...back, limits: { nope: 1 } as never }, 'x')).toThrow(/unknown limit/)
  })
  it('tells the native uWS module from the fallback', () => {
    expect(detectKind({ App() {}, SSLApp() {}, getParts() {} })).toBe('native')
    expect(detectKind({ App() {} })).toBe('fallback')
  })
})
