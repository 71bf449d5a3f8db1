#!/usr/bin/env node
// Generates the AssemblyScript tables compiled into the WASM core from data/tables/*.tsv.
// Each generator in data/codegen/*.mjs exports `generate(root) -> [{ path, source }]`;
// outputs are *.generated.ts files (git-ignored) written only when their content changed.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'data', 'codegen')
const gens = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort() : []
for (const g of gens) {
  const { generate } = await import(pathToFileURL(join(dir, g)).href)
  for (const { path, source } of await generate(root)) {
    const out = join(root, path)
    if (existsSync(out) && readFileSync(out, 'utf8') === source) continue
    writeFileSync(out, source)
    console.log(`build-tables: wrote ${path}`)
  }
}
