// `npm run bench` (node dist/bench/run.js [module…]): runs the benchmark modules in turn.
// A module exports `run(): Promise<void>` and prints its own table; add new ones to MODULES
// (`name: () => import('./name.bench.js')`). With arguments (`node dist/bench/run.js match`),
// only those run.
import { cpus, totalmem } from 'node:os'

export interface BenchModule { run(): Promise<void> }

const MODULES: Record<string, () => Promise<BenchModule>> = {
  normalize: () => import('./normalize.bench.js'),
  match: () => import('./match.bench.js'),
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((w) => !(w in MODULES))
if (unknown.length) {
  process.stderr.write(`bench: unknown module ${unknown.join(', ')}; known: ${Object.keys(MODULES).join(', ')}\n`)
  process.exit(2)
}
const cpu = cpus()
process.stdout.write(`machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}\n`)
for (const name of wanted.length ? wanted : Object.keys(MODULES)) {
  process.stdout.write(`\n## ${name}\n`)
  await (await MODULES[name]!()).run()
}
