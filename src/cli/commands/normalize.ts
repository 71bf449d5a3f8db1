// `nayose normalize --field <field>`: one value per line on stdin → one JSON object per line on
// stdout, in input order. Lines go through the WASM core in chunks (one batch call per chunk).
import { Option, type Command } from 'commander'
import { once } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { FIELDS, WasmNormalizer, type Field } from '../../normalize/batch.js'

/** The record column names (SPEC §1) accepted as aliases of their fields. */
const ALIASES: Record<string, Field> = { name_kana: 'kana', birth_date: 'date' }

/** Lines per WASM batch call. */
const CHUNK_LINES = 8192

/**
 * Streams `input` (UTF-8 lines) through the normaliser into `output` (JSON lines). A trailing
 * newline does not make an extra line; CR before LF and a leading BOM are ignored.
 * Returns the number of lines normalised.
 */
export async function normalizeStream(field: Field, input: Readable, output: Writable): Promise<number> {
  const n = WasmNormalizer.create()
  let rest = ''
  let first = true
  let total = 0
  let lines: string[] = []
  const flush = async (): Promise<void> => {
    if (lines.length === 0) return
    const out = n.normalize(field, lines)
    let s = ''
    for (const r of out) s += JSON.stringify(r) + '\n'
    total += lines.length
    lines = []
    if (!output.write(s)) await once(output, 'drain')
  }
  input.setEncoding('utf8')
  for await (const chunk of input as AsyncIterable<string>) {
    let text = rest + chunk
    if (first && text.length > 0) { if (text.charCodeAt(0) === 0xFEFF) text = text.slice(1); first = false }
    let start = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
      lines.push(text.slice(start, end))
      start = nl + 1
      if (lines.length >= CHUNK_LINES) await flush()
    }
    rest = text.slice(start)
  }
  if (rest.length > 0) lines.push(rest.endsWith('\r') ? rest.slice(0, -1) : rest)
  await flush()
  return total
}

export function register(program: Command): void {
  program.command('normalize')
    .description('normalise one value per line from stdin; writes one JSON object per line (errors as {error:{code,message}})')
    .addOption(new Option('--field <field>', 'what the lines hold (name_kana and birth_date are accepted too)')
      .choices([...FIELDS, ...Object.keys(ALIASES)]).makeOptionMandatory())
    .addHelpText('after', `
Output per line:
  name         {key, surname, given, exact}   key: variant-folded, no spaces; surname/given split at the first space ('' when none)
  kana         {strict, loose, looser, split}
  date         {date: "YYYY-MM-DD"}
  sex          {sex: 1|2}
  address      {key, prefecture, city, town, block, rest, prefCode}
  my_number    {value}     resident_id {value}
  invalid      {error: {code, message}}`)
    .action(async (o: { field: string }) => {
      await normalizeStream(ALIASES[o.field] ?? (o.field as Field), process.stdin, process.stdout)
    })
}
