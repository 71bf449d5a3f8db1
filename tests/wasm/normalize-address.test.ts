// Address goldens and meet/apart pairs against both the WASM core (through the batch API) and the
// TS reference; properties (notation changes keep the key; numerals in names survive); a
// differential test of the two on realistic and random strings.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyUnit, table } from './golden-tables.js'
import { WasmNormalizer, type AddressResult, type Normalized } from '../../src/normalize/batch.js'
import * as reference from '../../src/normalize/reference/index.js'
import { kanjiFold } from '../../src/normalize/reference/address.js'


const isKanjiC = (c: number) => (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || c === 0x3005 || c === 0x3007
const isKanaC = (c: number) => (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) || c === 0x30FC
/** Kanji folded as names are, then the place-name particle rule of docs/normalize-fields.md step 1. */
function placeFold(name: string): string {
  const s = String.fromCodePoint(...[...name].map((ch) => kanjiFold(ch.codePointAt(0)!)).filter((c) => c >= 0))
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!, prev = out.charCodeAt(out.length - 1) || 0, next = s.charCodeAt(i + 1) || 0
    const afterName = isKanjiC(prev) || isKanaC(prev)
    if ('ケヶヵ'.includes(ch) && afterName && !isKanaC(next)) out += 'ヶ'
    else if ('がガ'.includes(ch) && afterName && isKanjiC(next)) out += 'ヶ'
    else if (ch === 'か' && isKanjiC(prev) && isKanjiC(next)) out += 'ヶ'
    else if ('のノ'.includes(ch) && isKanjiC(prev) && isKanjiC(next)) out += 'ノ'
    else out += ch
  }
  return out
}

const wasm = WasmNormalizer.create()
const impls: Array<[string, (values: string[]) => Normalized[]]> = [
  ['wasm', (v) => wasm.normalize('address', v)],
  ['reference', (v) => reference.normalize('address', v)],
]
const golden = table('../golden/address.tsv')
const meet = table('../cases/address-meet.tsv')
const apart = table('../cases/address-apart.tsv')

const KANJI = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九']
/** 0..999 in 漢数字 with units (二十三, 百五, 三百十). */
function kanjiNum(n: number): string {
  if (n === 0) return '〇'
  const h = Math.floor(n / 100), t = Math.floor(n / 10) % 10, o = n % 10
  return (h ? (h > 1 ? KANJI[h] : '') + '百' : '') + (t ? (t > 1 ? KANJI[t] : '') + '十' : '') + (o ? KANJI[o] : '')
}
const fwDigits = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xFEE0))

// Real municipality + 町字 pairs, some with numerals inside the name that must survive
const PLACES: Array<[string, string, string]> = [
  ['東京都', '千代田区', '霞が関'], ['東京都', '千代田区', '一番町'], ['東京都', '千代田区', '九段南'],
  ['東京都', '世田谷区', '三軒茶屋'], ['東京都', '八王子市', '元本郷町'], ['三重県', '四日市市', '諏訪町'],
  ['滋賀県', '東近江市', '八日市町'], ['神奈川県', '横浜市中区', '日本大通'], ['東京都', '目黒区', '自由が丘'],
  ['北海道', '札幌市中央区', '大通西'], ['新潟県', '十日町市', '本町'], ['静岡県', '浜松市浜北区', '貴布祢'],
]

it('has the hand-checked cases', () => {
  expect(golden.length).toBeGreaterThanOrEqual(50)
  expect(meet.length + apart.length).toBeGreaterThanOrEqual(50)
})

for (const [name, run] of impls) describe(name, () => {
  const got = run(golden.map((r) => r[0]!))
  it.each(golden.map((r, i) => [i + 1, r[0]!, r, got[i]] as const))('golden %i: %s', (_, _input, row, out) => {
    const [, key, prefecture, city, town, block, rest, prefCode] = row
    if (key!.startsWith('!')) expect(out).toEqual({ error: { code: key!.slice(1), message: expect.any(String) } })
    else expect(out).toEqual({ key, prefecture, city, town, block, rest, prefCode: Number(prefCode) })
  })

  const a = run(meet.map((r) => r[0]!)) as AddressResult[], b = run(meet.map((r) => r[1]!)) as AddressResult[]
  it.each(meet.map((r, i) => [r[0]!, r[1]!, i] as const))('%s meets %s', (_x, _y, i) => {
    expect(a[i]).toHaveProperty('key')
    expect(b[i]!.key).toBe(a[i]!.key)
  })
  const c = run(apart.map((r) => r[0]!)) as AddressResult[], d = run(apart.map((r) => r[1]!)) as AddressResult[]
  it.each(apart.map((r, i) => [r[0]!, r[1]!, i] as const))('%s stays apart from %s', (_x, _y, i) => {
    expect(c[i]).toHaveProperty('key')
    expect(d[i]!.key).not.toBe(c[i]!.key)
  })

  it('gives one key for every notation of the same 丁目-番地-号, and keeps names with numerals', () => {
    fc.assert(fc.property(fc.constantFrom(...PLACES), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 999 }),
      fc.integer({ min: 1, max: 120 }), fc.constantFrom('', ' ', '　'), fc.boolean(),
      ([pref, city, town], x, y, z, sp, withPref) => {
        const p = withPref ? pref : ''
        const forms = [
          `${p}${city}${town}${x}-${y}-${z}`,
          `${p}${sp}${city}${sp}${town}${sp}${x}丁目${y}番地${z}号`,
          `${p}${city}${town}${kanjiNum(x)}丁目${kanjiNum(y)}番${kanjiNum(z)}号`,
          `${p}${city}${town}${fwDigits(`${x}－${y}－${z}`)}`,
          `${p}${city}${town}${x}ー${y}ー${z}${sp || ' '}サンプルハイツ${z}号室`,
          `${p}${city}${town}${x}丁目${y}-${z}`,
          `${p}${city}${town}${x}−${y}の${z}`,
        ]
        const out = run(forms) as AddressResult[]
        for (const o of out) {
          expect(o.key).toBe(out[0]!.key)
          expect(o.block).toBe(`${x}-${y}-${z}`)
          expect(o.city).toBe(city)
        }
        expect(out[0]!.town.replace('ヶ', 'が')).toBe(town)   // 一番町, 八日市町, 三軒茶屋, 十日町市 intact
        expect(out[4]!.rest).toBe(`サンプルハイツ${z}号室`)
      }), { numRuns: 200 })
  })
})

describe('wasm and reference agree', () => {
  const unit = fc.constantFrom(...('0123456789０１２３４５６７８９-ー－‐―−〇一二三四五六七八九十百千丁目番地号のノ之ケヶがかヵ' +
    '大字郡都道府県市区町村条線割 　北海東京千代田霞関横浜中四日八王子府ABＦ室ビル' +
    '髙﨑嶋鹿島龍葛\u{E0100}\uFE00\uFA11ひばりさーケ第組内号〒').match(/./gsu)!)
  it('on strings of address characters', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit, maxLength: 30 }), { minLength: 1, maxLength: 40 }), (xs) => {
      expect(wasm.normalize('address', xs)).toEqual(reference.normalize('address', xs))
    }), { numRuns: 300 })
  })
  it('on municipality names followed by noise', () => {
    const cities = ['北海道札幌市中央区', '横浜市', '浜松市', '愛知郡', '府中市', '伊達市', '大阪', '東京', '京都市', '郡山市', '大和郡山市', '関ケ原町']
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...cities), fc.string({ unit, maxLength: 20 })).map(([c, s]) => c + s), { minLength: 1, maxLength: 40 }), (xs) => {
      expect(wasm.normalize('address', xs)).toEqual(reference.normalize('address', xs))
    }), { numRuns: 200 })
  })
  it('on arbitrary Unicode', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: anyUnit, maxLength: 40 }), { minLength: 1, maxLength: 40 }), (xs) => {
      expect(wasm.normalize('address', xs)).toEqual(reference.normalize('address', xs))
    }), { numRuns: 100 })
  })
  it('on a value longer than the item limit', () => {
    const long = '東京都千代田区霞が関' + '1'.repeat(1100)
    expect(wasm.normalize('address', [long])).toEqual(reference.normalize('address', [long]))
  })
})

describe('municipality table', () => {
  const rows = table('../../data/tables/municipalities.tsv')
  const PREFS = reference.normalize('address', ['北海道', '東京都', '沖縄県']).map((r) => (r as AddressResult).prefCode)
  /** 全国地方公共団体コード check digit: 11 − (Σ digit × 6,5,4,3,2 mod 11), last digit. */
  const codeOk = (c: string) => {
    const r = [...c.slice(0, 5)].reduce((s, d, i) => s + Number(d) * (6 - i), 0) % 11
    return (11 - r) % 10 === Number(c[5])
  }

  it('holds every municipality and designated-city ward with a valid code', () => {
    expect(PREFS).toEqual([1, 13, 47])
    expect(rows.length).toBeGreaterThanOrEqual(1890)
    expect(new Set(rows.map((r) => r[1])).size).toBe(47)
    expect(rows.every((r) => /^\d{6}$/.test(r[0]!) && codeOk(r[0]!))).toBe(true)
    expect(rows.filter((r) => /^横浜市.+区$/.test(r[2]!)).length).toBe(18)
    expect(rows.some((r) => r[2] === '横浜市')).toBe(false)
  })

  it('finds every row after its prefecture, in WASM and in the reference alike', () => {
    const inputs = rows.map((r) => `${r[1]}${r[2]}1-2-3`)
    const w = wasm.normalize('address', inputs) as AddressResult[]
    expect(reference.normalize('address', inputs)).toEqual(w)
    rows.forEach((r, i) => {
      expect(w[i]!.city).toBe(placeFold(r[2]!))
      expect(w[i]!.prefecture).toBe(r[1])
      expect(w[i]!.block).toBe('1-2-3')
    })
  })

  it('infers the prefecture from a city name only when it is unique', () => {
    const byName = new Map<string, Set<string>>()
    // Unique after folding: 鹿嶋市 (茨城) and 鹿島市 (佐賀) are one name once 嶋 = 島
    for (const r of rows) byName.set(placeFold(r[2]!), (byName.get(placeFold(r[2]!)) ?? new Set()).add(r[1]!))
    const w = wasm.normalize('address', rows.map((r) => `${r[2]}1`)) as AddressResult[]
    rows.forEach((r, i) => {
      const unique = byName.get(placeFold(r[2]!))!.size === 1
      expect(w[i]!.prefecture).toBe(unique ? r[1] : '')
    })
  })
})

describe('every town of data/tables/towns.tsv (KEN_ALL)', () => {
  const munis = new Map(table('../../data/tables/municipalities.tsv').map((r) => [r[0]!, r]))
  const towns = table('../../data/tables/towns.tsv')
  const K = '[\\u3400-\\u9FFF々〇]'
  const place = placeFold
  const kn = (k: string) => {
    let tot = 0, cur = 0
    for (const ch of k) {
      const d = '〇一二三四五六七八九'.indexOf(ch)
      if (d >= 0) cur = cur * 10 + d
      else { tot += (cur || 1) * (ch === '十' ? 10 : ch === '百' ? 100 : 1000); cur = 0 }
    }
    return String(tot + cur)
  }
  /** The town as the rules say it comes back (docs/normalize-fields.md, step 5). */
  const expectTown = (t: string) => place(t.replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)))
    .replace(/^大字/, '').replace(/^字/, '')
    .replace(/[〇一二三四五六七八九十百千]+(?=条|線|地割|区|組|町内)/g, kn).replace(/(?<=第)[〇一二三四五六七八九十百千]+/g, kn)
    .replace(new RegExp(`(?<=${K})字(?=${K})`, 'g'), (m, off: number, str: string) => (str[off - 1] === '十' ? m : ''))
  const inputs = towns.map(([code, town]) => `${munis.get(code!)![1]}${munis.get(code!)![2]}${town}1-2-3`)

  it('comes back with its town intact and block 1-2-3 (all but names that contain 丁目/番/号)', () => {
    expect(towns.length).toBeGreaterThan(100_000)
    const out = wasm.normalize('address', inputs) as AddressResult[]
    const bad = out.filter((o, i) => o.town !== expectTown(towns[i]![1]!) || o.block !== '1-2-3' ||
      o.prefecture !== munis.get(towns[i]![0]!)![1])
    expect(bad.length).toBeLessThanOrEqual(150)
  })

  it('gives the same parts in WASM and in the reference (every 7th town, three notations)', () => {
    const sample = towns.filter((_, i) => i % 7 === 0).flatMap(([code, town]) => {
      const m = munis.get(code!)!
      return [`${m[1]}${m[2]}${town}1-2-3`, `${m[2]}${town}三丁目十番地の五 ビル`, `${town}1番地`]
    })
    expect(wasm.normalize('address', sample)).toEqual(reference.normalize('address', sample))
  })
})
