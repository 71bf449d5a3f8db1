#!/usr/bin/env node
// Extracts the kanji variant table (異体字 → 正字) for registry matching from the IPA MJ data
// shipped in the npm package @mandel59/mojidata, and writes data/tables/kanji-variants.tsv.
//
//   node data/build/kanji-variants.mjs            # fetches the package into data/scratch/mojidata/
//   node data/build/kanji-variants.mjs --check    # also cross-checks against SKK-JISYO.itaiji
//
// Relations kept (see data/README.md "Kanji variants"):
//   koseki  MJ縮退マップ「戸籍統一文字情報_親字・正字」: an MJ glyph and its 親字/正字 in the
//           戸籍統一文字 data. An MJ glyph with several targets that are otherwise unrelated
//           (㕍 → 堆 and 雁) is ambiguous and skipped.
//   2842    MJ縮退マップ「民一2842号通達 誤字俗字・正字一覧表（無印）」, only for the pairs that the
//           koseki relation misses and that are listed in SUPPLEMENT below (槇/槙, 藪/薮): a
//           registry document saying the two are the same character for 戸籍 purposes.
// Not kept: 辞書類等による関連字 and 読み字形による類推 (they chain 籐 into 藤), 法務省告示582号
// 別表第四 (a many-to-many candidate list), JIS包摂規準 (glyph unification, no new pairs),
// Unihan and cjkvi lists.
//
// The package is fetched into data/scratch/mojidata/ (git-ignored), never into the project's
// dependencies: `npm ci` does not download it. Its own subfolder keeps other scratch installs
// (which prune with --no-save) from removing it.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const MOJIDATA = '@mandel59/mojidata@1.8.1'
const SQLJS = 'sql.js@1.13.0'
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const scratch = join(root, 'data', 'scratch', 'mojidata')
const dbPath = join(scratch, 'node_modules', '@mandel59', 'mojidata', 'dist', 'moji.db')
const outPath = join(root, 'data', 'tables', 'kanji-variants.tsv')

/** Pairs that must be folded together: [variant, canonical]. The script fails if one is missing. */
export const REQUIRED = [
  ['髙', '高'], ['﨑', '崎'], ['嵜', '崎'], ['邉', '辺'], ['邊', '辺'], ['齋', '斎'], ['齊', '斉'],
  ['濱', '浜'], ['澤', '沢'], ['廣', '広'], ['德', '徳'], ['嶋', '島'], ['嶌', '島'], ['櫻', '桜'],
  ['國', '国'], ['眞', '真'], ['冨', '富'], ['龍', '竜'], ['瀨', '瀬'], ['渕', '淵'], ['曾', '曽'],
  ['槇', '槙'], ['藪', '薮'], ['惠', '恵'], ['寬', '寛'], ['黑', '黒'], ['舘', '館'],
]
/** Pairs that must never meet. */
export const FORBIDDEN = [['斎', '斉'], ['籐', '藤'], ['齋', '齊'], ['崎', '埼'], ['﨑', '埼'], ['匡', '往'], ['莫', '草'], ['已', '以']]
/** Pairs taken from the 2842号通達 table because the 親字・正字 relation lacks them. */
const SUPPLEMENT = [['槇', '槙'], ['藪', '薮']]

function install() {
  if (existsSync(dbPath)) return
  mkdirSync(scratch, { recursive: true })
  console.error(`kanji-variants: installing ${MOJIDATA} and ${SQLJS} into data/scratch/mojidata`)
  // --ignore-scripts: mojidata's install hook runs `npx only-allow pnpm`, which fails under npm.
  execFileSync('npm', ['i', '--prefix', scratch, '--no-save', '--ignore-scripts', '--no-audit',
    '--no-fund', MOJIDATA, SQLJS], { stdio: 'inherit' })
}

function rows(db, sql) {
  const r = db.exec(sql)
  return r.length ? r[0].values : []
}

const cp = (s) => s.codePointAt(0)
// CJK compatibility ideographs that NFKC maps to a unified one (欄 U+F91D) are folded before the
// variant table is consulted, so the table holds their unified form; 﨑 (U+FA11) is unified and stays.
const nfkc = (s) => { const m = s.normalize('NFKC'); return [...m].length === 1 ? m : s }
const isChar = (s) => typeof s === 'string' && s.length > 0 && [...s].length === 1 &&
  cp(s) < 0x40000 && !(cp(s) >= 0xe000 && cp(s) < 0xf900)

async function main() {
  install()
  const require = createRequire(join(scratch, 'package.json'))
  const initSqlJs = require('sql.js')
  const SQL = await initSqlJs()
  const db = new SQL.Database(readFileSync(dbPath))

  // --- edges of the 親字・正字 relation, grouped per MJ glyph
  const perGlyph = new Map()
  for (const [mj, ucs, impl, target, hop] of rows(db, `
      select s.MJ文字図形名, m.対応するUCS, m.実装したUCS, s.縮退UCS, s.ホップ数
      from mjsm_戸籍統一文字情報_親字正字 s join mji m using (MJ文字図形名)`)) {
    let g = perGlyph.get(mj)
    if (!g) perGlyph.set(mj, g = { srcs: new Set(), targets: new Set(), hop })
    g.hop = Math.min(g.hop, hop)
    for (const s of [ucs, impl]) if (isChar(s)) g.srcs.add(nfkc(s))
    if (isChar(target)) g.targets.add(nfkc(target))
  }

  // --- union-find. Two 常用漢字 are never the same character for our purposes (着/著, 売/殻, 帥/師
  // meet only through rare glyphs), so a union that would put two of them in one class is refused.
  const joyo = new Set(rows(db, 'select distinct 漢字 from joyo').map((r) => r[0]))
  const parent = new Map()
  const joyoOf = new Map() // root → the 常用漢字 in its class
  const find = (x) => {
    if (!parent.has(x)) { parent.set(x, x); if (joyo.has(x)) joyoOf.set(x, x) }
    let r = x
    while (parent.get(r) !== r) r = parent.get(r)
    while (parent.get(x) !== r) { const n = parent.get(x); parent.set(x, r); x = n }
    return r
  }
  const refused = []
  const union = (a, b, why) => {
    const ra = find(a), rb = find(b)
    if (ra === rb) return true
    const ja = joyoOf.get(ra), jb = joyoOf.get(rb)
    if (ja && jb) { refused.push(`${why} ${a}→${b} (${ja}≠${jb})`); return false }
    parent.set(ra, rb)
    if (ja) joyoOf.set(rb, ja)
    return true
  }
  const relation = new Map() // char → relation name that brought it in

  // A glyph's own code point among its targets means the glyph is its own 正字: it must not bridge
  // to its other targets (藁 → 藁, 稿). Then the glyphs are grouped by code point, because several
  // MJ glyphs can share one (迬 is one glyph under 匡 and another under 往): a code point with
  // several targets joins only when they already meet (邉 → 辺, 邊), else it would bridge two
  // characters kept apart (㕍 → 堆, 雁; 迬 → 匡, 往).
  const skipped = []
  const bySrc = new Map() // code point → { targets, hop, mjs }
  for (const [mj, g] of perGlyph) {
    if (g.targets.size === 0) continue
    if ([...g.srcs].some((x) => g.targets.has(x))) {
      if (g.targets.size > 1) skipped.push(`${mj} ${[...g.srcs].join('')}→${[...g.targets].join('')} (self)`)
      continue
    }
    for (const x of g.srcs) {
      let e = bySrc.get(x)
      if (!e) bySrc.set(x, e = { targets: new Set(), hop: g.hop, mjs: [] })
      for (const t of g.targets) e.targets.add(t)
      e.hop = Math.min(e.hop, g.hop)
      e.mjs.push(mj)
    }
  }
  const sources = [...bySrc].sort((a, b) => a[1].hop - b[1].hop || cp(a[0]) - cp(b[0]))
  const joinSrc = (x, e) => {
    if (union(x, [...e.targets][0], e.mjs.join(','))) relation.set(x, 'koseki')
  }
  let pending = []
  for (const [x, e] of sources) {
    if (e.targets.size === 1) joinSrc(x, e)
    else pending.push([x, e])
  }
  for (let changed = true; changed;) {
    changed = false
    const next = []
    for (const [x, e] of pending) {
      if (new Set([...e.targets].map(find)).size === 1) { joinSrc(x, e); changed = true } else next.push([x, e])
    }
    pending = next
  }
  for (const [x, e] of pending) skipped.push(`${e.mjs.join(',')} ${x}→${[...e.targets].join('')}`)

  // --- supplement from 民一2842号通達 誤字俗字・正字一覧表（無印）, checked to be present there
  const t2842 = new Set(rows(db, `
      select m.対応するUCS || '>' || s.縮退UCS
      from mjsm_民一2842号通達別表_誤字俗字正字一覧表_無印 s join mji m using (MJ文字図形名)`).map((r) => r[0]))
  for (const [a, b] of SUPPLEMENT) {
    if (!t2842.has(`${a}>${b}`) && !t2842.has(`${b}>${a}`)) throw new Error(`2842 table lacks ${a}/${b}`)
    if (find(a) !== find(b) && union(a, b, '2842')) relation.set(a, '2842')
  }

  // --- canonical member: what a modern reader writes
  const jinmei = new Set(rows(db, 'select UCS from unihan_kJinmeiyoKanji').map((r) => r[0]))
  const jis = new Map(rows(db, 'select UCS, value from unihan_kJis0').map((r) => [r[0], Number(r[1])]))
  const strokes = new Map(rows(db, `select 対応するUCS, min(総画数) from mji where 対応するUCS is not null group by 1`))
  const rank = (c) => {
    const row = jis.has(c) ? Math.floor(jis.get(c) / 100) : 0
    const l1 = row >= 16 && row <= 47, l2 = row >= 48 && row <= 84
    if (joyo.has(c)) return 0
    if (l1 && jinmei.has(c)) return 1
    if (l1) return 2
    if (jinmei.has(c)) return 3
    if (l2) return 4
    return cp(c) < 0x10000 ? 5 : 6
  }
  const classes = new Map()
  for (const c of parent.keys()) {
    const r = find(c)
    let m = classes.get(r)
    if (!m) classes.set(r, m = [])
    m.push(c)
  }
  const canon = new Map()
  const multiJoyo = []
  for (const members of classes.values()) {
    members.sort((a, b) => rank(a) - rank(b) || (strokes.get(a) ?? 99) - (strokes.get(b) ?? 99) || cp(a) - cp(b))
    if (members.filter((c) => joyo.has(c)).length > 1) multiJoyo.push(members.join(''))
    for (const c of members) canon.set(c, members[0])
  }

  // --- checks
  const problems = []
  for (const [v, c] of REQUIRED) {
    if (canon.get(v) !== c) problems.push(`required ${v}→${c} but got ${canon.get(v) ?? '(none)'}`)
  }
  for (const [a, b] of FORBIDDEN) {
    if ((canon.get(a) ?? a) === (canon.get(b) ?? b)) problems.push(`forbidden ${a}=${b}`)
  }
  const sizes = [...classes.values()].map((m) => m.length).sort((a, b) => b - a)
  console.error(`kanji-variants: ${perGlyph.size} MJ glyphs with 親字・正字 relations, ` +
    `${skipped.length} ambiguous glyphs or code points skipped, ${classes.size} classes, largest ${sizes.slice(0, 5).join(',')}`)
  console.error(`kanji-variants: classes with more than one 常用漢字: ${multiJoyo.length}` +
    (multiJoyo.length ? ` (${multiJoyo.slice(0, 20).join(' ')})` : ''))
  console.error(`kanji-variants: coverage of required pairs: ${REQUIRED.length - problems.filter((p) => p.startsWith('required')).length}/${REQUIRED.length}`)
  console.error(`kanji-variants: ${refused.length} unions refused (two 常用漢字)`)
  if (process.argv.includes('--verbose')) {
    for (const s of skipped) console.error(`  skipped ${s}`)
    for (const s of refused) console.error(`  refused ${s}`)
  }

  // --- output
  const out = []
  for (const [c, k] of canon) if (c !== k) out.push([c, k, relation.get(c) ?? 'koseki'])
  out.sort((a, b) => cp(a[0]) - cp(b[0]))
  const version = JSON.parse(readFileSync(join(scratch, 'node_modules', '@mandel59', 'mojidata', 'package.json'), 'utf8')).version
  const text = [
    '# Kanji variant table (異体字 → 正字) for registry matching. Generated by data/build/kanji-variants.mjs.',
    `# Source: IPA 文字情報基盤 MJ文字情報一覧表 and MJ縮退マップ, via npm @mandel59/mojidata ${version} (dist/moji.db).`,
    '# Relations: koseki = MJ縮退マップ 戸籍統一文字情報_親字・正字 (union-find over its pairs);',
    '#            2842 = 民一2842号通達 誤字俗字・正字一覧表 (無印), only 槇/槙 and 藪/薮.',
    '# Canonical: 常用漢字 > 人名用漢字 in JIS level 1 > JIS level 1 > 人名用漢字 > JIS level 2 > other.',
    '# Licence: CC BY-SA 2.1 JP, © Information-technology Promotion Agency, Japan (IPA). See NOTICE-MJ.md.',
    'variant\tcanonical\trelation',
    ...out.map((r) => r.join('\t')),
  ].join('\n') + '\n'
  writeFileSync(outPath, text)
  console.error(`kanji-variants: wrote ${out.length} rows to data/tables/kanji-variants.tsv`)

  if (process.argv.includes('--check')) crossCheck(canon, (c) => jis.has(c))
  if (problems.length) {
    for (const p of problems) console.error(`kanji-variants: ${p}`)
    process.exit(1)
  }
}

/** Agreement with Debian's public-domain SKK-JISYO.itaiji (skkdic-extra). */
function crossCheck(canon, inJis0208) {
  const path = '/usr/share/skk/SKK-JISYO.itaiji'
  if (!existsSync(path)) { console.error(`kanji-variants: ${path} not found, no cross-check`); return }
  const require = createRequire(import.meta.url)
  const iconv = require('iconv-lite')
  const text = iconv.decode(readFileSync(path), 'EUC-JP')
  const isKanji = (c) => /\p{Script=Han}/u.test(c)
  const pairs = new Set()
  for (const line of text.split('\n')) {
    if (line.startsWith(';') || !line.trim()) continue
    const sp = line.indexOf(' ')
    const head = line.slice(0, sp)
    if ([...head].length !== 1 || !isKanji(head)) continue
    for (const c of line.slice(sp + 1).split('/')) {
      if ([...c].length === 1 && isKanji(c) && c !== head) pairs.add(head < c ? `${head}${c}` : `${c}${head}`)
    }
  }
  let both = 0, agree = 0
  const inTable = []
  for (const p of pairs) {
    const [a, b] = [...p]
    if (!canon.has(a) && !canon.has(b)) continue
    both++
    if ((canon.get(a) ?? a) === (canon.get(b) ?? b)) agree++
    else inTable.push(p)
  }
  const ourPairs = new Set()
  for (const [c, k] of canon) if (c !== k) ourPairs.add(c < k ? `${c}${k}` : `${k}${c}`)
  let found = 0, within = 0
  for (const p of ourPairs) {
    const [a, b] = [...p]
    if (!inJis0208(a) || !inJis0208(b)) continue
    within++
    if (pairs.has(p)) found++
  }
  console.error(`kanji-variants: SKK-JISYO.itaiji has ${pairs.size} kanji pairs; ${both} touch a character ` +
    `of our table, of which ${agree} (${(100 * agree / both).toFixed(1)}%) are folded together by it`)
  console.error(`kanji-variants: of our ${within} variant→canonical pairs within JIS X 0208 (its scope), ${found} ` +
    `(${(100 * found / within).toFixed(1)}%) are listed by SKK-JISYO.itaiji`)
  if (process.argv.includes('--verbose')) console.error(`  itaiji pairs kept apart: ${inTable.slice(0, 200).join(' ')}`)
}

await main()
