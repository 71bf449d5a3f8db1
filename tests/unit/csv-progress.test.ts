import { expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { createProgress } from '../../src/io/progress.js'

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = ''
  const w = new Writable({ write(chunk, _enc, cb) { out += chunk.toString(); cb() } }) as unknown as NodeJS.WriteStream
  return { stream: w, text: () => out }
}

it('off a terminal: plain lines with percentage, rate and ETA, then a final line', () => {
  const s = sink()
  const p = createProgress({ label: 'snapshot build', total: 4_000_000, unit: 'B', items: 'rows', stream: s.stream, intervalMs: 0 })
  p.update(1_000_000, 5000)
  p.update(2_000_000, 10000)
  p.stop()
  const lines = s.text().trim().split('\n')
  expect(lines).toHaveLength(3)
  expect(lines[0]).toMatch(/^snapshot build: 25% 1\.0 MB\/4\.0 MB, 5000 rows, \d+ rows\/s, ETA \d+s$/)
  expect(lines[2]).toMatch(/^snapshot build: 50% 2\.0 MB\/4\.0 MB, 10000 rows, \d+ rows\/s, \d+\.\ds$/)
})

it('quiet prints nothing', () => {
  const s = sink()
  const p = createProgress({ label: 'x', total: 1, stream: s.stream, quiet: true, intervalMs: 0 })
  p.update(1, 1)
  p.stop()
  expect(s.text()).toBe('')
})
