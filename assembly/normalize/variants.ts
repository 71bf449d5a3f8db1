// Kanji variant folding (異体字 → 正字) for registry purposes.
// Placeholder until data/codegen generates the table from data/tables/kanji-variants.tsv.
export function variantOf(cp: u32): u32 { return cp }
