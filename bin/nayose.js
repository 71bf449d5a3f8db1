#!/usr/bin/env node
// Entry point of `npx nayose`. The CLI is compiled TypeScript in dist/; on a fresh clone
// where `npm ci` ran no build (for example with --ignore-scripts), build once first.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const main = join(root, 'dist', 'src', 'cli', 'main.js')
if (!existsSync(main) || !existsSync(join(root, 'build', 'nayose.wasm'))) {
  process.stderr.write('nayose: first run, building (npm run build)…\n')
  execSync('npm run build', { cwd: root, stdio: ['ignore', process.stderr, process.stderr] })
}
const { run } = await import(main)
await run(process.argv)
