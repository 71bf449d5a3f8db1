// `nayose normalize`: a few runs of the real CLI (node bin/nayose.js, as users and other checks
// run it), and the streaming function itself in-process for the larger cases.
import { spawnSync } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { normalizeStream } from '../../src/cli/commands/normalize.js'
import type { Field } from '../../src/normalize/batch.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

function cli(field: string, input: string): { lines: any[]; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/nayose.js', 'normalize', '--field', field], { cwd: root, input, encoding: 'utf8' })
  const lines = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l))
  return { lines, status: r.status, stderr: r.stderr }
}

async function inProcess(field: Field, input: string, pieces = 3): Promise<any[]> {
  const src = new PassThrough(), dst = new PassThrough()
  let out = ''
  dst.setEncoding('utf8').on('data', (d: string) => { out += d })
  const done = normalizeStream(field, src, dst)
  // Split the input at arbitrary points (even inside a line) as a pipe may.
  const step = Math.ceil(input.length / pieces)
  for (let i = 0; i < input.length; i += step) src.write(input.slice(i, i + step))
  src.end()
  await done
  return out.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l))
}

describe('nayose normalize (CLI)', () => {
  it('kana: one JSON line per input line; errors in place; CRLF and a leading BOM ignored', () => {
    const r = cli('kana', '\uFEFFｷｮｳｺ\nやまだ　たろう\r\n山田\n\nオーノ\n')
    expect(r.status).toBe(0)
    expect(r.lines).toEqual([
      { strict: 'キョウコ', loose: 'キヨオコ', looser: 'キヨコ', split: [-1, -1, -1] },
      { strict: 'ヤマダタロウ', loose: 'ヤマダタロオ', looser: 'ヤマタタロ', split: [3, 3, 3] },
      { error: { code: 'BAD_KANA', message: expect.any(String) } },
      { error: { code: 'EMPTY', message: expect.any(String) } },
      { strict: 'オーノ', loose: 'オオノ', looser: 'オノ', split: [-1, -1, -1] },
    ])
  })

  it('name: key, surname, given (split at the first space of any width), exact', () => {
    const r = cli('name', '山田　太郎\nsmith john\n山田太郎')
    expect(r.lines).toEqual([
      { key: '山田太郎', surname: '山田', given: '太郎', exact: '山田太郎' },
      { key: 'SMITHJOHN', surname: 'SMITH', given: 'JOHN', exact: 'SMITHJOHN' },
      { key: '山田太郎', surname: '', given: '', exact: '山田太郎' },
    ])
  })

  it('accepts the record column names name_kana and birth_date as fields', () => {
    expect(cli('name_kana', 'ﾔﾏﾀﾞ\n').lines).toEqual([{ strict: 'ヤマダ', loose: 'ヤマダ', looser: 'ヤマタ', split: [-1, -1, -1] }])
  })

  it('an unknown field is refused with a non-zero exit', () => {
    const r = cli('colour', 'x\n')
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/field/)
  })
})

describe('normalizeStream', () => {
  it('keeps input order across chunks (20 000 lines, several batches, split pipe reads)', async () => {
    const kana = ['ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ']
    const values = Array.from({ length: 20000 }, (_, i) => [...String(i)].map((d) => kana[Number(d)]).join(''))
    const lines = await inProcess('kana', values.join('\n') + '\n', 7)
    expect(lines.length).toBe(values.length)
    expect(lines.findIndex((l, i) => l.strict !== values[i])).toBe(-1)
  })

  it('every field answers one line per input line, without a trailing newline too', async () => {
    for (const field of ['name', 'kana', 'date', 'sex', 'address', 'my_number', 'resident_id'] as Field[]) {
      const lines = await inProcess(field, 'x\n1\r\n\n2')
      expect(lines.length).toBe(4)
      expect(lines.every((l) => typeof l === 'object' && l !== null)).toBe(true)
    }
  })
})
