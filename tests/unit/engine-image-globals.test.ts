// Every module-level `let` of the matcher (assembly/index/*.ts, assembly/query/*.ts) must be
// either saved into index images (the *Save/*Restore functions, same order both ways) or listed
// as scratch in assembly/index/image.ts, so that a new global cannot silently break images.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const files = ['assembly/index', 'assembly/query'].flatMap((d) =>
  readdirSync(join(root, d)).filter((f) => f.endsWith('.ts') && !f.endsWith('.generated.ts')).map((f) => `${d}/${f}`))

/** Names declared by top-level `let` / `export let` statements (several per statement allowed). */
export function topLevelLets(src: string): string[] {
  const out: string[] = []
  for (const line of src.split('\n')) {
    const m = /^(?:export\s+)?let\s+(.*)$/.exec(line)
    if (!m) continue
    // split declarators at depth-0 commas; each starts with its name
    let depth = 0, cur = ''
    const parts: string[] = []
    for (const ch of m[1]!.replace(/\/\/.*$/, '')) {
      if ('([{<'.includes(ch)) depth++
      else if (')]}>'.includes(ch)) depth--
      if (ch === ',' && depth === 0) { parts.push(cur); cur = '' } else cur += ch
    }
    parts.push(cur)
    for (const p of parts) {
      const n = /^\s*([A-Za-z_$][\w$]*)/.exec(p)
      if (n) out.push(n[1]!)
    }
  }
  return out
}

function body(src: string, fn: string): string {
  const i = src.indexOf(`export function ${fn}(`)
  if (i < 0) return ''
  const j = src.indexOf('\n}\n', i)
  return src.slice(i, j)
}

const image = readFileSync(join(root, 'assembly/index/image.ts'), 'utf8')
const scratch = new Map<string, Set<string>>()
for (const m of image.matchAll(/^\/\/ image-scratch (\S+): (.*)$/gm)) scratch.set(m[1]!, new Set(m[2]!.trim().split(/\s+/)))

describe('index image globals', () => {
  it('finds the module-level lets (the parser works)', () => {
    expect(topLevelLets('let a = 0, b: usize = 1\nexport let c: i32 = f(1, 2), d = 3\n  let e = 4\nconst f = 1')).toEqual(['a', 'b', 'c', 'd'])
    expect(files).toContain('assembly/index/rows.ts')
    expect(files).toContain('assembly/query/match.ts')
  })

  for (const file of files) {
    it(`${file}: every module-level let is saved or declared scratch`, () => {
      const src = readFileSync(join(root, file), 'utf8')
      const base = file.split('/').pop()!.replace(/\.ts$/, '')
      const saved = [...body(src, `${base}Save`).matchAll(/put\(p, <f64>(\w+)\)/g)].map((m) => m[1]!)
      const restored = [...body(src, `${base}Restore`).matchAll(/(\w+) = <\w+>load<f64>\(p\)/g)].map((m) => m[1]!)
      expect(restored).toEqual(saved)
      const declaredScratch = scratch.get(file) ?? new Set<string>()
      const lets = topLevelLets(src)
      const unaccounted = lets.filter((n) => !saved.includes(n) && !declaredScratch.has(n))
      expect(unaccounted, `add to ${base}Save/${base}Restore or to image.ts' image-scratch line for ${file}`).toEqual([])
      const both = lets.filter((n) => saved.includes(n) && declaredScratch.has(n))
      expect(both).toEqual([])
    })
  }

  it('image.ts saves and restores the same modules in the same order', () => {
    expect(/postingsSave\(rowsSave\(p0\)\)/.test(image)).toBe(true)
    expect(/postingsRestore\(rowsRestore\(p0\)\)/.test(image)).toBe(true)
  })
})
