// The ABI: exported functions and constants, nothing else.
export {
  IN_CAP_UNITS, MAX_BATCH, OUT_CAP_UNITS, SLOTS_PER_ITEM, INTS_PER_ITEM,
} from './abi'
export * from './normalize/api'
export * from './query/api'
export * from './index/image'
