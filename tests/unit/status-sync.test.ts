import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STATUS_ERRORS, statusError, NayoseError } from '../../src/errors.js'

// Every negative Status in assembly/abi.ts must map to exactly one error in src/errors.ts.
describe('Status codes', () => {
  const abi = readFileSync(new URL('../../assembly/abi.ts', import.meta.url), 'utf8')
  const codes = [...abi.matchAll(/export const (E_\w+): i32 = (-\d+)/g)].map((m) => Number(m[2]))

  it('abi.ts declares status codes', () => expect(codes.length).toBeGreaterThan(5))
  it('each abi status has an error and vice versa', () => {
    expect(new Set(codes)).toEqual(new Set(Object.keys(STATUS_ERRORS).map(Number)))
  })
  it('maps a status to a typed error with a stable code', () => {
    const e = statusError(-41, 'x')
    expect(e).toBeInstanceOf(NayoseError)
    expect(e.code).toBe('BAD_CHECK_DIGIT')
    expect(statusError(-999).code).toBe('INTERNAL')
  })
})
