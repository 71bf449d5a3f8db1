// `nayose client …` and `nayose audit …` as an operator runs them (node bin/nayose.js).
import { describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog } from '../../src/store/audit.js'
import { hashToken } from '../../src/server/auth.js'

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/nayose.js', ...args], { encoding: 'utf8' })

describe('client and audit commands', () => {
  it('client add prints a token once and stores only its hash; list shows scopes; revoke marks the client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nayose-cli-'))
    try {
      const cfg = join(dir, 'server.json')
      const add = cli('client', 'add', 'city', '--config', cfg, '--scope', 'basic,raw', '--rate-limit', '500')
      expect(add.status).toBe(0)
      const token = add.stdout.trim()
      expect(token).toMatch(/^nyz_[A-Za-z0-9_-]{43}$/)
      const text = readFileSync(cfg, 'utf8')
      expect(text).not.toContain(token)
      expect(JSON.parse(text).clients.city.token_sha256).toBe(hashToken(token))
      expect(statSync(cfg).mode & 0o777).toBe(0o600)
      expect(cli('client', 'add', 'city', '--config', cfg).status).toBe(2)
      expect(cli('client', 'add', 'x', '--config', cfg, '--scope', 'shoe').stderr).toContain('BAD_SCOPE')
      expect(cli('client', 'admin-token', '--config', cfg).stdout.trim()).toMatch(/^nyz_/)
      expect(cli('client', 'revoke', 'city', '--config', cfg).status).toBe(0)
      const listed = cli('client', 'list', '--config', cfg).stdout
      expect(listed).not.toContain('nyz_')
      const list = listed.trim().split('\n')
      expect(list[0]).toBe('name\tscope\trate_limit_qps\tcreated_at\trevoked_at')
      expect(list[1]).toMatch(/^city\tbasic,raw\t500\t\S+\t\S+$/)

      const audit = AuditLog.open(join(dir, 'audit'))
      await audit.record([{ resident_id: '12345678901', client: 'city', qid: 'q-7', id: 'AAAAAAAAAAAAAAAAAAAAAA', fields: ['status', 'name'], via: 'ws' }])
      const out = execFileSync(process.execPath, ['bin/nayose.js', 'audit', '12345678901', '--config', cfg], { encoding: 'utf8' }).trim().split('\n')
      expect(out[0]).toBe('at\tclient\tqid\tid\tvia\tfields')
      expect(out[1]).toMatch(/^\S+Z\tcity\tq-7\tAAAAAAAAAAAAAAAAAAAAAA\tws\tstatus,name$/)
      const json = cli('audit', '12345678901', '--config', cfg, '--json').stdout.trim()
      expect(JSON.parse(json)).toMatchObject({ client: 'city', qid: 'q-7', resident_id: '12345678901' })
      await audit.close()
      expect(cli('audit', '1234', '--config', cfg).stderr).toContain('BAD_RESIDENT_ID')
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })
})
