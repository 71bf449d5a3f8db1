// `npm start` = `nayose start`: the demo on a fresh clone. Generates a synthetic snapshot into
// var/demo/ (git-ignored) the first time, writes a demo config whose tokens are fresh on every
// start (printed once; pseudonym keys are kept so ids stay stable), and serves on 127.0.0.1.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'
import { addClient, emptyConfig, readConfig, rotateToken, setAdminToken, writeConfig } from '../../server/config.js'
import { runServer } from '../../server/run.js'
import { parsePort, parseWorkers } from './serve.js'

const DEMO_CLIENTS: [string, string][] = [['demo', 'basic'], ['demo-raw', 'all,raw']]

async function ensureSnapshot(dir: string, residents: number): Promise<string> {
  const snap = join(dir, 'snapshot')
  if (existsSync(join(snap, 'manifest.json'))) return snap
  mkdirSync(dir, { recursive: true })
  const csv = join(dir, 'residents.csv')
  let gen: typeof import('../../../data/gen/residents-file.js')
  let store: { buildSnapshot(csv: string, out: string, o: Record<string, unknown>): Promise<{ version: string; loaded: number; rejected: number }> }
  try {
    gen = await import('../../../data/gen/residents-file.js')
    store = await import('../../store/snapshot.js') as unknown as typeof store
  } catch (e) {
    throw new NayoseError('NOT_READY', `the demo needs the synthetic generator (data/gen) and the snapshot builder (src/store): ${(e as Error).message.split('\n')[0]}`)
  }
  process.stderr.write(`nayose start: generating ${residents.toLocaleString('en')} synthetic residents → ${csv}\n`)
  const t0 = Date.now()
  await gen.generateResidents(csv, { n: residents, seed: 'nayose-demo' })
  process.stderr.write(`nayose start: generated in ${((Date.now() - t0) / 1000).toFixed(1)} s; building the snapshot → ${snap}\n`)
  const s = await store.buildSnapshot(csv, snap, { synthetic: true, force: true })
  process.stderr.write(`nayose start: snapshot ${s.version}: ${s.loaded} loaded, ${s.rejected} rejected (${((Date.now() - t0) / 1000).toFixed(1)} s in all)\n`)
  writeFileSync(join(dir, 'example-query.json'), JSON.stringify(exampleQuery(csv)) + '\n')
  rmSync(csv, { force: true })
  return snap
}

/** A query about the demo's first resident, written the way upstream systems write them. */
function exampleQuery(csv: string): Record<string, string | number> {
  const head = readFileSync(csv, 'utf8').split('\n', 2).join('\n')
  const [r] = parse(head, { columns: true }) as Record<string, string>[]
  return { qid: 1, name: r.name.replace(/[\s　]+/, ' '), birth_date: r.birth_date.replaceAll('-', ''), sex: r.sex === '1' ? '男' : '女', address: r.address }
}

export function register(program: Command): void {
  program.command('start')
    .description('demo: build a synthetic snapshot if needed, write demo clients with fresh tokens, serve on 127.0.0.1')
    .option('--port <n>', 'port (default: $PORT, then 8787)')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--dir <dir>', 'demo folder (snapshot, config, audit log)', 'var/demo')
    .option('--residents <n>', 'synthetic residents in the demo snapshot', '100000')
    .option('--allow-fallback', 'serve even if uWebSockets.js fell back to its pure-JS implementation')
    .option('--workers <n>', 'match worker threads, each with its own engine (default: config, then 1; 0 = match on the server thread)')
    .option('--log-level <level>', 'pino level', 'info')
    .action(async (o: { port?: string; host: string; dir: string; residents: string; allowFallback?: boolean; workers?: string; logLevel: string }) => {
      const dir = resolve(o.dir)
      const n = Number(o.residents)
      if (!Number.isInteger(n) || n < 1) throw new NayoseError('BAD_ARGUMENT', '--residents must be a positive integer')
      const snapshot = await ensureSnapshot(dir, n)
      const file = join(dir, 'nayose.json')
      const cfg = existsSync(file) ? readConfig(file) : { ...emptyConfig('audit'), snapshot: 'snapshot' }
      const tokens: [string, string][] = []
      for (const [name, scope] of DEMO_CLIENTS) tokens.push([name, cfg.clients[name] ? rotateToken(cfg, name) : addClient(cfg, name, scope)])
      const admin = setAdminToken(cfg)
      writeConfig(file, cfg)
      const exampleFile = join(dir, 'example-query.json')
      const example = existsSync(exampleFile) ? JSON.parse(readFileSync(exampleFile, 'utf8')) : { qid: 1, name: '山田 太郎', birth_date: 'S45.3.2' }
      // the example's (synthetic) name, date and address go to a file, not to the terminal
      const requestFile = join(dir, 'example-request.json')
      writeFileSync(requestFile, JSON.stringify({ q: [example] }) + '\n')
      const port = parsePort(o.port) ?? parsePort(process.env.PORT) ?? 8787
      await runServer({
        configFile: file, snapshot, hostname: o.host, port, allowFallback: o.allowFallback, workers: parseWorkers(o.workers), logLevel: o.logLevel,
        onListening: server => {
          const url = `http://${o.host}:${server.port}`
          process.stdout.write([
            '',
            `Demo config: ${file} (synthetic data only). Fresh tokens, shown once (new ones on every start):`,
            ...tokens.map(([name, tok]) => `  ${name.padEnd(9)} ${tok}   scope ${DEMO_CLIENTS.find(c => c[0] === name)![1]}`),
            `  admin     ${admin}`,
            '',
            `Try:  curl -s ${url}/health`,
            `      curl -s -H 'authorization: Bearer ${tokens[0][1]}' -H 'content-type: application/json' \\`,
            `           -d @${requestFile} ${url}/match      # a query about one demo resident`,
            `WebSocket: ws://${o.host}:${server.port}/ws, header "Authorization: Bearer <token>", binary msgpack {t:"match", q:[…]}`,
            'Ctrl-C stops (in-flight queries are finished first).',
            '',
          ].join('\n') + '\n')
        },
      })
      process.exit(0)
    })
}
