/**
 * Every error nayose reports carries a stable `code`: the same code goes on the wire as
 * `{t:"error", code}` and into a result's `error.code`.
 */
export class NayoseError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

export class BadInputError extends NayoseError {}
export class BadNameError extends NayoseError {}
export class BadKanaError extends NayoseError {}
export class BadDateError extends NayoseError {}
export class BadSexError extends NayoseError {}
export class BadAddressError extends NayoseError {}
export class BadMyNumberError extends NayoseError {}
export class BadResidentIdError extends NayoseError {}
export class WasmAbortError extends NayoseError {}

/** One entry per negative Status of assembly/abi.ts; tests keep the two lists in sync. */
export const STATUS_ERRORS: Record<number, { code: string; message: string; type: new (code: string, message: string) => NayoseError }> = {
  [-1]: { code: 'TOO_LONG', message: 'value is too long', type: BadInputError },
  [-2]: { code: 'EMPTY', message: 'value is empty after normalisation', type: BadInputError },
  [-3]: { code: 'BAD_KANA', message: 'reading holds characters that are not kana', type: BadKanaError },
  [-4]: { code: 'BAD_NAME', message: 'name holds characters a name cannot hold', type: BadNameError },
  [-10]: { code: 'BAD_DATE', message: 'not a date in any accepted notation', type: BadDateError },
  [-11]: { code: 'BAD_DATE', message: 'no such day in the calendar', type: BadDateError },
  [-12]: { code: 'BAD_DATE', message: 'year is outside its era', type: BadDateError },
  [-13]: { code: 'BAD_DATE', message: 'date outside the supported range (1868-01-25 to 9999-12-31)', type: BadDateError },
  [-20]: { code: 'BAD_SEX', message: 'sex must be 1, 2, 男, 女, M or F', type: BadSexError },
  [-30]: { code: 'BAD_ADDRESS', message: 'address is empty after normalisation', type: BadAddressError },
  [-40]: { code: 'BAD_MY_NUMBER', message: 'my_number must be 12 digits', type: BadMyNumberError },
  [-41]: { code: 'BAD_CHECK_DIGIT', message: 'my_number check digit is wrong', type: BadMyNumberError },
  [-42]: { code: 'BAD_RESIDENT_ID', message: 'resident_id must be 11 digits', type: BadResidentIdError },
  [-50]: { code: 'BAD_FIELD', message: 'unknown field', type: BadInputError },
}

/** The error for a negative Status from the WASM core. */
export function statusError(status: number, detail?: string): NayoseError {
  const e = STATUS_ERRORS[status]
  if (!e) return new NayoseError('INTERNAL', `unknown status ${status}`)
  return new e.type(e.code, detail ? `${e.message}: ${detail}` : e.message)
}
