// LSD radix sort of u32 values, two passes of 16 bits (snapshot statistics).

const counts = new StaticArray<u32>(65537)

function pass(srcK: usize, srcR: usize, dstK: usize, dstR: usize, n: i32, shift: u32): void {
  const c = changetype<usize>(counts)
  memory.fill(c, 0, 65537 << 2)
  for (let i = 0; i < n; i++) {
    const d = (load<u32>(srcK + (<usize>i << 2)) >> shift) & 0xFFFF
    const at = c + ((<usize>d + 1) << 2)
    store<u32>(at, load<u32>(at) + 1)
  }
  for (let d = 1; d <= 65536; d++) {
    const at = c + (<usize>d << 2)
    store<u32>(at, load<u32>(at) + load<u32>(at - 4))
  }
  for (let i = 0; i < n; i++) {
    const k = load<u32>(srcK + (<usize>i << 2))
    const at = c + (<usize>((k >> shift) & 0xFFFF) << 2)
    const pos = load<u32>(at)
    store<u32>(at, pos + 1)
    store<u32>(dstK + (<usize>pos << 2), k)
    store<u32>(dstR + (<usize>pos << 2), load<u32>(srcR + (<usize>i << 2)))
  }
}

/** Sorts n u32 values in place (scratch tmp, same size). */
export function sortU32(vals: usize, tmp: usize, n: i32): void {
  // Rows are irrelevant here: sort the values as keys with themselves as payload.
  pass(vals, vals, tmp, tmp, n, 0)
  pass(tmp, tmp, vals, vals, n, 16)
}
