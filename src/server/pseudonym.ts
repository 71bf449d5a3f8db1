// Per-client pseudonymous ids (SPEC §3): id = base64url(first 16 bytes of
// HMAC-SHA-256(client key, resident_id as ASCII)), 22 characters. Two clients hold different
// keys, so they cannot join their results on `id`; 128 bits make collisions negligible.
//
// node:crypto's createHmac costs ~5 µs per call (object setup dominates), which at 64-query
// frames would cost more than the match itself. HMAC of a short message is two SHA-256
// compressions once the key's inner/outer pad states are precomputed, so this file does
// exactly that in plain JS (~0.5 µs) and caches recent ids; a unit test checks it against
// createHmac byte for byte.
import { createHash, createHmac } from 'node:crypto'

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
const W = new Int32Array(64)

/** One SHA-256 compression of the 16 words in W[0..15] into `h` (in place). */
function compress(h: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15], w2 = W[i - 2]
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10)
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const ch = (e & f) ^ (~e & g)
    const t1 = (hh + S1 + ch + K[i] + W[i]) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const maj = (a & b) ^ (a & c) ^ (b & c)
    const t2 = (S0 + maj) | 0
    hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0
  }
  h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0
  h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0
}

function loadBlock(bytes: Uint8Array): void {
  for (let i = 0; i < 16; i++) W[i] = (bytes[i * 4] << 24) | (bytes[i * 4 + 1] << 16) | (bytes[i * 4 + 2] << 8) | bytes[i * 4 + 3]
}

const CACHE_MAX = 200_000
const MAX_FAST_BYTES = 55 // message + 0x80 + 8-byte length fits one block

/**
 * Keyed pseudonyms for one client.
 * @example new Pseudonymizer(Buffer.from(client.pseudonym_key, 'hex')).id('12345678901')
 */
export class Pseudonymizer {
  readonly #key: Buffer
  readonly #inner = new Int32Array(8)
  readonly #outer = new Int32Array(8)
  readonly #h = new Int32Array(8)
  readonly #out = Buffer.alloc(32)
  #cache = new Map<string, string>()

  constructor(key: Uint8Array) {
    if (key.length < 16) throw new Error('pseudonym key must be at least 16 bytes')
    this.#key = Buffer.from(key)
    // HMAC hashes keys longer than the block size first (RFC 2104)
    const k: Uint8Array = key.length > 64 ? createHash('sha256').update(key).digest() : key
    const pad = new Uint8Array(64)
    for (const [state, x] of [[this.#inner, 0x36], [this.#outer, 0x5c]] as const) {
      pad.fill(x)
      for (let i = 0; i < k.length; i++) pad[i] = k[i] ^ x
      state.set(H0); loadBlock(pad); compress(state)
    }
  }

  /** The 22-character pseudonym of `residentId`. */
  id(residentId: string): string {
    let p = this.#cache.get(residentId)
    if (p !== undefined) return p
    p = this.#compute(residentId)
    if (this.#cache.size >= CACHE_MAX) this.#cache = new Map()
    this.#cache.set(residentId, p)
    return p
  }

  #compute(s: string): string {
    const n = s.length
    let ascii = n <= MAX_FAST_BYTES
    for (let i = 0; ascii && i < n; i++) if (s.charCodeAt(i) > 0x7f) ascii = false
    if (!ascii) return createHmac('sha256', this.#key).update(s, 'utf8').digest().subarray(0, 16).toString('base64url')
    // inner: H(ipad-state ‖ msg ‖ pad), total length 64 + n bytes
    W.fill(0)
    for (let i = 0; i < n; i++) W[i >> 2] |= s.charCodeAt(i) << (24 - 8 * (i & 3))
    W[n >> 2] |= 0x80 << (24 - 8 * (n & 3))
    W[15] = (64 + n) * 8
    const h = this.#h
    h.set(this.#inner); compress(h)
    // outer: H(opad-state ‖ inner digest ‖ pad), total length 64 + 32 bytes
    for (let i = 0; i < 8; i++) W[i] = h[i]
    W[8] = 0x80000000 | 0
    for (let i = 9; i < 15; i++) W[i] = 0
    W[15] = (64 + 32) * 8
    h.set(this.#outer); compress(h)
    const out = this.#out
    for (let i = 0; i < 4; i++) out.writeInt32BE(h[i], i * 4)
    return out.toString('base64url', 0, 16)
  }
}

/** Reference implementation via node:crypto (tests compare the two). */
export function pseudonymReference(key: Uint8Array, residentId: string): string {
  return createHmac('sha256', key).update(residentId, 'utf8').digest().subarray(0, 16).toString('base64url')
}

/** True when `s` has the shape of a pseudonym (22 base64url characters). */
export function isPseudonym(s: unknown): s is string {
  return typeof s === 'string' && /^[A-Za-z0-9_-]{22}$/.test(s)
}
