/**
 * Seeded randomness for the synthetic generator: a small fast PRNG (sfc32, seeded through
 * splitmix32), Vose alias tables for weighted draws in O(1), and keyed permutations (a Feistel
 * network with cycle walking) that turn a counter into an identifier that does not look
 * sequential. Everything here is deterministic for a seed; nothing reads the clock.
 */

/** 32-bit string/number hash (FNV-1a then a murmur finaliser); used to derive stream seeds. */
export function hash32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return fmix32(h)
}

/** 53-bit hash of a string, as a number: two independent 32-bit hashes combined. */
export function hash53(s: string): number {
  return (hash32(s, 0x9e3779b9) & 0x1fffff) * 0x100000000 + hash32(s, 0x85ebca6b)
}

function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * sfc32: small, fast, passes PractRand to 2^40+; four 32-bit words of state.
 * @example const r = new Rng(42, 'residents'); r.int(6) // 0..5
 */
export class Rng {
  #a: number
  #b: number
  #c: number
  #d: number

  /** `seed` and `stream` together pick the sequence; different streams are independent. */
  constructor(seed: number | string, stream = '') {
    let s = hash32(`${seed}\u0000${stream}`)
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0
      return fmix32(s)
    }
    this.#a = next()
    this.#b = next()
    this.#c = next()
    this.#d = next()
    for (let i = 0; i < 12; i++) this.u32()
  }

  /** A fresh independent stream derived from this one's next output and a label. */
  fork(label: string): Rng {
    return new Rng(this.u32(), label)
  }

  u32(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d
    const t = (((a + b) | 0) + d) | 0
    this.#d = (d + 1) | 0
    this.#a = b ^ (b >>> 9)
    this.#b = (c + (c << 3)) | 0
    const r = (c << 21) | (c >>> 11)
    this.#c = (r + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [0, n) for n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float())
  }

  /** Shuffles in place (Fisher–Yates). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i]!
      items[i] = items[j]!
      items[j] = t
    }
    return items
  }
}

/**
 * Weighted draws in O(1) (Vose's alias method).
 * @example new AliasTable([3, 1]).draw(rng) // 0 three times as often as 1
 */
export class AliasTable {
  readonly size: number
  readonly #prob: Float64Array
  readonly #alias: Int32Array

  constructor(weights: ArrayLike<number>) {
    const n = weights.length
    if (n === 0) throw new Error('AliasTable: no weights')
    let total = 0
    for (let i = 0; i < n; i++) total += weights[i]!
    if (!(total > 0)) throw new Error('AliasTable: weights sum to zero')
    this.size = n
    this.#prob = new Float64Array(n)
    this.#alias = new Int32Array(n)
    const scaled = new Float64Array(n)
    const small: number[] = []
    const large: number[] = []
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total
      ;(scaled[i]! < 1 ? small : large).push(i)
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!
      const l = large.pop()!
      this.#prob[s] = scaled[s]!
      this.#alias[s] = l
      scaled[l] = scaled[l]! + scaled[s]! - 1
      ;(scaled[l]! < 1 ? small : large).push(l)
    }
    for (const i of large) this.#prob[i] = 1
    for (const i of small) this.#prob[i] = 1
  }

  draw(rng: Rng): number {
    const x = rng.float() * this.size
    const i = Math.floor(x)
    return x - i < this.#prob[i]! ? i : this.#alias[i]!
  }
}

/**
 * A keyed bijection of [0, domain): a balanced Feistel network over the smallest even number
 * of bits covering the domain, with cycle walking. Counter in, scattered identifier out, so
 * identifiers are unique without a set and do not look sequential.
 * @example new Permutation(1e10, 7).apply(0) // some number below 1e10, different for each input
 */
export class Permutation {
  readonly #domain: number
  readonly #half: number
  readonly #mask: number
  readonly #keys: number[]

  constructor(domain: number, key: number | string) {
    if (domain > 2 ** 50) throw new Error('Permutation: domain too large')
    this.#domain = domain
    let bits = Math.ceil(Math.log2(domain))
    if (bits % 2) bits++
    this.#half = bits / 2
    this.#mask = 2 ** this.#half - 1
    const r = new Rng(key, 'permutation')
    this.#keys = [r.u32(), r.u32(), r.u32(), r.u32()]
  }

  apply(x: number): number {
    if (x < 0 || x >= this.#domain || !Number.isInteger(x)) throw new RangeError(`Permutation: ${x} outside the domain`)
    do x = this.#round(x)
    while (x >= this.#domain)
    return x
  }

  #round(x: number): number {
    const m = this.#mask + 1
    let l = Math.floor(x / m)
    let r = x % m
    for (const k of this.#keys) {
      const f = fmix32((r ^ k) + Math.imul(k, 0x27d4eb2d)) & this.#mask
      const t = (l ^ f) & this.#mask
      l = r
      r = t
    }
    return l * m + r
  }
}
