/** `gen residents` as a function: streams a SYNTHETIC snapshot CSV to `out`. */
import { CsvChunkWriter } from './csv-out.js'
import { RESIDENT_COLUMNS, ResidentGenerator, type ResidentOptions, type ResidentStats } from './residents.js'

export async function generateResidents(out: string, opts: ResidentOptions): Promise<ResidentStats> {
  const g = new ResidentGenerator(opts)
  const w = new CsvChunkWriter(out, RESIDENT_COLUMNS, opts.encoding ?? 'utf8')
  for (const row of g.rows()) {
    const p = w.write(row)
    if (p) await p
  }
  await w.close()
  return g.stats
}
