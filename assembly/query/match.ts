// The query path: normalise one query with the internal AS normalisers, gather candidates from
// the postings, compute SPEC §3 comparison levels, sum Fellegi–Sunter weights, keep the top K.
import { E_TOO_LONG } from '../abi'
import { nameFold, nameSplit, nameExactLen } from '../normalize/kanji'
import { kanaStrict, kanaLooseFrom, kanaLooserFrom, kanaSplit } from '../normalize/kana'
import { parseDate } from '../normalize/date'
import { parseSex } from '../normalize/sex'
import { parseAddress, addrParts } from '../normalize/address'
import { checkMyNumber, checkResidentId } from '../normalize/ids'
import { hStr, hKey } from '../index/hash'
import {
  nRows, u32At, f64At, myAt, colMeta, colDate, colExact, colKey, colLoose, colLooser, colFormerKey, colAliasKey,
  colFormerLoose, colAliasLoose, colKeySur, colFormerSurKey, colLooseSur, colFormerSurLoose,
  colPref, colCity, colTown, colChome, colBlock, colPool, colPoolLens, colSplits, colReadings, colMy, colRid,
  M_DELETED, M_HAS_KANA, M_HAS_NAME, M_SEX_MASK, chomeLen, allKatakana, digitsValue,
} from '../index/rows'
import {
  lookup, blockStart, blockEnd, postingRow, blockLength, idLo, idHi, bucketFirst, postingKey,
  K_DATE_SUR_LOOSE, K_DATE_GIV_LOOSE, K_DATE_SUR_KEY, K_DATE_GIV_KEY, K_LOOSE_YEAR, K_LOOSE_MD,
  K_KEY_YEAR, K_KEY_MD, K_MY, K_RID, K_NAME_KEY, K_NAME_LOOSE,
  K_DATE_PFX_LOOSE, K_DATE_SFX_LOOSE, K_DATE_PFX_KEY, K_DATE_SFX_KEY, PFX_LOOSE_UNITS, PFX_KEY_UNITS, weakPart,
} from '../index/postings'
import { unitsEq, startsWith, endsWith, oneEdit, dateNear } from './compare'

// Name sub-levels (docs/matching.md maps them to SPEC agreement values).
export const N_EXACT: i32 = 0
export const N_VARIANT: i32 = 1
export const N_KANA: i32 = 2
export const N_ALT: i32 = 3         // former surname or alias agrees (reported `variant`)
export const N_FUZZY: i32 = 4       // one edit / looser key
export const N_READING: i32 = 5     // kanji disagree, reading agrees (reported `fuzzy`)
export const N_PARTIAL: i32 = 6     // only 氏 or only 名 agrees (reported `fuzzy`)
export const N_DIFFER: i32 = 7
export const N_MISSING: i32 = 8
// Birth, sex, address, id levels.
export const B_EXACT: i32 = 0, B_NEAR: i32 = 1, B_DIFFER: i32 = 2, B_MISSING: i32 = 3
export const S_EXACT: i32 = 0, S_DIFFER: i32 = 1, S_MISSING: i32 = 2
export const A_EXACT: i32 = 0, A_BLOCK: i32 = 1, A_TOWN: i32 = 2, A_CITY: i32 = 3, A_PREF: i32 = 4, A_DIFFER: i32 = 5, A_MISSING: i32 = 6
export const I_AGREE: i32 = 0, I_DIFFER: i32 = 1, I_MISSING: i32 = 2

// Parameters (f64), written by JS (src/engine/params.ts): see P_* offsets.
export const P_NAME: i32 = 0       // 9: log2 m for N_EXACT..N_ALT (term-frequency levels), weights for the rest
export const P_BIRTH: i32 = 16     // 4
export const P_SEX: i32 = 20       // 3
export const P_ADDR: i32 = 24      // 7
export const P_ID: i32 = 32        // 3
export const P_LOG2N: i32 = 40     // log2(live rows + pseudo rows)
export const P_TF_MIN: i32 = 41    // pseudo count added to a name's count for the term-frequency u
export const P_CAP: i32 = 42       // block size above which a block is filtered (see docs)
export const P_MAX_CANDS: i32 = 43 // candidates scored per query at most
export const params = new StaticArray<f64>(64)

@inline function par(i: i32): f64 { return unchecked(params[i]) }

// ---- the normalised query --------------------------------------------------------------------
const SCR = new StaticArray<u16>(20000)
const R_EXACT: usize = 0, R_KEY: usize = 2200, R_STRICT: usize = 4400, R_LOOSE: usize = 6600
const R_LOOSER: usize = 8800, R_ADDR: usize = 11000, R_ID: usize = 16000, R_TMP: usize = 17000
@inline function scr(region: usize): usize { return changetype<usize>(SCR) + (region << 1) }

/** Bit per field present in the query: 1 name, 2 kana, 4 date, 8 sex, 16 address, 32 my_number, 64 resident_id. */
export let qPresent: i32 = 0
/** Which field failed normalisation (0..6) when prepare returns a negative Status. */
export let qErrField: i32 = -1

let qExactH: u32 = 0, qKeyH: u32 = 0, qKeyN: i32 = 0, qKeySplit: i32 = -1, qKeySurH: u32 = 0, qKeyGivH: u32 = 0
let qLooseH: u32 = 0, qLooserH: u32 = 0, qLooseN: i32 = 0, qLooseSplit: i32 = -1, qLooseSurH: u32 = 0, qLooseGivH: u32 = 0
let qDate: u32 = 0, qSex: u32 = 0
let qPrefH: u32 = 0, qCityH: u32 = 0, qTownH: u32 = 0, qChomeH: u32 = 0, qBlockH: u32 = 0
let qMy: f64 = -1, qRid: f64 = -1
let hasName = false, hasKana = false, hasAddr = false
let cntKey: i32 = 0, cntLoose: i32 = 0
/** log2 of the name's term-frequency u, once per query (valid while cntKey / cntLoose ≥ 0). */
let tfKeyBits: f64 = 0, tfLooseBits: f64 = 0

const MAX_FIELD_UNITS: i32 = 1024

function kanaInto(src: usize, len: i32): i32 {
  const ns = kanaStrict(src, len, scr(R_STRICT))
  if (ns < 0) return ns
  const n = kanaLooseFrom(scr(R_STRICT), ns, kanaSplit, scr(R_LOOSE))
  const split = kanaSplit
  const m = kanaLooserFrom(scr(R_LOOSE), n, split, scr(R_LOOSER))
  qLooseN = n; qLooseSplit = split > 0 && split < n ? split : -1
  qLooseH = hStr(scr(R_LOOSE), n); qLooserH = hStr(scr(R_LOOSER), m)
  qLooseSurH = qLooseSplit > 0 ? hStr(scr(R_LOOSE), qLooseSplit) : 0
  qLooseGivH = qLooseSplit > 0 ? hStr(scr(R_LOOSE) + (<usize>qLooseSplit << 1), n - qLooseSplit) : 0
  hasKana = true
  return 0
}

/**
 * Normalises the query whose 7 fields (name, name_kana, birth_date, sex, address, my_number,
 * resident_id) are at units [offs[f], offs[f+1]) of `chars`. Returns 0 or the negative Status of
 * the first field that failed (qErrField says which).
 */
export function prepare(chars: usize, offs: usize): i32 {
  qPresent = 0; qErrField = -1
  hasName = false; hasKana = false; hasAddr = false
  qExactH = 0; qKeyH = 0; qKeyN = 0; qKeySplit = -1; qKeySurH = 0; qKeyGivH = 0
  qLooseH = 0; qLooserH = 0; qLooseN = 0; qLooseSplit = -1; qLooseSurH = 0; qLooseGivH = 0
  qDate = 0; qSex = 0; qPrefH = 0; qCityH = 0; qTownH = 0; qChomeH = 0; qBlockH = 0; qMy = -1; qRid = -1
  for (let f = 0; f < 7; f++) {
    const a = load<i32>(offs + (<usize>f << 2)), b = load<i32>(offs + (<usize>(f + 1) << 2))
    const len = b - a
    if (len == 0) continue
    qErrField = f
    if (len < 0 || len > MAX_FIELD_UNITS) return E_TOO_LONG
    const src = chars + (<usize>a << 1)
    qPresent |= 1 << f
    switch (f) {
      case 0: {
        const n = nameFold(src, len, scr(R_EXACT), scr(R_KEY))
        if (n < 0) return n
        qKeyN = n; qKeySplit = nameSplit > 0 && nameSplit < n ? nameSplit : -1
        qExactH = hStr(scr(R_EXACT), nameExactLen); qKeyH = hStr(scr(R_KEY), n)
        if (qKeySplit > 0) {
          qKeySurH = hStr(scr(R_KEY), qKeySplit)
          qKeyGivH = hStr(scr(R_KEY) + (<usize>qKeySplit << 1), n - qKeySplit)
        }
        hasName = true
        break
      }
      case 1: {
        const st = kanaInto(src, len)
        if (st < 0) return st
        break
      }
      case 2: {
        const d = parseDate(src, len)
        if (d < 0) return d
        qDate = <u32>d
        break
      }
      case 3: {
        const s = parseSex(src, len)
        if (s < 0) return s
        qSex = <u32>s
        break
      }
      case 4: {
        const k = parseAddress(src, len, scr(R_ADDR))
        if (k < 0) return k
        const base = scr(R_ADDR)
        const ps = unchecked(addrParts[0]), pe = unchecked(addrParts[1])
        qPrefH = hStr(base + (<usize>ps << 1), pe - ps)
        const cs = unchecked(addrParts[2]), ce = unchecked(addrParts[3])
        qCityH = hStr(base + (<usize>cs << 1), ce - cs)
        const ts = unchecked(addrParts[4]), te = unchecked(addrParts[5])
        qTownH = hStr(base + (<usize>ts << 1), te - ts)
        const bs = unchecked(addrParts[6]), be = unchecked(addrParts[7])
        qBlockH = hStr(base + (<usize>bs << 1), be - bs)
        qChomeH = hStr(base + (<usize>bs << 1), chomeLen(base + (<usize>bs << 1), be - bs))
        hasAddr = qCityH != 0 || qTownH != 0 || qPrefH != 0
        break
      }
      case 5: {
        const k = checkMyNumber(src, len, scr(R_ID))
        if (k < 0) return k
        qMy = digitsValue(scr(R_ID), k)
        break
      }
      case 6: {
        const k = checkResidentId(src, len, scr(R_ID))
        if (k < 0) return k
        qRid = digitsValue(scr(R_ID), k)
        break
      }
    }
  }
  qErrField = -1
  // A name written in kana (ｻﾄｳ ﾀﾛｳ in the name field) is also a reading when no reading was given.
  // It is compared as a reading only: a kana name says nothing about the registered kanji.
  if (hasName && allKatakana(scr(R_KEY), qKeyN)) {
    hasName = false
    if (hasKana) { cntLoose = -1; cntKey = -1; return 0 }
    const kp = scr(R_TMP)
    memory.copy(kp, scr(R_KEY), <usize>qKeyN << 1)
    const n = qKeyN
    // the key has no separator: re-insert the split as a space so the reading keeps it
    if (qKeySplit > 0) {
      memory.copy(kp + (<usize>(qKeySplit + 1) << 1), scr(R_KEY) + (<usize>qKeySplit << 1), <usize>(n - qKeySplit) << 1)
      store<u16>(kp + (<usize>qKeySplit << 1), 0x20)
      kanaInto(kp, n + 1)
    } else kanaInto(kp, n)
  }
  cntKey = -1; cntLoose = -1           // looked up on first need (nameWeight)
  return 0
}

// ---- candidates ------------------------------------------------------------------------------
let visited: usize = 0
let visitedCap: i32 = 0
let gen: u32 = 0
const MAX_CANDS_HARD: i32 = 1 << 16
const cands = new StaticArray<i32>(MAX_CANDS_HARD)
export let nCands: i32 = 0
/** Bit 0: a block overflowed its cap or the candidate limit was hit (see docs/matching.md). */
export let qFlags: i32 = 0

function ensureVisited(): void {
  if (visitedCap >= nRows) return
  visitedCap = nRows > 0 ? nRows : 1
  visited = heap.alloc(<usize>visitedCap << 2)
  memory.fill(visited, 0, <usize>visitedCap << 2)    // gen is never 0 while a query runs
}

/** Up to this many candidates are deduplicated by scanning the list (no visited-array miss). */
const SMALL_CANDS: i32 = 48

function addCand(r: i32): void {
  if (nCands < SMALL_CANDS) {
    for (let i = 0; i < nCands; i++) if (unchecked(cands[i]) == r) return
    if (nCands >= <i32>par(P_MAX_CANDS)) { qFlags |= 1; return }
    unchecked(cands[nCands++] = r)
    if (nCands == SMALL_CANDS) {
      // from now on the generation-stamped visited array deduplicates
      ensureVisited()
      for (let i = 0; i < nCands; i++) store<u32>(visited + (<usize>unchecked(cands[i]) << 2), gen)
    }
    return
  }
  const at = visited + (<usize>r << 2)
  if (load<u32>(at) == gen) return
  store<u32>(at, gen)
  if (nCands >= MAX_CANDS_HARD || nCands >= <i32>par(P_MAX_CANDS)) { qFlags |= 1; return }
  unchecked(cands[nCands++] = r)
}

/** Rows of a block over the cap must pass this cheap filter (date close, or sex and city agree). */
@inline function passesFilter(r: i32): bool {
  if (qDate) {
    const d = u32At(colDate, r)
    return d == qDate || dateNear(d, qDate)
  }
  if (qSex && <u32>(u32At(colMeta, r) & M_SEX_MASK) != qSex) return false
  if (qCityH) return u32At(colCity, r) == qCityH
  return true
}

// ---- probe counters (bench/match-profile.ts): per key type, probes, non-empty blocks, rows in
// them, longest block; slot 0 counts weak phases. Off unless statsOn.
export let statsOn = false
export function setStatsOn(on: bool): void { statsOn = on }
export const kstat = new StaticArray<f64>(20 * 4)
function countProbe(type: u32, n: i32): void {
  const at = <i32>type * 4
  unchecked(kstat[at] += 1)
  if (n > 0) {
    unchecked(kstat[at + 1] += 1); unchecked(kstat[at + 2] += <f64>n)
    if (<f64>n > unchecked(kstat[at + 3])) unchecked(kstat[at + 3] = <f64>n)
  }
}

// Batched probing: the keys of a phase are hashed first, then every bucket entry is read, then
// every bucket's first key, then the lookups run (on lines already in cache) and every block's
// first row is read: the cache misses of the probes overlap instead of following one another.
const MAX_PROBES: i32 = 32
const prKey = new StaticArray<u32>(MAX_PROBES)
const prType = new StaticArray<u32>(MAX_PROBES)
const prStart = new StaticArray<i32>(MAX_PROBES)
const prEnd = new StaticArray<i32>(MAX_PROBES)
let nProbes: i32 = 0
/** Keeps the touching loads (their values are never used). */
export let sink: u32 = 0

@inline function want(type: u32, a: u32, b: u32): void {
  if (a == 0) return
  unchecked(prType[nProbes] = type); unchecked(prKey[nProbes] = hKey(type, a, b)); nProbes++
}

/** Looks up the first `take` wanted keys and takes their blocks; the rest are only brought into cache. */
function probeWanted(take: i32): void {
  const np = nProbes
  let acc: u32 = 0
  for (let i = 0; i < np; i++) unchecked(prStart[i] = bucketFirst(unchecked(prKey[i])))
  for (let i = 0; i < np; i++) acc += postingKey(unchecked(prStart[i]))
  for (let i = 0; i < take; i++) {
    const n = lookup(unchecked(prKey[i]))
    if (statsOn) countProbe(unchecked(prType[i]), n)
    unchecked(prStart[i] = blockStart); unchecked(prEnd[i] = blockEnd)
    if (n) acc += <u32>postingRow(blockStart)
  }
  sink += acc
  for (let i = 0; i < take; i++) takeBlock(unchecked(prStart[i]), unchecked(prEnd[i]))
  nProbes = 0
}

function takeBlock(s: i32, e: i32): void {
  const n = e - s
  if (n == 0) return
  const cap = <i32>par(P_CAP)
  if (n <= cap) {
    for (let i = s; i < e; i++) addCand(postingRow(i))
    return
  }
  let taken = 0
  for (let i = s; i < e; i++) {
    const r = postingRow(i)
    if (passesFilter(r)) {
      if (taken >= cap) { qFlags |= 1; return }
      addCand(r); taken++
    }
  }
}

/**
 * Strong keys: 氏 or 名 with the birth date, the whole name with the birth year or month-day, the
 * identifiers; without a birth date, the whole name alone.
 */
function gatherStrong(): void {
  gen++
  if (gen == 0) { if (visitedCap) memory.fill(visited, 0, <usize>visitedCap << 2); gen = 1 }
  nCands = 0; qFlags = 0; nProbes = 0
  const d = qDate
  const y = d / 10000, md = d % 10000
  if (d) {
    if (hasName) {
      if (qKeySplit > 0) { want(K_DATE_SUR_KEY, d, qKeySurH); want(K_DATE_GIV_KEY, d, qKeyGivH) }
      else want(K_DATE_SUR_KEY, d, qKeyH)    // a surname-only query
      want(K_KEY_YEAR, qKeyH, y); want(K_KEY_MD, qKeyH, md)
    }
    if (hasKana) {
      if (qLooseSplit > 0) { want(K_DATE_SUR_LOOSE, d, qLooseSurH); want(K_DATE_GIV_LOOSE, d, qLooseGivH) }
      else want(K_DATE_SUR_LOOSE, d, qLooseH)
      want(K_LOOSE_YEAR, qLooseH, y); want(K_LOOSE_MD, qLooseH, md)
    }
  } else {
    if (hasName) want(K_NAME_KEY, qKeyH, 0)
    if (hasKana) want(K_NAME_LOOSE, qLooseH, 0)
  }
  if (qMy >= 0) want(K_MY, idLo(qMy), idHi(qMy))
  if (qRid >= 0) want(K_RID, idLo(qRid), idHi(qRid))
  const take = nProbes
  // the name's term-frequency blocks (nameWeight) are read later: only brought into cache here
  if (d) {
    if (hasName) want(K_NAME_KEY, qKeyH, 0)
    if (hasKana) want(K_NAME_LOOSE, qLooseH, 0)
  }
  probeWanted(take)
}

/**
 * Weak keys, probed only when the strong keys found nobody whose name and birth date agree:
 * the first and last units of the name key and of the reading, with the birth date and sex (they
 * catch a typo anywhere and names registered without a space, but their blocks grow with the
 * snapshot). The last-unit keys only for a query whose name / reading has no 氏/名 split.
 */
function gatherWeak(): void {
  if (!qDate) return
  if (statsOn) unchecked(kstat[0] += 1)
  nProbes = 0
  if (qSex) weakProbes(weakPart(qDate, qSex))
  else { weakProbes(weakPart(qDate, 1)); weakProbes(weakPart(qDate, 2)) }
  probeWanted(nProbes)
}

function weakProbes(d: u32): void {
  if (hasName) {
    const k = scr(R_KEY)
    if (qKeyN > PFX_KEY_UNITS) {
      want(K_DATE_PFX_KEY, d, hStr(k, PFX_KEY_UNITS))
      // the last unit only for a query without 氏/名 split or of 2 units: a split query's 氏 and 名
      // are strong keys already, and the last-unit blocks (子, 郎, …) grow fastest with the snapshot
      if (qKeySplit < 0 || qKeyN <= 2) want(K_DATE_SFX_KEY, d, hStr(k + (<usize>(qKeyN - PFX_KEY_UNITS) << 1), PFX_KEY_UNITS))
    } else want(K_DATE_PFX_KEY, d, hStr(k, qKeyN))
  }
  if (hasKana && qLooseN > PFX_LOOSE_UNITS) {
    const k = scr(R_LOOSE)
    want(K_DATE_PFX_LOOSE, d, hStr(k, PFX_LOOSE_UNITS))
    if (qLooseSplit < 0) want(K_DATE_SFX_LOOSE, d, hStr(k + (<usize>(qLooseN - PFX_LOOSE_UNITS) << 1), PFX_LOOSE_UNITS))
  }
}

// ---- comparison levels and weights -----------------------------------------------------------
export let lvName: i32 = 0, lvKana: i32 = 0, lvBirth: i32 = 0, lvSex: i32 = 0, lvAddr: i32 = 0, lvId: i32 = 0
export let wName: f64 = 0, wBirth: f64 = 0, wSex: f64 = 0, wAddr: f64 = 0, wId: f64 = 0

@inline function better(a: i32, b: i32): i32 { return a < b ? a : b }

/** Kanji (written name) level: N_EXACT, N_VARIANT, N_ALT, N_FUZZY, N_PARTIAL or N_DIFFER. */
function kanjiLevel(r: i32): i32 {
  if (qExactH == u32At(colExact, r)) return N_EXACT
  if (qKeyH == u32At(colKey, r)) return N_VARIANT
  if (qKeyH == u32At(colFormerKey, r) || qKeyH == u32At(colAliasKey, r)) return N_ALT
  const pool = <usize>u32At(colPool, r)
  const kn = <i32>(u32At(colPoolLens, r) & 0xFFFF)
  const k = scr(R_KEY)
  if (kn >= 2 && qKeyN >= 2 && oneEdit(k, qKeyN, pool, kn)) return N_FUZZY
  const split = <i32>(u32At(colSplits, r) & 0xFFFF)
  if (split != 0xFFFF) {
    if (startsWith(k, qKeyN, pool, split)) return N_PARTIAL
    if (endsWith(k, qKeyN, pool + (<usize>split << 1), kn - split)) return N_PARTIAL
  }
  if (qKeySurH && qKeySurH == u32At(colFormerSurKey, r)) return N_PARTIAL
  return N_DIFFER
}

/** Reading level against the registered reading: N_KANA, N_ALT, N_FUZZY, N_PARTIAL, N_DIFFER. */
function kanaLevel(r: i32): i32 {
  if (qLooseH == u32At(colLoose, r)) return N_KANA
  if (qLooseH == u32At(colFormerLoose, r) || qLooseH == u32At(colAliasLoose, r)) return N_ALT
  if (qLooserH == u32At(colLooser, r)) return N_FUZZY
  const lens = u32At(colPoolLens, r)
  const kn = <i32>(lens & 0xFFFF), ln = <i32>(lens >> 16)
  const pool = <usize>u32At(colPool, r) + (<usize>kn << 1)
  const k = scr(R_LOOSE)
  if (ln >= 2 && qLooseN >= 2 && oneEdit(k, qLooseN, pool, ln)) return N_FUZZY
  const split = <i32>(u32At(colSplits, r) >> 16)
  if (split != 0xFFFF) {
    if (startsWith(k, qLooseN, pool, split)) return N_PARTIAL
    if (endsWith(k, qLooseN, pool + (<usize>split << 1), ln - split)) return N_PARTIAL
  }
  if (qLooseSurH && qLooseSurH == u32At(colFormerSurLoose, r)) return N_PARTIAL
  return N_DIFFER
}

/** Level against the dictionary readings of a kanji-only name. */
function readingLevel(r: i32): i32 {
  const rp = <usize>u32At(colReadings, r)
  if (!rp) return N_MISSING
  const ns = <i32>load<u32>(rp), ng = <i32>load<u32>(rp + 4)
  const base = rp + 8
  for (let k = 0; k < ns * ng; k++) if (load<u32>(base + (<usize>(ns + ng + k) << 2)) == qLooseH) return N_KANA
  for (let i = 0; i < ns; i++) if (qLooseSurH && load<u32>(base + (<usize>i << 2)) == qLooseSurH) return N_PARTIAL
  for (let j = 0; j < ng; j++) if (qLooseGivH && load<u32>(base + (<usize>(ns + j) << 2)) == qLooseGivH) return N_PARTIAL
  return N_DIFFER
}

function nameLevels(r: i32, meta: u32): void {
  const rName = (meta & M_HAS_NAME) != 0, rKana = (meta & M_HAS_KANA) != 0
  lvKana = hasKana && rKana ? kanaLevel(r) : N_MISSING
  let kk = lvKana
  if (hasKana && !rKana) kk = readingLevel(r)
  if (hasName && rName) {
    const kl = kanjiLevel(r)
    if (kl <= N_ALT) { lvName = kl; return }
    if (kk == N_KANA || kk == N_ALT) { lvName = kl == N_FUZZY ? N_FUZZY : N_READING; return }
    if (kl == N_DIFFER && (kk == N_FUZZY || kk == N_PARTIAL)) { lvName = N_PARTIAL; return }
    lvName = kl
    return
  }
  if (hasKana && kk != N_MISSING) { lvName = kk; return }
  lvName = N_MISSING
}

function nameWeight(): f64 {
  const l = lvName
  // Term frequency: u = (count + pseudo) / (rows + pseudoRows), both from params.
  if (l == N_EXACT || l == N_VARIANT || l == N_ALT) {
    if (cntKey < 0) {
      cntKey = blockLength(K_NAME_KEY, qKeyH, 0)
      tfKeyBits = Math.log2(<f64>cntKey + par(P_TF_MIN)) - par(P_LOG2N)
    }
    return par(P_NAME + l) - tfKeyBits
  }
  if (l == N_KANA) {
    if (cntLoose < 0) {
      cntLoose = blockLength(K_NAME_LOOSE, qLooseH, 0)
      tfLooseBits = Math.log2(<f64>cntLoose + par(P_TF_MIN)) - par(P_LOG2N)
    }
    return par(P_NAME + l) - tfLooseBits
  }
  return par(P_NAME + l)
}

/** Computes every level and weight of row r; returns the total weight (log2). */
export function score(r: i32): f64 {
  const meta = u32At(colMeta, r)
  nameLevels(r, meta)
  wName = nameWeight()
  // birth
  const d = u32At(colDate, r)
  if (!qDate || !d) lvBirth = B_MISSING
  else if (d == qDate) lvBirth = B_EXACT
  else if (dateNear(d, qDate)) lvBirth = B_NEAR
  else lvBirth = B_DIFFER
  wBirth = par(P_BIRTH + lvBirth)
  // sex
  const s = meta & M_SEX_MASK
  if (!qSex || !s) lvSex = S_MISSING
  else lvSex = s == qSex ? S_EXACT : S_DIFFER
  wSex = par(P_SEX + lvSex)
  // address: a prefecture left out of the query is no disagreement
  const rc = u32At(colCity, r)
  if (!hasAddr || (!rc && !u32At(colTown, r))) lvAddr = A_MISSING
  else {
    const rp = u32At(colPref, r)
    const prefOk = !qPrefH || !rp || rp == qPrefH
    if (prefOk && qCityH == rc) {
      if (qTownH == u32At(colTown, r)) {
        if (qBlockH == u32At(colBlock, r)) lvAddr = A_EXACT
        else if (qChomeH == u32At(colChome, r)) lvAddr = A_BLOCK
        else lvAddr = A_TOWN
      } else lvAddr = A_CITY
    } else if (qPrefH && rp == qPrefH) lvAddr = A_PREF
    else lvAddr = A_DIFFER
  }
  wAddr = par(P_ADDR + lvAddr)
  // identifiers
  lvId = I_MISSING
  if (qMy >= 0) { const m = myAt(r); if (m >= 0) lvId = m == qMy ? I_AGREE : I_DIFFER }
  if (qRid >= 0 && lvId != I_AGREE) lvId = f64At(colRid, r) == qRid ? I_AGREE : I_DIFFER
  wId = par(P_ID + lvId)
  return wName + wBirth + wSex + wAddr + wId
}

@inline export function levelsCode(): i32 {
  return lvName | (lvKana << 4) | (lvBirth << 8) | (lvSex << 10) | (lvAddr << 12) | (lvId << 16)
}

// ---- top K -----------------------------------------------------------------------------------
export const TOP_K: i32 = 16
export const topRow = new StaticArray<i32>(TOP_K)
export const topW = new StaticArray<f64>(TOP_K)
/** Level code and the 5 field weights of each top candidate, captured when it was scored. */
export const topLv = new StaticArray<i32>(TOP_K)
export const topFW = new StaticArray<f64>(TOP_K * 5)
export let nTop: i32 = 0
/** Sum of 2^weight over every scored candidate (for the calibrated probability). */
export let sumLR: f64 = 0

/** Whether a scored candidate already agrees on name (exact/variant/kana/alt) and birth date. */
let strongHit = false

/** Candidates scored per window: their row records are read first, together (overlapping misses). */
const TOUCH_WINDOW: i32 = 16

function scoreFrom(first: i32): void {
  for (let w0 = first; w0 < nCands; w0 += TOUCH_WINDOW) {
    const w1 = min(w0 + TOUCH_WINDOW, nCands)
    let acc: u32 = 0
    for (let i = w0; i < w1; i++) { const r = unchecked(cands[i]); acc += u32At(colMeta, r) + u32At(colFormerLoose, r) }
    sink += acc
    for (let i = w0; i < w1; i++) scoreOne(unchecked(cands[i]))
  }
}

function scoreOne(r: i32): void {
  if (u32At(colMeta, r) & M_DELETED) return
  const w = score(r)
  if (lvName <= N_ALT && lvBirth == B_EXACT) strongHit = true
  sumLR += Math.pow(2, w)
  if (nTop == TOP_K && w <= unchecked(topW[TOP_K - 1])) return
  let j = nTop < TOP_K ? nTop++ : TOP_K - 1
  while (j > 0 && unchecked(topW[j - 1]) < w) {
    unchecked(topW[j] = topW[j - 1]); unchecked(topRow[j] = topRow[j - 1]); unchecked(topLv[j] = topLv[j - 1])
    const f = j * 5
    unchecked(topFW[f] = topFW[f - 5]); unchecked(topFW[f + 1] = topFW[f - 4]); unchecked(topFW[f + 2] = topFW[f - 3])
    unchecked(topFW[f + 3] = topFW[f - 2]); unchecked(topFW[f + 4] = topFW[f - 1])
    j--
  }
  unchecked(topW[j] = w); unchecked(topRow[j] = r); unchecked(topLv[j] = levelsCode())
  const f = j * 5
  unchecked(topFW[f] = wName); unchecked(topFW[f + 1] = wBirth); unchecked(topFW[f + 2] = wSex)
  unchecked(topFW[f + 3] = wAddr); unchecked(topFW[f + 4] = wId)
}

/** Gathers and scores the candidates of the prepared query; fills topRow/topW, nTop, sumLR. */
export function run(): void {
  nTop = 0; sumLR = 0; strongHit = false
  gatherStrong()
  scoreFrom(0)
  if (strongHit) return
  const first = nCands
  gatherWeak()
  scoreFrom(first)
}

export { unitsEq }
