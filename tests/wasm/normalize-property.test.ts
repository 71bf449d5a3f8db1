// Differential property tests: the WASM core and the plain-TS reference agree exactly (keys,
// splits, error codes) on random Unicode and on realistic, messily written names and readings.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WasmNormalizer, type Field } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'

const wasm = WasmNormalizer.create()
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 300), seed: Number(process.env.FC_SEED ?? 20261123) }

const chr = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((c) => String.fromCodePoint(c))
const SPECIAL = [
  ' ', '　', '\t', '\u00A0', '\u2002', '・', '･', '゠', '=', '＝', '·', 'ー', 'ｰ', '-', '－', '‐', '―', '−', '─', '〜', '～', '〰',
  '\u3099', '\u309A', '゛', '゜', 'ﾞ', 'ﾟ', 'ゝ', 'ゞ', 'ヽ', 'ヾ', 'ゟ', 'ヿ', 'ヴ', 'ゔ', 'ヷ', 'ヺ', 'ㇰ', 'ㇿ', 'ッ', 'ャ', 'ヵ', 'ヶ',
  '\u{E0100}', '\u{E01EF}', '\uFE00', '\uFE0F', '\uFEFF', '\u200B', '𠮷', '𠀋', '\uD842', '\uDFB7', '\uFA11', '\uFA6C', '\u2F3E',
  '髙', '﨑', '邉', '齋', '斎', '斉', '籐', '藤', '0', '１', 'a', 'Ｚ', "'", ',', '\u0001', '\u007F', '\u0085',
]
/** One code point (or lone surrogate), weighted towards what the normalisers treat specially. */
const unit = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 4 },
  { arbitrary: chr(0x3040, 0x30FF), weight: 6 },
  { arbitrary: chr(0xFF60, 0xFF9F), weight: 3 },
  { arbitrary: chr(0x4E00, 0x9FFF), weight: 3 },
  { arbitrary: chr(0xF900, 0xFAFF), weight: 1 },
  { arbitrary: chr(0x2E80, 0x2FDF), weight: 1 },
  { arbitrary: chr(0x2F800, 0x2FA1F), weight: 1 },
  { arbitrary: chr(0x20, 0x7E), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xFFFF }).map((c) => String.fromCharCode(c)), weight: 2 },
  { arbitrary: chr(0x10000, 0x10FFFF), weight: 1 },
)
const randomText = fc.string({ unit, maxLength: 14 })

// Realistic names: surnames and given names with readings, written the ways queries arrive.
const PEOPLE: Array<[string, string]> = [
  ['山田', 'ヤマダ'], ['佐藤', 'サトウ'], ['髙橋', 'タカハシ'], ['渡邉', 'ワタナベ'], ['山﨑', 'ヤマザキ'], ['齋藤', 'サイトウ'],
  ['大野', 'オオノ'], ['伊藤', 'イトウ'], ['小林', 'コバヤシ'], ['長谷川', 'ハセガワ'], ['𠮷田', 'ヨシダ'], ['葛\u{E0100}西', 'カサイ'],
  ['濱田', 'ハマダ'], ['近藤', 'コンドウ'], ['中島', 'ナカジマ'], ['藤原', 'フジワラ'], ['後藤', 'ゴトウ'], ['大塚', 'オオツカ'],
]
const GIVEN: Array<[string, string]> = [
  ['太郎', 'タロウ'], ['京子', 'キョウコ'], ['優子', 'ユウコ'], ['恵子', 'ケイコ'], ['翔太', 'ショウタ'], ['裕二', 'ユウジ'],
  ['さくら', 'サクラ'], ['ヴィクトル', 'ヴィクトル'], ['一郎', 'イチロウ'], ['陽菜', 'ヒナ'], ['修', 'オサム'], ['瑠璃', 'ルリ'],
]
const FULL = 'ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'
const HALF = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ'
function halfWidth(s: string): string {
  return [...s.normalize('NFD')].map((c) => c === '\u3099' ? 'ﾞ' : c === '\u309A' ? 'ﾟ' : FULL.includes(c) ? HALF[FULL.indexOf(c)]! : c).join('')
}
function hiragana(s: string): string {
  return s.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
}
const space = fc.constantFrom('', ' ', '　', '  ', ' 　', '\t')
const kanaStyle = fc.constantFrom<(s: string) => string>(
  (s) => s, hiragana, halfWidth, (s) => s.replace(/ウ/g, 'ー'), (s) => s.replace(/ョ/g, 'ヨ'), (s) => s.normalize('NFD'),
  (s) => s.replace(/ー/g, '－'),
)
const person = fc.tuple(fc.constantFrom(...PEOPLE), fc.constantFrom(...GIVEN), space, kanaStyle)
const realisticKana = person.map(([[, sk], [, gk], sp, style]) => style(sk) + sp + style(gk))
const realisticName = person.map(([[sn], [gn], sp, style]) => (Math.random() < 0.5 ? sn : halfWidth(sn)) + sp + (gn.match(/^[ァ-ヴー]+$/) ? style(gn) : gn))

function agree(field: Field, values: string[]): void {
  expect(wasm.normalize(field, values)).toEqual(reference.normalize(field, values))
}

describe('WASM and reference agree exactly', () => {
  for (const field of ['kana', 'name'] as Field[]) {
    it(`${field}: random Unicode`, () => {
      fc.assert(fc.property(fc.array(randomText, { maxLength: 40 }), (values) => agree(field, values)), RUNS)
    })
  }
  it('kana: realistic readings', () => {
    fc.assert(fc.property(fc.array(realisticKana, { maxLength: 40 }), (values) => agree('kana', values)), RUNS)
  })
  it('name: realistic names', () => {
    fc.assert(fc.property(fc.array(realisticName, { maxLength: 40 }), (values) => agree('name', values)), RUNS)
  })
})

describe('fold properties', () => {
  it('kana keys are idempotent: folding a key again gives the same key', () => {
    fc.assert(fc.property(fc.oneof(realisticKana, randomText), (s) => {
      const r = wasm.normalize('kana', [s])[0]!
      if ('error' in r) return
      const again = wasm.normalize('kana', [(r as { strict: string }).strict])[0] as { strict: string; loose: string; looser: string }
      expect(again.strict).toBe((r as { strict: string }).strict)
      const l2 = wasm.normalize('kana', [(r as { loose: string }).loose])[0] as { loose: string }
      expect(l2.loose).toBe((r as { loose: string }).loose)
    }), RUNS)
  })
  it('keys never depend on where the spaces are (between kana)', () => {
    fc.assert(fc.property(realisticKana, fc.nat(), (s, at) => {
      const bare = s.replace(/[\s　]/g, '')
      const i = at % (bare.length + 1)
      if (/^[\u3099\u309A゛゜ﾞﾟ]/.test(bare.slice(i))) return     // a mark belongs to the kana before it
      const spaced = bare.slice(0, i) + '　' + bare.slice(i)
      const [a, b] = wasm.normalize('kana', [bare, spaced]) as Array<{ strict: string; loose: string; looser: string }>
      expect([b!.strict, b!.loose, b!.looser]).toEqual([a!.strict, a!.loose, a!.looser])
    }), RUNS)
  })
})
