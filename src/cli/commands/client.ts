// `nayose client add|list|revoke|admin-token`: operators manage who may query the server. A new
// token is printed once on stdout and only its SHA-256 is stored in the config file.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'
import { addClient, emptyConfig, readConfig, revokeClient, setAdminToken, writeConfig } from '../../server/config.js'
import { DEFAULT_SCOPE, describeScope } from '../../server/scope.js'

function loadOrCreate(file: string) {
  return existsSync(file) ? readConfig(file) : emptyConfig()
}

export function register(program: Command): void {
  const client = program.command('client').description('manage server clients (tokens, scopes, pseudonym keys) in a config file')

  client.command('add <name>')
    .description('add a client: prints its token once (only a hash is stored); creates the config file if missing')
    .requiredOption('--config <file>', 'server config file (JSON)')
    .option('--scope <items>', 'comma list: presets none|status|basic|all, field names, and raw (raw resident_id/my_number)', DEFAULT_SCOPE)
    .option('--rate-limit <qps>', 'queries per second for this client (0 = unlimited)', v => Number(v))
    .action((name: string, o: { config: string; scope: string; rateLimit?: number }) => {
      if (o.rateLimit !== undefined && !(o.rateLimit >= 0)) throw new NayoseError('BAD_ARGUMENT', '--rate-limit must be a number ≥ 0')
      const created = !existsSync(o.config)
      const cfg = loadOrCreate(o.config)
      const token = addClient(cfg, name, o.scope, o.rateLimit)
      writeConfig(o.config, cfg)
      process.stderr.write(`${created ? `created ${o.config}; ` : ''}client ${name} added (scope ${describeScope(cfg.clients[name].scope)}). Its token, shown only now:\n`)
      process.stdout.write(token + '\n')
    })

  client.command('list')
    .description('list clients: name, scope, rate limit, created, revoked (never tokens or keys)')
    .requiredOption('--config <file>', 'server config file (JSON)')
    .action((o: { config: string }) => {
      const cfg = readConfig(o.config)
      process.stdout.write('name\tscope\trate_limit_qps\tcreated_at\trevoked_at\n')
      for (const [name, c] of Object.entries(cfg.clients)) {
        process.stdout.write(`${name}\t${describeScope(c.scope)}\t${c.rate_limit_qps ?? ''}\t${c.created_at}\t${c.revoked_at ?? ''}\n`)
      }
    })

  client.command('revoke <name>')
    .description('revoke a client: its token stops working (a running server notices within ~2 s and closes its connections)')
    .requiredOption('--config <file>', 'server config file (JSON)')
    .action((name: string, o: { config: string }) => {
      const cfg = readConfig(o.config)
      revokeClient(cfg, name)
      writeConfig(o.config, cfg)
      process.stderr.write(`client ${name} revoked\n`)
    })

  client.command('admin-token')
    .description('set a fresh admin token for the /admin routes: printed once, replaces any previous one')
    .requiredOption('--config <file>', 'server config file (JSON)')
    .action((o: { config: string }) => {
      const cfg = loadOrCreate(o.config)
      const token = setAdminToken(cfg)
      writeConfig(o.config, cfg)
      process.stderr.write('admin token, shown only now:\n')
      process.stdout.write(token + '\n')
    })
}
