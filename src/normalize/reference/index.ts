// The plain-TS reference normaliser: the same fields, rules and output shapes as
// WasmNormalizer.normalize (src/normalize/batch.ts), used for differential tests and as a
// readable statement of the rules. Slow on purpose: clarity over speed.
import { errorResult, type Field, type Normalized } from '../batch.js'
import { kanaKeys } from './kana.js'
import { nameKeys } from './name.js'
import { parseDate, formatDate } from './date.js'
import { parseSex } from './sex.js'
import { parseAddress } from './address.js'
import { checkMyNumber, checkResidentId } from './ids.js'

/** Longest value in UTF-16 units (assembly/normalize/api.ts MAX_ITEM_UNITS). */
export const MAX_ITEM_UNITS = 1024
const E_TOO_LONG = -1

/** One value of `field`, normalised. */
export function normalizeOne(field: Field, s: string): Normalized {
  if (s.length > MAX_ITEM_UNITS) return errorResult(E_TOO_LONG)
  switch (field) {
    case 'name': {
      const r = nameKeys(s)
      if (typeof r === 'number') return errorResult(r)
      return r.split < 0
        ? { key: r.key, surname: '', given: '', exact: r.exact }
        : { key: r.key, surname: r.key.slice(0, r.split), given: r.key.slice(r.split), exact: r.exact }
    }
    case 'kana': {
      const r = kanaKeys(s)
      return typeof r === 'number' ? errorResult(r) : r
    }
    case 'date': {
      const d = parseDate(s)
      return d < 0 ? errorResult(d) : { date: formatDate(d) }
    }
    case 'sex': {
      const x = parseSex(s)
      return x < 0 ? errorResult(x) : { sex: x as 1 | 2 }
    }
    case 'address': {
      const a = parseAddress(s)
      return typeof a === 'number' ? errorResult(a) : a
    }
    case 'my_number':
    case 'resident_id': {
      const v = field === 'my_number' ? checkMyNumber(s) : checkResidentId(s)
      return typeof v === 'number' ? errorResult(v) : { value: v }
    }
    default: return errorResult(-50)
  }
}

/** Same contract as WasmNormalizer.normalize: one result per value, in order. */
export function normalize(field: Field, values: readonly string[]): Normalized[] {
  return values.map((s) => normalizeOne(field, s))
}
