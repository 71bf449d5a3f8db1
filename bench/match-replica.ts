// A snapshot replicated `copies` times in memory (bench/match-scale.ts, bench/match-profile.ts):
// copy k keeps every name but gets other resident ids and my_numbers, another city, and birth
// dates shifted by a pseudo-random number of days (±10 years), so each birth date holds `copies` times as many
// people, as a larger snapshot would. Copy 0 is the original, so a truth file still applies.
import type { Snapshot } from '../src/store/snapshot.js'
import type { RowSource } from '../src/engine/engine.js'

const DATE_FIELD = 2
const ADDRESS_FIELD = 4
const MY_NUMBER_FIELD = 5

function patch(src: Uint8Array, out: Uint8Array, copy: number, row: number): Uint8Array {
  out.set(src)
  const dv = new DataView(out.buffer, out.byteOffset, src.length)
  if (copy === 0) return out.subarray(0, src.length)
  // resident_id: another 11-digit number per copy
  const rid = dv.getFloat64(4, true)
  dv.setFloat64(4, (rid + copy * 13_000_000_007) % 1e11, true)
  let p = 12
  const n = out[3]!
  for (let f = 0; f < n; f++) {
    const id = out[p]!, nSlots = out[p + 2]!, nInts = out[p + 3]!
    p += 4
    if (id === DATE_FIELD && nInts > 0) {
      const d = dv.getInt32(p, true)
      const h = Math.imul(row + 1, 0x9e3779b1) ^ Math.imul(copy, 0x85ebca6b)
      const shift = ((h >>> 0) % 7301) - 3650
      const t = Date.UTC(Math.floor(d / 10000), Math.floor(d / 100) % 100 - 1, d % 100) + shift * 86_400_000
      const x = new Date(t)
      dv.setInt32(p, x.getUTCFullYear() * 10000 + (x.getUTCMonth() + 1) * 100 + x.getUTCDate(), true)
    }
    p += 4 * nInts
    for (let k = 0; k < nSlots; k++) {
      const len = dv.getUint16(p, true)
      // another city per copy (first unit of the city slot shifted): copies live elsewhere
      if (id === ADDRESS_FIELD && k === 2 && len > 0) dv.setUint16(p + 2, dv.getUint16(p + 2, true) + copy, true)
      // another my_number per copy (first digit shifted): a my_number belongs to one person
      if (id === MY_NUMBER_FIELD && k === 0 && len > 0) {
        const c = dv.getUint16(p + 2, true)
        if (c >= 0x30 && c <= 0x39) dv.setUint16(p + 2, 0x30 + (c - 0x30 + copy) % 10, true)
      }
      p += 2 + 2 * len
    }
  }
  return out.subarray(0, src.length)
}

/** The rows of `s`, `copies` times (copy 0 unchanged). */
export function replicated(s: Snapshot, copies: number): RowSource {
  const n = s.rowCount()
  return {
    manifest: () => ({ version: `${s.manifest().version}x${copies}` }),
    rowCount: () => n * copies,
    *rows() {
      const buf = new Uint8Array(1 << 16)
      for (let k = 0; k < copies; k++) {
        for (const { row, bytes } of s.rows()) yield { row: k * n + row, bytes: patch(bytes, buf, k, row) }
      }
    },
    record: (id) => s.record(id),
  }
}
