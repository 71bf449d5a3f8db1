// Per-client scopes (SPEC §3): which `person` fields a client receives, and whether raw
// `resident_id` / `my_number` may be returned. `status` is always returned (SPEC: "plus status").
import type { ResidentRecord } from '../engine/types.js'
import { NayoseError } from '../errors.js'

/** Display fields a scope may grant (the raw ids are governed by `raw_ids` instead). */
export const PERSON_FIELDS = [
  'name', 'name_kana', 'former_surname', 'former_surname_kana', 'alias', 'alias_kana', 'name_roman',
  'birth_date', 'sex', 'address', 'household_id', 'status_date',
] as const
export type PersonField = typeof PERSON_FIELDS[number]

/** Named presets usable in `--scope`. */
export const SCOPE_PRESETS: Record<string, readonly PersonField[]> = {
  none: [],
  status: ['status_date'],
  basic: ['name', 'name_kana', 'birth_date', 'sex', 'address'],
  all: PERSON_FIELDS,
}

export interface Scope {
  /** `person` fields returned (besides `status`). */
  fields: PersonField[]
  /** Whether `resident_id` and `my_number` are returned in `person`, and raw ids accepted in subscribe. */
  raw_ids: boolean
}

export const DEFAULT_SCOPE = 'basic'

/**
 * Parses `--scope` text: comma-separated presets (`none status basic all`), field names, and
 * `raw` (raw ids allowed).
 * @example parseScope('basic,household_id,raw') // {fields: [...basic, 'household_id'], raw_ids: true}
 */
export function parseScope(text: string): Scope {
  const fields = new Set<PersonField>()
  let raw = false
  for (const part of text.split(',').map(s => s.trim()).filter(Boolean)) {
    if (part === 'raw') raw = true
    else if (part in SCOPE_PRESETS) for (const f of SCOPE_PRESETS[part]) fields.add(f)
    else if ((PERSON_FIELDS as readonly string[]).includes(part)) fields.add(part as PersonField)
    else throw new NayoseError('BAD_SCOPE', `unknown scope item "${part}" (presets: ${Object.keys(SCOPE_PRESETS).join(' ')}; fields: ${PERSON_FIELDS.join(' ')}; raw)`)
  }
  return { fields: PERSON_FIELDS.filter(f => fields.has(f)), raw_ids: raw }
}

/** Validates a scope read from the config file. */
export function checkScope(s: unknown, where: string): Scope {
  const o = s as Partial<Scope> | undefined
  if (!o || !Array.isArray(o.fields) || typeof o.raw_ids !== 'boolean') throw new NayoseError('BAD_CONFIG', `${where}: scope needs {fields: [...], raw_ids: boolean}`)
  for (const f of o.fields) if (!(PERSON_FIELDS as readonly string[]).includes(f)) throw new NayoseError('BAD_CONFIG', `${where}: unknown scope field "${String(f)}"`)
  return { fields: [...o.fields], raw_ids: o.raw_ids }
}

/** Short text form for `client list`. */
export function describeScope(s: Scope): string {
  const preset = Object.entries(SCOPE_PRESETS).find(([, v]) => v.length === s.fields.length && v.every(f => s.fields.includes(f)))
  return (preset ? preset[0] : s.fields.join(',') || 'none') + (s.raw_ids ? ',raw' : '')
}

/** The names of the fields a disclosure of `record` under `scope` carries (for the audit log). */
export function disclosedFields(scope: Scope): string[] {
  return scope.raw_ids ? ['status', ...scope.fields, 'resident_id', 'my_number'] : ['status', ...scope.fields]
}

/** The `person` object for one candidate: the scoped fields present in the record, plus `status`. */
export function scopePerson(record: ResidentRecord, scope: Scope): Record<string, string> {
  const out: Record<string, string> = { status: record.status }
  const r = record as unknown as Record<string, string | undefined>
  for (const f of scope.fields) { const v = r[f]; if (v !== undefined && v !== '') out[f] = v }
  if (scope.raw_ids) {
    out.resident_id = record.resident_id
    if (record.my_number) out.my_number = record.my_number
  }
  return out
}
