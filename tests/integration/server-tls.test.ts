// Optional TLS: with tls.key/cert in the config the server is a uWS SSLApp (wss:// and https://).
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NayoseServer } from '../../src/server/app.js'
import { addClient, emptyConfig } from '../../src/server/config.js'
import { AuditLog } from '../../src/store/audit.js'
import { StandinHost, residents } from './server-standin.js'
import { InteropClient } from './server-helpers.js'

describe('TLS', () => {
  it('serves wss:// with the configured key and certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nayose-tls-'))
    const key = join(dir, 'key.pem'), cert = join(dir, 'cert.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' })
    const config = { ...emptyConfig(join(dir, 'audit')), tls: { key, cert } }
    const token = addClient(config, 'a', 'basic')
    const audit = AuditLog.open(config.audit.path)
    const rows = residents(10)
    const server = await NayoseServer.start({ host: new StandinHost(rows), config, audit, port: 0, defaultMetrics: false })
    try {
      const c = new InteropClient(`wss://127.0.0.1:${server.port}/ws`, token, { rejectUnauthorized: false } as never)
      await c.opened
      const m = await c.ask({ t: 'match', q: [{ qid: 1, resident_id: rows[1].resident_id }] })
      expect(m.r[0].grade).toBe('confirmed')
      c.close()
    } finally {
      await server.shutdown(1)
      await audit.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
