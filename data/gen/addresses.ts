/**
 * Addresses of synthetic residents: 都道府県 + (郡) + 市区町村 + 町字 from the source tables,
 * municipality drawn by population weight, town uniformly within it, then 丁目/番/号 or 番地,
 * sometimes a 方書 (building and room). Each municipality writes its addresses in one
 * registry-like notation (as one municipal system would), and notations differ between
 * municipalities: 漢数字 or digits for 丁目, spaces between the parts or none.
 */
import { AliasTable, hash32, type Rng } from './rng.js'
import type { Municipality, Tables } from './tables.js'
import { NayoseError } from '../../src/errors.js'

export interface Address {
  municipality: Municipality
  town: string
  /** 丁目 (0 = none), 番 or 番地, 号 or the number after の (0 = none) */
  chome: number
  ban: number
  go: number
  /** 方書: building and room, '' when none */
  rest: string
}

const KANJI_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (丁目 and 番地 in kanji). */
export function kanjiNumber(n: number): string {
  if (n < 10) return KANJI_DIGITS[n]!
  if (n < 100) {
    const t = Math.floor(n / 10), o = n % 10
    return (t === 1 ? '' : KANJI_DIGITS[t]!) + '十' + (o ? KANJI_DIGITS[o]! : '')
  }
  return [...String(n)].map((d) => KANJI_DIGITS[+d]!).join('')
}

const BUILDING_HEAD = ['グリーン', 'サン', 'メゾン', 'パーク', 'リバー', 'ロイヤル', 'フォレスト', 'エクセル', 'ベル', 'シャトー', 'ライオンズ', 'プラザ', 'セントラル', 'ハイム']
const BUILDING_TAIL = ['ハイツ', 'コーポ', 'マンション', 'レジデンス', '荘', 'アパート', 'ヴィラ', 'コート', 'ハウス', 'テラス']

interface Style { kanjiChome: boolean; spaced: boolean; banchi: boolean }

export interface AddressModelOptions {
  encodable?: (s: string) => boolean
  /**
   * Restrict addresses to an area: a prefix of the 6-digit municipality code (`13` 東京都,
   * `131041` 新宿区), a prefecture (`東京都`) or a municipality name (`新宿区`, `横浜市`: every ward).
   */
  area?: string
}

/** True when municipality `m` lies in `area` (see AddressModelOptions.area). */
export function inArea(m: Municipality, area: string): boolean {
  if (/^\d+$/.test(area)) return m.code.startsWith(area)
  return m.prefecture === area || m.city === area || m.city.startsWith(area) || m.prefecture + m.city === area
}

export class AddressModel {
  readonly #municipalities: Municipality[]
  readonly #table: AliasTable
  readonly #towns: Map<string, string[]>

  constructor(t: Tables, opts: AddressModelOptions = {}) {
    const ok = opts.encodable ?? (() => true)
    this.#towns = new Map()
    for (const [code, towns] of t.towns) {
      const kept = towns.filter((x) => ok(x))
      if (kept.length) this.#towns.set(code, kept)
    }
    const area = opts.area
    this.#municipalities = t.municipalities.filter((m) => this.#towns.has(m.code) && ok(m.prefecture + m.county + m.city) && (!area || inArea(m, area)))
    if (this.#municipalities.length === 0) throw new NayoseError('BAD_OPTION', `--area ${area}: no municipality matches`)
    this.#table = new AliasTable(this.#municipalities.map((m) => m.weight))
  }

  /** A new address: municipality by population weight, town uniform, numbers as the town's style. */
  draw(rng: Rng, inMunicipality?: Municipality): Address {
    const municipality = inMunicipality ?? this.#municipalities[this.#table.draw(rng)]!
    const town = rng.pick(this.#towns.get(municipality.code)!)
    const rural = town === '' || /^(大字|字)/.test(town) || /[町村]$/.test(municipality.city)
    // Whether a town is divided into 丁目 is a property of the town, not of the person.
    const hasChome = !rural && hash32(municipality.code + town) % 10 < 7
    let chome = 0, ban: number, go = 0
    if (hasChome) {
      chome = 1 + Math.min(rng.int(5), rng.int(8))
      ban = 1 + rng.int(30)
      go = 1 + rng.int(25)
    } else if (rural) {
      ban = 1 + Math.floor(rng.float() ** 2 * 3000)
      go = rng.chance(0.3) ? 1 + rng.int(12) : 0
    } else {
      ban = 1 + rng.int(60)
      go = 1 + rng.int(30)
    }
    let rest = ''
    if (rng.chance(rural ? 0.05 : 0.3)) {
      const name = rng.pick(BUILDING_HEAD) + rng.pick(BUILDING_TAIL) + (rng.chance(0.4) ? (town.replace(/^(大字|字)/, '') || municipality.city) : '')
      const floor = 1 + Math.min(rng.int(4), rng.int(12))
      const room = `${floor}0${1 + rng.int(8)}`
      rest = rng.chance(0.7) ? `${name}${room}号室` : `${name} ${room}`
    }
    return { municipality, town, chome, ban, go, rest }
  }

  /** Another address in the same municipality (a move within town), different from `a`. */
  nearby(rng: Rng, a: Address): Address {
    for (let i = 0; i < 10; i++) {
      const b = this.draw(rng, a.municipality)
      if (render(b) !== render(a)) return b
    }
    return { ...a, ban: a.ban + 1 }
  }
}

function styleOf(m: Municipality): Style {
  const h = hash32(m.code, 7)
  return { kanjiChome: h % 100 < 60, spaced: (h >>> 8) % 100 < 50, banchi: (h >>> 16) % 100 < 30 }
}

/** The registered address string in its municipality's notation. */
export function render(a: Address): string {
  const s = styleOf(a.municipality)
  const m = a.municipality
  let block: string
  if (a.chome) {
    block = `${s.kanjiChome ? kanjiNumber(a.chome) : a.chome}丁目${a.ban}${s.banchi ? '番地' : '番'}${a.go}${s.banchi ? '' : '号'}`
  } else if (a.town === '' || /^(大字|字)/.test(a.town) || /[町村]$/.test(m.city)) {
    block = `${a.ban}番地${a.go ? `${s.banchi ? 'の' : ''}${a.go}` : ''}`
  } else {
    block = `${a.ban}番${a.go}号`
  }
  const sep = s.spaced ? ' ' : ''
  const head = s.spaced ? [m.prefecture, m.county + m.city, a.town].filter(Boolean).join(' ') : m.prefecture + m.county + m.city + a.town
  return head + sep + block + (a.rest ? ' ' + a.rest : '')
}
