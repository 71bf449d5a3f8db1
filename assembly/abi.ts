// The ABI's shared scratch regions, capacities and Status codes.
// Every region is a StaticArray allocated once at start-up (runtime "stub": nothing is
// ever collected or moved), so JS can keep typed-array views on them until memory grows.

/** UTF-16 code units of input per batch. */
export const IN_CAP_UNITS: i32 = 1 << 20;
/** Items (strings or queries) per batch. */
export const MAX_BATCH: i32 = 16384;
/** UTF-16 code units of output per batch (every fold is at most 2x its input plus slack). */
export const OUT_CAP_UNITS: i32 = 1 << 22;
/** String slots each normalised item may fill (see assembly/normalize/batch.ts for layouts). */
export const SLOTS_PER_ITEM: i32 = 8;
/** Integer results each normalised item may fill. */
export const INTS_PER_ITEM: i32 = 8;

export const inChars = new StaticArray<u16>(IN_CAP_UNITS);
/** inOffsets[i]..inOffsets[i+1] are item i's code units in inChars. */
export const inOffsets = new StaticArray<i32>(MAX_BATCH + 1);
export const outChars = new StaticArray<u16>(OUT_CAP_UNITS);
/** (start, length) per slot: outSlots[(i * SLOTS_PER_ITEM + s) * 2 + {0,1}]. */
export const outSlots = new StaticArray<i32>(MAX_BATCH * SLOTS_PER_ITEM * 2);
export const outInts = new StaticArray<i32>(MAX_BATCH * INTS_PER_ITEM);
/** One Status per item: a bad item fails alone. */
export const outStatus = new StaticArray<i32>(MAX_BATCH);

// Status codes. Zero is success; each negative code maps to one NayoseError subclass in
// src/errors.ts (tests/unit/status-sync.test.ts keeps the two lists in step).
export const OK: i32 = 0;
export const E_TOO_LONG: i32 = -1;        // input longer than the per-item limit
export const E_EMPTY: i32 = -2;           // nothing left after normalisation
export const E_BAD_KANA: i32 = -3;        // a reading that holds something other than kana
export const E_BAD_NAME: i32 = -4;        // a name with characters no name can hold (control, digits)
export const E_DATE_FORMAT: i32 = -10;    // not a date in any accepted notation
export const E_DATE_INVALID: i32 = -11;   // no such day (2月30日)
export const E_DATE_ERA: i32 = -12;       // outside its era (平成31年5月1日, 昭和65年)
export const E_DATE_RANGE: i32 = -13;     // before 1868-01-25 (明治) or after 9999
export const E_SEX: i32 = -20;            // not 1/2/男/女/M/F
export const E_ADDRESS: i32 = -30;        // no address left after normalisation
export const E_MY_NUMBER_FORMAT: i32 = -40; // not 12 digits
export const E_CHECK_DIGIT: i32 = -41;    // 12 digits, wrong check digit
export const E_RESIDENT_ID: i32 = -42;    // not 11 digits
export const E_FIELD: i32 = -50;          // unknown field kind
