// The normalisation batch ABI (docs/ARCHITECTURE.md §1). JS copies UTF-16 code units into
// inChars with offsets in inOffsets, calls normalizeBatch(field, count) once, and reads per
// item a Status, string slots (start, length) into outChars and integers. Nothing here
// allocates: every region is static (assembly/abi.ts), so views stay valid until memory grows.
import {
  inChars, inOffsets, outChars, outSlots, outInts, outStatus,
  IN_CAP_UNITS, MAX_BATCH, OUT_CAP_UNITS, SLOTS_PER_ITEM, INTS_PER_ITEM,
  OK, E_TOO_LONG, E_FIELD,
} from '../abi'
import { kanaStrict, kanaLooseLooser, kanaSplit, kanaLooserLen, kanaLooserSplit } from './kana'
import { nameFold, nameSplit, nameExactSplit, nameExactLen } from './kanji'
import { parseDate } from './date'
import { parseSex } from './sex'
import { parseAddress, addrParts, addrPrefCode } from './address'
import { checkMyNumber, checkResidentId } from './ids'
export { NORMALIZER_FP_HI, NORMALIZER_FP_LO } from './fingerprint.generated'

export const FIELD_NAME: i32 = 0
export const FIELD_KANA: i32 = 1
export const FIELD_DATE: i32 = 2
export const FIELD_SEX: i32 = 3
export const FIELD_ADDRESS: i32 = 4
export const FIELD_MY_NUMBER: i32 = 5
export const FIELD_RESIDENT_ID: i32 = 6
/** Longest item in UTF-16 units; longer items fail alone with E_TOO_LONG. */
export const MAX_ITEM_UNITS: i32 = 1024

export function inCharsPtr(): usize { return changetype<usize>(inChars) }
export function inOffsetsPtr(): usize { return changetype<usize>(inOffsets) }
export function outCharsPtr(): usize { return changetype<usize>(outChars) }
export function outSlotsPtr(): usize { return changetype<usize>(outSlots) }
export function outIntsPtr(): usize { return changetype<usize>(outInts) }
export function outStatusPtr(): usize { return changetype<usize>(outStatus) }

/** outChars units an item of `len` units may need in `field` (checked before it runs). */
@inline function outBound(field: i32, len: i32): i32 {
  if (field == FIELD_KANA) return 3 * (2 * len + 16)
  if (field == FIELD_NAME) return 4 * len + 16
  if (field == FIELD_ADDRESS) return 4 * len + 64
  if (field == FIELD_MY_NUMBER || field == FIELD_RESIDENT_ID) return 2 * len + 16
  return 0
}

/** The kana field's loop, apart from the others: it is the hot path of bulk folding. */
function kanaBatch(count: i32): i32 {
  const inBase = changetype<usize>(inChars)
  const outBase = changetype<usize>(outChars)
  let cur = 0
  for (let i = 0; i < count; i++) {
    const a = unchecked(inOffsets[i]), b = unchecked(inOffsets[i + 1])
    const len = b - a
    if (len > MAX_ITEM_UNITS || len < 0 || a < 0 || b > IN_CAP_UNITS) {
      unchecked(outStatus[i] = E_TOO_LONG)
      continue
    }
    if (cur + 3 * (2 * len + 16) > OUT_CAP_UNITS) return i
    const dst = outBase + (<usize>cur << 1)
    const n = kanaStrict(inBase + (<usize>a << 1), len, dst)
    if (n < 0) { unchecked(outStatus[i] = n); continue }
    const s0 = kanaSplit
    // Loose right after strict; looser after loose, where at most 2n more units go.
    const dl = dst + (<usize>n << 1)
    const l = kanaLooseLooser(dst, n, s0, dl, dl + (<usize>n << 1))
    const m = kanaLooserLen
    // Looser was written n units after loose began; close the gap when ヴァ made loose shorter.
    if (l < n) memory.copy(dl + (<usize>l << 1), dl + (<usize>n << 1), <usize>m << 1)
    const k = (i * SLOTS_PER_ITEM) << 1
    unchecked(outSlots[k] = cur); unchecked(outSlots[k + 1] = n)
    unchecked(outSlots[k + 2] = cur + n); unchecked(outSlots[k + 3] = l)
    unchecked(outSlots[k + 4] = cur + n + l); unchecked(outSlots[k + 5] = m)
    const j = i * INTS_PER_ITEM
    unchecked(outInts[j] = s0); unchecked(outInts[j + 1] = kanaSplit); unchecked(outInts[j + 2] = kanaLooserSplit)
    unchecked(outStatus[i] = OK)
    cur += n + l + m
  }
  return count
}

@inline function setSlot(i: i32, s: i32, start: i32, length: i32): void {
  const k = (i * SLOTS_PER_ITEM + s) << 1
  unchecked(outSlots[k] = start)
  unchecked(outSlots[k + 1] = length)
}
@inline function setInt(i: i32, k: i32, v: i32): void { unchecked(outInts[i * INTS_PER_ITEM + k] = v) }

/**
 * Normalises items 0..count-1 of the input regions as `field` (FIELD_*). Writes outStatus[i]
 * (OK or a negative Status: a bad item fails alone), string slots and integers as laid out in
 * docs/ARCHITECTURE.md §1. Returns how many items it finished: fewer than `count` only when
 * outChars is full, and then JS resubmits the rest. Results stay valid until the next call.
 * @example normalizeBatch(FIELD_KANA, 1000) // 1000; keys of item i in slots 0..2
 */
export function normalizeBatch(field: i32, count: i32): i32 {
  if (count > MAX_BATCH) count = MAX_BATCH
  if (field == FIELD_KANA) return kanaBatch(count)
  const inBase = changetype<usize>(inChars)
  const outBase = changetype<usize>(outChars)
  let cur = 0                                 // next free unit in outChars
  for (let i = 0; i < count; i++) {
    const a = unchecked(inOffsets[i]), b = unchecked(inOffsets[i + 1])
    const len = b - a
    if (len > MAX_ITEM_UNITS || len < 0 || a < 0 || b > IN_CAP_UNITS) {
      unchecked(outStatus[i] = E_TOO_LONG)
      continue
    }
    if (cur + outBound(field, len) > OUT_CAP_UNITS) return i
    const src = inBase + (<usize>a << 1)
    const dst = outBase + (<usize>cur << 1)
    let st = OK
    switch (field) {
      case FIELD_NAME: {
        // The exact form is at most 2 units per input unit (FA6C → U+242EE); the key goes after it.
        const n = nameFold(src, len, dst, dst + (<usize>(2 * len) << 1))
        if (n < 0) { st = n; break }
        const e = nameExactLen
        // Close the gap so outChars fills densely: exact then key.
        if (e < 2 * len) memory.copy(dst + (<usize>e << 1), dst + (<usize>(2 * len) << 1), <usize>n << 1)
        setSlot(i, 0, cur + e, n); setSlot(i, 1, cur, e)
        setInt(i, 0, nameSplit); setInt(i, 1, nameExactSplit)
        cur += e + n
        break
      }
      case FIELD_DATE: {
        const d = parseDate(src, len)
        if (d < 0) st = d
        else setInt(i, 0, d)
        break
      }
      case FIELD_SEX: {
        const s = parseSex(src, len)
        if (s < 0) st = s
        else setInt(i, 0, s)
        break
      }
      case FIELD_ADDRESS: {
        const k = parseAddress(src, len, dst)
        if (k < 0) { st = k; break }
        setSlot(i, 0, cur, k)
        let used = k
        for (let s = 0; s < 5; s++) {
          const ps = unchecked(addrParts[2 * s]), pe = unchecked(addrParts[2 * s + 1])
          setSlot(i, s + 1, cur + ps, pe - ps)
          if (pe > used) used = pe
        }
        setInt(i, 0, addrPrefCode)
        cur += used
        break
      }
      case FIELD_MY_NUMBER:
      case FIELD_RESIDENT_ID: {
        const k = field == FIELD_MY_NUMBER ? checkMyNumber(src, len, dst) : checkResidentId(src, len, dst)
        if (k < 0) { st = k; break }
        setSlot(i, 0, cur, k)
        cur += k
        break
      }
      default: st = E_FIELD
    }
    unchecked(outStatus[i] = st)
  }
  return count
}
