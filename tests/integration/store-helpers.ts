// Shared by the snapshot tests: fixtures and reading a CSV fully.
import { openCsv, type CsvRow } from '../../src/io/csv.js'

/** tests/fixtures/store/, with a trailing slash. */
export const fixtures = new URL('../fixtures/store/', import.meta.url).pathname

/** Every row (and reject) of a CSV file, in order. */
export async function csvRows(path: string): Promise<CsvRow[]> {
  const c = await openCsv(path)
  const out: CsvRow[] = []
  for await (const r of c.rows) out.push(r)
  return out
}
