/** Which strings CP932 can hold: iconv-lite writes '?' for the others, which must never happen silently. */
import iconv from 'iconv-lite'

const cache = new Map<string, boolean>()

/** True when CP932 holds `s` exactly. */
export function cp932Encodable(s: string): boolean {
  let ok = cache.get(s)
  if (ok === undefined) {
    ok = iconv.decode(iconv.encode(s, 'cp932'), 'cp932') === s
    cache.set(s, ok)
  }
  return ok
}
