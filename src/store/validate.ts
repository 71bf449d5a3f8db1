/**
 * Validation of resident rows (SPEC §1) and delta rows, in plain TypeScript: the snapshot format
 * is strict (`YYYY-MM-DD`, `1`/`2`, 11 and 12 digits), unlike queries, which the WASM normaliser
 * reads leniently. The build also runs the WASM normaliser over every row and rejects a row whose
 * birth_date or my_number it refuses (see build.ts), so both agree.
 *
 * A reason is `{ code, message }` and never quotes the value (reject files carry the raw row).
 * @example
 * const v = validateResident({ resident_id: '12345678901', name: '山田 太郎', ... })
 * if ('error' in v) reject(v.error.code) else store(v.record)
 */
import type { ResidentRecord, ResidentStatus } from '../engine/types.js'

export interface Reason { code: string; message: string }
export type Validated = { record: ResidentRecord } | { error: Reason }

/** Columns the header of a resident file must have (the optional name columns may be absent). */
export const REQUIRED_COLUMNS = ['resident_id', 'my_number', 'name', 'name_kana', 'birth_date', 'sex', 'address', 'status', 'status_date'] as const
export const OPTIONAL_COLUMNS = ['former_surname', 'former_surname_kana', 'alias', 'alias_kana', 'name_roman', 'household_id'] as const
export const DELTA_COLUMNS = ['op', 'effective_date'] as const
export const STATUSES: readonly ResidentStatus[] = ['resident', 'moved_out', 'deceased', 'removed']

/** Earliest accepted date: the first day of 明治 as the normaliser supports it. */
export const MIN_DATE = '1868-01-25'

const RE_RESIDENT_ID = /^[0-9]{11}$/
const RE_MY_NUMBER = /^[0-9]{12}$/
const RE_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/

/** 個人番号 check digit of the first 11 digits (施行令 第8条). */
export function myNumberCheckDigit(first11: string): number {
  let sum = 0
  for (let n = 1; n <= 11; n++) {
    const p = first11.charCodeAt(11 - n) - 48
    const q = n <= 6 ? n + 1 : n - 5
    sum += p * q
  }
  const r = sum % 11
  return r <= 1 ? 0 : 11 - r
}

export function isValidMyNumber(s: string): boolean {
  return RE_MY_NUMBER.test(s) && myNumberCheckDigit(s.slice(0, 11)) === s.charCodeAt(11) - 48
}

/** True for an existing calendar day `YYYY-MM-DD` from MIN_DATE on. */
export function isValidDate(s: string): boolean {
  const m = RE_DATE.exec(s)
  if (!m) return false
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3])
  if (mo < 1 || mo > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!
  return d <= days && s >= MIN_DATE
}

function dateError(column: string, s: string): Reason | undefined {
  if (!RE_DATE.test(s)) return { code: 'BAD_DATE', message: `${column} must be YYYY-MM-DD` }
  if (!isValidDate(s)) return { code: 'BAD_DATE', message: `${column} is not a day of the calendar (or before ${MIN_DATE})` }
  return undefined
}

const trimAscii = (s: string | undefined) => (s ?? '').replace(/^[ \t]+|[ \t]+$/g, '')

/**
 * Validates one resident row (column name → raw value). Codes, identifiers and dates are trimmed
 * of ASCII blanks; names and addresses are kept as written (the normaliser folds them).
 * `today` (YYYY-MM-DD) bounds birth and status dates.
 */
export function validateResident(f: Record<string, string>, today = new Date().toISOString().slice(0, 10)): Validated {
  const resident_id = trimAscii(f.resident_id)
  if (!RE_RESIDENT_ID.test(resident_id)) return { error: { code: 'BAD_RESIDENT_ID', message: 'resident_id must be 11 digits' } }
  const my_number = trimAscii(f.my_number)
  if (my_number) {
    if (!RE_MY_NUMBER.test(my_number)) return { error: { code: 'BAD_MY_NUMBER', message: 'my_number must be 12 digits or empty' } }
    if (!isValidMyNumber(my_number)) return { error: { code: 'BAD_CHECK_DIGIT', message: 'my_number check digit is wrong' } }
  }
  const name = f.name ?? ''
  if (!name.trim()) return { error: { code: 'EMPTY_NAME', message: 'name is empty' } }
  const birth_date = trimAscii(f.birth_date)
  const bad = dateError('birth_date', birth_date)
  if (bad) return { error: bad }
  if (birth_date > today) return { error: { code: 'BAD_DATE', message: 'birth_date is in the future' } }
  const sex = trimAscii(f.sex)
  if (sex !== '1' && sex !== '2') return { error: { code: 'BAD_SEX', message: 'sex must be 1 or 2' } }
  const status = trimAscii(f.status) as ResidentStatus
  if (!STATUSES.includes(status)) return { error: { code: 'BAD_STATUS', message: `status must be one of ${STATUSES.join(', ')}` } }
  const status_date = trimAscii(f.status_date)
  if (status === 'resident') {
    if (status_date) return { error: { code: 'BAD_STATUS_DATE', message: 'status_date must be empty for a resident' } }
  } else {
    if (!status_date) return { error: { code: 'BAD_STATUS_DATE', message: `status_date is required when status is ${status}` } }
    const e = dateError('status_date', status_date)
    if (e) return { error: { code: 'BAD_STATUS_DATE', message: e.message } }
    if (status_date < birth_date) return { error: { code: 'BAD_STATUS_DATE', message: 'status_date is before birth_date' } }
  }
  const record: ResidentRecord = { resident_id, name, birth_date, sex, address: f.address ?? '', status }
  if (my_number) record.my_number = my_number
  if (status_date) record.status_date = status_date
  for (const c of ['name_kana', 'former_surname', 'former_surname_kana', 'alias', 'alias_kana', 'name_roman', 'household_id'] as const) {
    const v = c === 'household_id' ? trimAscii(f[c]) : (f[c] ?? '')
    if (v.trim()) record[c] = v
  }
  return { record }
}

export type DeltaOp = 'add' | 'update' | 'remove'
export type ValidatedDelta = { op: DeltaOp; effective_date?: string; record?: ResidentRecord; resident_id: string } | { error: Reason }

/**
 * Validates one delta row: `op` and `effective_date` (YYYY-MM-DD or empty), then for add/update
 * the whole record; a remove needs only a well-formed resident_id.
 */
export function validateDelta(f: Record<string, string>, today?: string): ValidatedDelta {
  const op = trimAscii(f.op).toLowerCase()
  if (op !== 'add' && op !== 'update' && op !== 'remove') return { error: { code: 'BAD_OP', message: 'op must be add, update or remove' } }
  const effective_date = trimAscii(f.effective_date)
  if (effective_date) {
    const e = dateError('effective_date', effective_date)
    if (e) return { error: e }
  }
  const resident_id = trimAscii(f.resident_id)
  if (!RE_RESIDENT_ID.test(resident_id)) return { error: { code: 'BAD_RESIDENT_ID', message: 'resident_id must be 11 digits' } }
  const base = { op: op as DeltaOp, resident_id, ...(effective_date ? { effective_date } : {}) }
  if (op === 'remove') return base
  const v = validateResident(f, today)
  if ('error' in v) return v
  return { ...base, record: v.record }
}
