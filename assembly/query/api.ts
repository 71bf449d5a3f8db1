// The matcher ABI (docs/matching.md "ABI"). Build: engineInit(rows) → engineLoad(first, count)
// per batch of match-row bytes → engineBuild(). Query: JS writes 7 strings per query into
// qChars with qOffs, calls matchQueries(count) once per batch and reads numbers back.
import { allocRows, readRows, nRows, u32At, f64At, colDate, colMeta, colPref, colCity, colTown, colChome, colBlock, M_DELETED, M_SEX_MASK } from '../index/rows'
import { buildPostings, nPostings } from '../index/postings'
import { hKey } from '../index/hash'
import { sortU32 } from '../index/sort'
import { dateNear } from './compare'
import {
  params, prepare, run, topLv, topFW, qPresent, qErrField, qFlags, nCands, nTop, topRow, topW, sumLR, TOP_K,
  wName, wBirth, wSex, wAddr, wId, kstat, setStatsOn, sink,
} from './match'

export const LOAD_CAP_BYTES: i32 = 1 << 22
export const MAX_LOAD_ROWS: i32 = 16384
const loadBuf = new StaticArray<u8>(LOAD_CAP_BYTES)
const loadOffs = new StaticArray<i32>(MAX_LOAD_ROWS + 1)

export function loadBufPtr(): usize { return changetype<usize>(loadBuf) }
export function loadOffsPtr(): usize { return changetype<usize>(loadOffs) }

/** Allocates the row columns; call once per instance before engineLoad. */
export function engineInit(rows: i32): void { allocRows(rows) }

/** Reads `count` rows (bytes in loadBuf at loadOffs[0..count]) as rows first.. ; returns rows loaded. */
export function engineLoad(first: i32, count: i32): i32 {
  return readRows(changetype<usize>(loadBuf), changetype<usize>(loadOffs), first, count > MAX_LOAD_ROWS ? MAX_LOAD_ROWS : count)
}

/** Builds the postings once every row is loaded; returns their number. */
export function engineBuild(): i32 { return buildPostings() }
export function engineRows(): i32 { return nRows }
export function enginePostings(): i32 { return nPostings }
export function paramsPtr(): usize { return changetype<usize>(params) }

// ---- statistics for u probabilities ----------------------------------------------------------
let statBuf: usize = 0
let statTmp: usize = 0

/** The value of row r for statistic `kind` (0: none). */
function statValue(kind: i32, r: i32): u32 {
  switch (kind) {
    case 0: return u32At(colDate, r)
    case 1: return u32At(colPref, r)
    case 2: { const c = u32At(colCity, r); return c ? hKey(100, u32At(colPref, r), c) : 0 }
    case 3: { const t = u32At(colTown, r); return t ? hKey(101, hKey(100, u32At(colPref, r), u32At(colCity, r)), t) : 0 }
    case 4: { const t = u32At(colTown, r); return t ? hKey(102, hKey(101, hKey(100, u32At(colPref, r), u32At(colCity, r)), t), u32At(colChome, r)) : 0 }
    case 5: { const t = u32At(colTown, r); return t ? hKey(103, hKey(101, hKey(100, u32At(colPref, r), u32At(colCity, r)), t), u32At(colBlock, r)) : 0 }
    case 6: return u32At(colMeta, r) & M_SEX_MASK
  }
  return 0
}

/**
 * Chance that two distinct random live rows share statistic `kind` (0 birth date, 1 prefecture,
 * 2 city, 3 town, 4 丁目, 5 full address, 6 sex): Σ c(c-1) / (n(n-1)) over groups.
 */
export function collisionRate(kind: i32): f64 {
  if (!statBuf) { statBuf = heap.alloc(<usize>max(nRows, 1) << 2); statTmp = heap.alloc(<usize>max(nRows, 1) << 2) }
  let n = 0
  for (let r = 0; r < nRows; r++) {
    if (u32At(colMeta, r) & M_DELETED) continue
    const v = statValue(kind, r)
    if (v) { store<u32>(statBuf + (<usize>n << 2), v); n++ }
  }
  if (n < 2) return 0
  sortU32(statBuf, statTmp, n)
  let pairs: f64 = 0
  let run: f64 = 1
  for (let i = 1; i <= n; i++) {
    if (i < n && load<u32>(statBuf + (<usize>i << 2)) == load<u32>(statBuf + (<usize>(i - 1) << 2))) run++
    else { pairs += run * (run - 1); run = 1 }
  }
  return pairs / (<f64>n * <f64>(n - 1))
}

/** Chance that two random rows' birth dates are `near` (one digit or day/month swap), sampled. */
export function nearDateRate(samples: i32, seed: u32): f64 {
  if (nRows < 2) return 0
  let s = seed | 1
  let hit = 0, total = 0
  for (let i = 0; i < samples; i++) {
    s ^= s << 13; s ^= s >> 17; s ^= s << 5
    const a = <i32>(s % <u32>nRows)
    s ^= s << 13; s ^= s >> 17; s ^= s << 5
    const b = <i32>(s % <u32>nRows)
    if (a == b) continue
    const da = u32At(colDate, a), db = u32At(colDate, b)
    if (!da || !db) continue
    total++
    if (dateNear(da, db)) hit++
  }
  return total ? <f64>hit / <f64>total : 0
}

// ---- queries ---------------------------------------------------------------------------------
export const MAX_QUERIES: i32 = 1024
export const Q_CAP_UNITS: i32 = 1 << 19
export const FIELDS_PER_QUERY: i32 = 7
const qChars = new StaticArray<u16>(Q_CAP_UNITS)
const qOffs = new StaticArray<i32>(MAX_QUERIES * FIELDS_PER_QUERY + 1)
const outStatusQ = new StaticArray<i32>(MAX_QUERIES)
const outErrField = new StaticArray<i32>(MAX_QUERIES)
const outPresent = new StaticArray<i32>(MAX_QUERIES)
const outFlags = new StaticArray<i32>(MAX_QUERIES)
const outCands = new StaticArray<i32>(MAX_QUERIES)
const outTop = new StaticArray<i32>(MAX_QUERIES)
const outSumLR = new StaticArray<f64>(MAX_QUERIES)
const outRow = new StaticArray<i32>(MAX_QUERIES * TOP_K)
const outW = new StaticArray<f64>(MAX_QUERIES * TOP_K)
const outLv = new StaticArray<i32>(MAX_QUERIES * TOP_K)
const outFW = new StaticArray<f32>(MAX_QUERIES * TOP_K * 5)

export function qCharsPtr(): usize { return changetype<usize>(qChars) }
export function qOffsPtr(): usize { return changetype<usize>(qOffs) }
export function mOutStatusPtr(): usize { return changetype<usize>(outStatusQ) }
export function mOutErrFieldPtr(): usize { return changetype<usize>(outErrField) }
export function mOutPresentPtr(): usize { return changetype<usize>(outPresent) }
export function mOutFlagsPtr(): usize { return changetype<usize>(outFlags) }
export function mOutCandsPtr(): usize { return changetype<usize>(outCands) }
export function mOutTopPtr(): usize { return changetype<usize>(outTop) }
export function mOutSumLRPtr(): usize { return changetype<usize>(outSumLR) }
export function mOutRowPtr(): usize { return changetype<usize>(outRow) }
export function mOutWPtr(): usize { return changetype<usize>(outW) }
export function mOutLvPtr(): usize { return changetype<usize>(outLv) }
export function mOutFWPtr(): usize { return changetype<usize>(outFW) }
export function matchTopK(): i32 { return TOP_K }


import { colRid } from '../index/rows'
function residentIdOf(r: i32): f64 { return f64At(colRid, r) }
/** Pointer to the resident_id column (f64 per row), valid until memory grows. */
export function ridColumnPtr(): usize { return colRid }

/**
 * Matches `count` queries (7 fields each at qChars[qOffs[i*7+f] .. qOffs[i*7+f+1]]). Per query:
 * a Status (0, or the first failing field's negative Status and its index), the fields present,
 * flags, candidates examined, and the best min(TOP_K, found) rows with weights and levels.
 * Returns count.
 */
export function matchQueries(count: i32): i32 {
  if (count > MAX_QUERIES) count = MAX_QUERIES
  const chars = changetype<usize>(qChars)
  for (let i = 0; i < count; i++) {
    const offs = changetype<usize>(qOffs) + (<usize>(i * FIELDS_PER_QUERY) << 2)
    const st = prepare(chars, offs)
    unchecked(outStatusQ[i] = st)
    unchecked(outErrField[i] = qErrField)
    unchecked(outPresent[i] = qPresent)
    if (st < 0) { unchecked(outTop[i] = 0); unchecked(outCands[i] = 0); unchecked(outFlags[i] = 0); unchecked(outSumLR[i] = 0); continue }
    run()
    unchecked(outFlags[i] = qFlags)
    unchecked(outCands[i] = nCands)
    unchecked(outTop[i] = nTop)
    unchecked(outSumLR[i] = sumLR)
    for (let k = 0; k < nTop; k++) {
      const j = i * TOP_K + k
      unchecked(outRow[j] = topRow[k])
      unchecked(outW[j] = topW[k])
      unchecked(outLv[j] = topLv[k])
      const f = j * 5, g = k * 5
      unchecked(outFW[f] = <f32>topFW[g]); unchecked(outFW[f + 1] = <f32>topFW[g + 1]); unchecked(outFW[f + 2] = <f32>topFW[g + 2])
      unchecked(outFW[f + 3] = <f32>topFW[g + 3]); unchecked(outFW[f + 4] = <f32>topFW[g + 4])
    }
  }
  return count
}

// ---- profiling (bench/match-profile.ts) -------------------------------------------------------
/** Per key type t: kstat[t*4 ..] = probes, non-empty blocks, rows in them, longest; [0] weak phases. */
export function matchStatsPtr(): usize { return changetype<usize>(kstat) }
export function matchStatsOn(on: i32): void { setStatsOn(on != 0); if (on) memory.fill(changetype<usize>(kstat), 0, 20 * 4 * 8) }

/** As matchQueries without writing answers: mode 0 normalises only, 1 also gathers and scores. */
export function matchProfile(count: i32, mode: i32): i32 {
  if (count > MAX_QUERIES) count = MAX_QUERIES
  const chars = changetype<usize>(qChars)
  let sum = 0
  for (let i = 0; i < count; i++) {
    const offs = changetype<usize>(qOffs) + (<usize>(i * FIELDS_PER_QUERY) << 2)
    const st = prepare(chars, offs)
    if (st < 0 || mode == 0) continue
    run()
    sum += nTop
  }
  return sum
}

/** The touching loads' sink (read here so that the optimiser keeps those loads). */
export function matchSink(): u32 { return sink }
