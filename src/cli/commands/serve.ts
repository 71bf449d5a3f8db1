// `nayose serve --snapshot DIR --config FILE [--port N] [--host H]`: the streaming server for real use.
import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'
import { runServer } from '../../server/run.js'

export function parsePort(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new NayoseError('BAD_ARGUMENT', `port must be an integer 0–65535, not "${v}"`)
  return n
}

export function parseWorkers(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new NayoseError('BAD_ARGUMENT', `--workers must be an integer 0–64, not "${v}"`)
  return n
}

export function register(program: Command): void {
  program.command('serve')
    .description('serve a snapshot over WebSocket (/ws) and HTTP on one port; SIGTERM drains in-flight queries')
    .requiredOption('--config <file>', 'server config file (clients, token hashes, scopes, limits, TLS, audit path)')
    .option('--snapshot <dir>', 'snapshot directory (default: "snapshot" in the config)')
    .option('--port <n>', 'port (default: config, then $PORT, then 8787; 0 picks a free one)')
    .option('--host <addr>', 'address to bind (default: config, then 127.0.0.1)')
    .option('--allow-fallback', 'serve even if uWebSockets.js fell back to its slow pure-JS implementation')
    .option('--workers <n>', 'match worker threads, each with its own engine (default: config, then 1; 0 = match on the server thread)')
    .option('--log-level <level>', 'pino level: fatal error warn info debug silent', 'info')
    .action(async (o: { config: string; snapshot?: string; port?: string; host?: string; allowFallback?: boolean; workers?: string; logLevel: string }) => {
      await runServer({
        configFile: o.config, snapshot: o.snapshot, hostname: o.host,
        port: parsePort(o.port) ?? parsePort(process.env.PORT), allowFallback: o.allowFallback, workers: parseWorkers(o.workers), logLevel: o.logLevel,
      })
      // drained and closed: do not wait for stray handles (lmdb worker threads, timers)
      process.exit(0)
    })
}
