// String comparisons for names: equality, prefix/suffix, and "at most one edit" (OSA: one
// substitution, insertion, deletion or transposition of adjacent units) in one linear pass,
// which is all the levels need (no full distance is ever computed).

/** Units [0, n) at a and b are equal. */
export function unitsEq(a: usize, b: usize, n: i32): bool {
  return memory.compare(a, b, <usize>n << 1) == 0
}

/** a (na units) starts with b (nb units). */
@inline export function startsWith(a: usize, na: i32, b: usize, nb: i32): bool {
  return nb > 0 && nb <= na && unitsEq(a, b, nb)
}

/** a (na units) ends with b (nb units). */
@inline export function endsWith(a: usize, na: i32, b: usize, nb: i32): bool {
  return nb > 0 && nb <= na && unitsEq(a + (<usize>(na - nb) << 1), b, nb)
}

@inline function u(p: usize, i: i32): u16 { return load<u16>(p + (<usize>i << 1)) }

/** True when a and b are within one OSA edit of each other (and not equal). */
export function oneEdit(a: usize, na: i32, b: usize, nb: i32): bool {
  const d = na - nb
  if (d > 1 || d < -1) return false
  let i = 0
  const m = na < nb ? na : nb
  while (i < m && u(a, i) == u(b, i)) i++
  if (d == 0) {
    if (i == na) return false                                  // equal
    // substitution at i
    if (i + 1 <= na && unitsEq(a + (<usize>(i + 1) << 1), b + (<usize>(i + 1) << 1), na - i - 1)) return true
    // transposition of i, i+1
    if (i + 1 < na && u(a, i) == u(b, i + 1) && u(a, i + 1) == u(b, i)) {
      return unitsEq(a + (<usize>(i + 2) << 1), b + (<usize>(i + 2) << 1), na - i - 2)
    }
    return false
  }
  if (d == 1) return unitsEq(a + (<usize>(i + 1) << 1), b + (<usize>i << 1), na - i - 1)   // a has an extra unit
  return unitsEq(a + (<usize>i << 1), b + (<usize>(i + 1) << 1), nb - i - 1)                 // b has an extra unit
}

/** yyyymmdd dates differ in exactly one digit, or by a day/month swap. */
export function dateNear(a: u32, b: u32): bool {
  if (a == b || a == 0 || b == 0) return false
  let diff = 0
  let x = a, y = b
  for (let k = 0; k < 8; k++) {
    if (x % 10 != y % 10) diff++
    x /= 10; y /= 10
  }
  if (diff == 1) return true
  const ya = a / 10000, yb = b / 10000
  const ma = (a / 100) % 100, da = a % 100, mb = (b / 100) % 100, db = b % 100
  return ya == yb && ma == db && da == mb
}
