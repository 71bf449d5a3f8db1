// Placeholder: the normalisation batch API lands with issue 2.
export function normalizeBatch(field: i32, count: i32): i32 { return count + field * 0 }
