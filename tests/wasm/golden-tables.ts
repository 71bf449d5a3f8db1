// Shared by the normaliser tests: reading golden/case TSV files and generating arbitrary UTF-16.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'

/** Rows of a tests/ TSV file (comments and the header skipped), escapes decoded; `path` is relative to tests/wasm/. */
export function table(path: string): string[][] {
  const lines = readFileSync(new URL(path, import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
  return lines.slice(1).map((l) => l.split('\t').map(unescape))
}

/** Decodes `\u{…}`, `\uXXXX`, `\s` (space) and `\t` (tab) in a TSV cell. */
export function unescape(s: string): string {
  return s.replace(/\\u\{([0-9A-Fa-f]+)\}|\\u([0-9A-Fa-f]{4})|\\s|\\t/g, (m, a: string | undefined, b: string | undefined) =>
    m === '\\s' ? ' ' : m === '\\t' ? '\t' : String.fromCodePoint(parseInt((a ?? b)!, 16)))
}

/** Any UTF-16 unit (lone surrogates included) or any astral code point; cheaper than unit 'binary'. */
export const anyUnit = fc.oneof(fc.integer({ min: 0, max: 0xFFFF }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10FFFF }).map((c) => String.fromCodePoint(c)))
