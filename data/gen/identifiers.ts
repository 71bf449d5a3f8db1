/**
 * Identifiers of synthetic residents: 住民票コード (resident_id) and 個人番号 (my_number), both
 * a keyed permutation of a counter plus a check digit, so they are unique without a set and
 * scattered over their range (never `00000000001, …02`).
 */
import { Permutation } from './rng.js'

/**
 * Modulus-11 check digit over the digits of `body` (施行令 第8条 for 個人番号): P_n is the n-th
 * digit from the right, Q_n = n + 1 for n ≤ 6 and n − 5 for n ≥ 7; the digit is
 * 11 − (Σ P_n·Q_n mod 11), and 0 when the remainder is 0 or 1.
 * @example checkDigit('12345678901') // 8
 */
export function checkDigit(body: string): number {
  let sum = 0
  for (let n = 1; n <= body.length; n++) {
    const p = body.charCodeAt(body.length - n) - 48
    sum += p * (n <= 6 ? n + 1 : n - 5)
  }
  const r = sum % 11
  return r <= 1 ? 0 : 11 - r
}

/** True when `s` is 12 digits with a correct check digit. */
export function isValidMyNumber(s: string): boolean {
  return /^\d{12}$/.test(s) && checkDigit(s.slice(0, 11)) === s.charCodeAt(11) - 48
}

/** True when `s` is 11 digits whose last digit checks the first ten (same modulus-11 rule). */
export function isValidResidentId(s: string): boolean {
  return /^\d{11}$/.test(s) && checkDigit(s.slice(0, 10)) === s.charCodeAt(10) - 48
}

/**
 * Maps counters to identifiers. resident_id: 10 permuted digits + a check digit (the real
 * 住民票コード also carries one; the store only requires 11 digits). my_number: 11 permuted
 * digits (first digit 1–9) + the statutory check digit. household_id: `H` + 9 permuted digits.
 */
export class IdFactory {
  readonly #resident: Permutation
  readonly #myNumber: Permutation
  readonly #household: Permutation

  constructor(key: number | string) {
    this.#resident = new Permutation(1e10, `${key}/resident_id`)
    this.#myNumber = new Permutation(9e10, `${key}/my_number`)
    this.#household = new Permutation(1e9, `${key}/household_id`)
  }

  residentId(counter: number): string {
    const body = String(this.#resident.apply(counter)).padStart(10, '0')
    return body + checkDigit(body)
  }

  myNumber(counter: number): string {
    const body = String(1e10 + this.#myNumber.apply(counter))
    return body + checkDigit(body)
  }

  householdId(counter: number): string {
    return 'H' + String(this.#household.apply(counter)).padStart(9, '0')
  }
}
