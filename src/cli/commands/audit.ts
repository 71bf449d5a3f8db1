// `nayose audit RESIDENT_ID --config FILE`: who received this person's data, and when (SPEC §5).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'
import { readConfig, resolvePaths } from '../../server/config.js'
import { AuditLog } from '../../store/audit.js'

export function register(program: Command): void {
  program.command('audit <resident_id>')
    .description('list every disclosure of one resident: when, to which client, for which qid, which fields')
    .requiredOption('--config <file>', 'server config file (its audit.path is read)')
    .option('--json', 'JSON lines instead of TSV')
    .action(async (rid: string, o: { config: string; json?: boolean }) => {
      if (!/^\d{11}$/.test(rid)) throw new NayoseError('BAD_RESIDENT_ID', 'resident_id must be 11 digits')
      const cfg = resolvePaths(readConfig(o.config), o.config)
      if (!existsSync(join(cfg.audit.path, 'audit.mdb'))) throw new NayoseError('NO_AUDIT', `no audit log at ${cfg.audit.path} (the server has not disclosed anything yet)`)
      const log = AuditLog.open(cfg.audit.path, { readOnly: true })
      try {
        const entries = log.forResident(rid)
        if (o.json) for (const e of entries) process.stdout.write(JSON.stringify(e) + '\n')
        else {
          process.stdout.write('at\tclient\tqid\tid\tvia\tfields\n')
          for (const e of entries) process.stdout.write(`${e.at}\t${e.client}\t${e.qid ?? ''}\t${e.id}\t${e.via}\t${e.fields.join(',')}\n`)
        }
        process.stderr.write(`${entries.length} disclosure(s) of ${rid}\n`)
      } finally { await log.close() }
    })
}
