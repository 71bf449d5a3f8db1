// A tiny AssemblyScript entry for tests/wasm/readings.test.ts: the lead owns assembly/index.ts,
// so the test compiles this file on its own. JS writes UTF-16 into `buf`, folds it with nameKey
// (as the matcher does) and looks the key up.
import { readingCount, readingPtr, readingLen, readingFlags } from '../../assembly/query/readings'
import { nameKey } from '../../assembly/normalize/kanji'
import { variantOf } from '../../assembly/normalize/variants'

const buf = new StaticArray<u16>(256)
const key = new StaticArray<u16>(1024)
export function bufPtr(): usize { return changetype<usize>(buf) }
export function keyPtr(): usize { return changetype<usize>(key) }

/** Folds `len` units of `buf` into `key` with nameKey; returns the key's length or a Status. */
export function fold(len: i32): i32 {
  return nameKey(changetype<usize>(buf), len, true, changetype<usize>(key))
}
/** Looks up `len` units of `key`. */
export function lookup(kind: i32, len: i32): i32 { return readingCount(kind, changetype<usize>(key), len) }
export function ptr(i: i32): usize { return readingPtr(i) }
export function len(i: i32): i32 { return readingLen(i) }
export function flags(i: i32): i32 { return readingFlags(i) }
export function variant(cp: u32): u32 { return variantOf(cp) }
