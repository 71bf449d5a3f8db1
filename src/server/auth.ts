// Tokens: 256 random bits, shown once, stored only as SHA-256. A token has full entropy, so a
// plain hash (no slow KDF) is enough to make a leaked config file useless for authenticating.
// Comparison is constant-time over the fixed-length hashes (crypto.timingSafeEqual), and every
// configured hash is compared, so timing reveals neither which client matched nor how much.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const TOKEN_PREFIX = 'nyz_'

/**
 * A fresh random token (`nyz_` + 43 base64url characters).
 * @example const token = newToken(); config.token_sha256 = hashToken(token)
 */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

/** Hex SHA-256 of a token, as stored in the config file. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Constant-time equality of a presented token with one stored hex hash. */
export function tokenMatches(token: string, storedHex: string): boolean {
  const a = createHash('sha256').update(token, 'utf8').digest()
  const b = Buffer.from(storedHex, 'hex')
  if (b.length !== a.length) return false
  return timingSafeEqual(a, b)
}

/**
 * The name of the entry whose hash matches `token`, or undefined. Compares against every entry
 * (no early exit) so the time taken does not depend on which entry matched.
 */
export function findByToken<T extends { token_sha256: string }>(token: string | undefined, entries: Iterable<[string, T]>): [string, T] | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined
  const a = createHash('sha256').update(token, 'utf8').digest()
  let found: [string, T] | undefined
  for (const [name, e] of entries) {
    const b = Buffer.from(e.token_sha256, 'hex')
    if (b.length === a.length && timingSafeEqual(a, b) && !found) found = [name, e]
  }
  return found
}

/** The token of an `Authorization: Bearer …` header value, or undefined. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1] : undefined
}
