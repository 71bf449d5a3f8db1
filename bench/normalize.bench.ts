// Normalisation throughput (BENCHMARKS.md, "Normalisation"). Seeded synthetic names and records,
// built here from small lists (no generator needed); every figure is a tinybench median.
//   (a) WASM kana fold, input already in linear memory (one 16 384-name batch, repeated)
//   (b) the batch path from JS strings, keys left in WASM memory (100 000 names)
//   (c) the TS reference (10 000 names: it is slow)
//   records: name + name_kana + birth_date + sex + address, WASM batch path vs reference
import { Bench } from 'tinybench'
import { WasmNormalizer, normalizeRecordsRaw, FIELD_IDS, COLUMN_FIELD, type RecordLike, type RecordColumn } from '../src/normalize/batch.js'
import * as reference from '../src/normalize/reference/index.js'

const N = 100_000
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500)

/** mulberry32: small, seeded, good enough to pick from lists. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SURNAMES: Array<[string, string]> = [
  ['佐藤', 'サトウ'], ['鈴木', 'スズキ'], ['高橋', 'タカハシ'], ['田中', 'タナカ'], ['伊藤', 'イトウ'], ['渡辺', 'ワタナベ'],
  ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'], ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'],
  ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'], ['井上', 'イノウエ'], ['木村', 'キムラ'], ['林', 'ハヤシ'],
  ['斎藤', 'サイトウ'], ['清水', 'シミズ'], ['山崎', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'],
  ['阿部', 'アベ'], ['石川', 'イシカワ'], ['山下', 'ヤマシタ'], ['中島', 'ナカジマ'], ['石井', 'イシイ'], ['小川', 'オガワ'],
  ['前田', 'マエダ'], ['岡田', 'オカダ'], ['長谷川', 'ハセガワ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'], ['近藤', 'コンドウ'],
  ['髙橋', 'タカハシ'], ['渡邉', 'ワタナベ'], ['山﨑', 'ヤマザキ'], ['齋藤', 'サイトウ'], ['濱田', 'ハマダ'], ['大野', 'オオノ'],
]
const GIVEN: Array<[string, string]> = [
  ['太郎', 'タロウ'], ['一郎', 'イチロウ'], ['翔太', 'ショウタ'], ['大輔', 'ダイスケ'], ['健太', 'ケンタ'], ['拓也', 'タクヤ'],
  ['直樹', 'ナオキ'], ['浩二', 'コウジ'], ['誠', 'マコト'], ['修', 'オサム'], ['蓮', 'レン'], ['陽翔', 'ハルト'],
  ['花子', 'ハナコ'], ['京子', 'キョウコ'], ['優子', 'ユウコ'], ['恵子', 'ケイコ'], ['美咲', 'ミサキ'], ['さくら', 'サクラ'],
  ['陽菜', 'ヒナ'], ['結衣', 'ユイ'], ['由美子', 'ユミコ'], ['裕子', 'ユウコ'], ['智子', 'トモコ'], ['真由美', 'マユミ'],
]
const FULL = 'ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン'
const HALF = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ'
const halfWidth = (s: string) => [...s.normalize('NFD')].map((c) => c === '\u3099' ? 'ﾞ' : c === '\u309A' ? 'ﾟ' : FULL.includes(c) ? HALF[FULL.indexOf(c)]! : c).join('')
const hiragana = (s: string) => s.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
const TOWNS = ['東京都千代田区千代田', '東京都世田谷区三軒茶屋', '大阪府大阪市北区梅田', '愛知県名古屋市中区栄', '北海道札幌市中央区北一条西',
  '福岡県福岡市博多区博多駅前', '三重県四日市市諏訪町', '東京都八王子市元本郷町', '神奈川県横浜市西区みなとみらい', '京都府京都市左京区岡崎']

/** Seeded synthetic records, written the ways real inputs arrive. */
export function syntheticRecords(n: number, seed = 1): Required<Pick<RecordLike, 'name' | 'name_kana' | 'birth_date' | 'sex' | 'address'>>[] {
  const r = rng(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!
  const out = []
  for (let i = 0; i < n; i++) {
    const [sn, sk] = pick(SURNAMES), [gn, gk] = pick(GIVEN)
    const u = r()
    const kana = u < 0.7 ? `${sk}　${gk}` : u < 0.85 ? hiragana(`${sk} ${gk}`) : u < 0.95 ? halfWidth(`${sk} ${gk}`) : sk + gk
    const y = 1930 + Math.floor(r() * 90), m = 1 + Math.floor(r() * 12), d = 1 + Math.floor(r() * 28)
    const v = r()
    const birth = v < 0.7 ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
      : v < 0.85 ? `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`
        : y >= 1990 && y <= 2018 ? `H${y - 1988}.${m}.${d}`
          : y >= 1927 && y <= 1988 ? `昭和${y - 1925}年${m}月${d}日` : `${y}/${m}/${d}`
    const addr = `${pick(TOWNS)}${1 + Math.floor(r() * 5)}丁目${1 + Math.floor(r() * 30)}番${1 + Math.floor(r() * 20)}号`
    out.push({ name: r() < 0.8 ? `${sn}　${gn}` : `${sn} ${gn}`, name_kana: kana, birth_date: birth, sex: r() < 0.5 ? '1' : '2', address: addr })
  }
  return out
}

interface Row { label: string; perOp: number; unit: string; cpuUs: number; runs: number }

export async function run(): Promise<void> {
  // Round-trip through JSON so the strings are flat, as they arrive from a CSV or msgpack
  // parser (template-literal concatenations are rope strings, slower to read per character).
  const records = JSON.parse(JSON.stringify(syntheticRecords(N))) as ReturnType<typeof syntheticRecords>
  const kana = records.map((x) => x.name_kana!)
  const names = records.map((x) => x.name!)
  const n = WasmNormalizer.create()

  // (a) one full batch resident in linear memory: only normalizeBatch is timed. Filled again
  // right before the task runs (every other case overwrites inChars).
  const core = n.core
  const resident = kana.slice(0, n.maxBatch)
  const fillResident = () => {
    const chars = new Uint16Array(core.memory.buffer, core.inCharsPtr(), n.inCapUnits)
    const offsets = new Int32Array(core.memory.buffer, core.inOffsetsPtr(), n.maxBatch + 1)
    let pos = 0
    resident.forEach((s, i) => { offsets[i] = pos; for (let j = 0; j < s.length; j++) chars[pos++] = s.charCodeAt(j) })
    offsets[resident.length] = pos
  }
  fillResident()
  const KANA = FIELD_IDS.kana
  {
    // Sanity for (a): the resident batch really folds (item 0's loose key = the reference's).
    core.normalizeBatch(KANA, resident.length)
    const slots = new Int32Array(core.memory.buffer, core.outSlotsPtr(), 4)
    const got = String.fromCharCode(...new Uint16Array(core.memory.buffer, core.outCharsPtr() + slots[2]! * 2, slots[3]!))
    const want = (reference.normalize('kana', [resident[0]!])[0] as { loose: string }).loose
    if (got !== want) throw new Error('sanity: resident batch did not fold as the reference does')
  }
  const refKana = kana.slice(0, 10_000)
  const refRecords = records.slice(0, 10_000)
  const COLS: RecordColumn[] = ['name', 'name_kana', 'birth_date', 'sex', 'address']
  let sink = 0

  const bench = new Bench({ time: TIME_MS, warmupTime: 200 })
  const rows: Row[] = []
  const add = (label: string, perOp: number, unit: string, fn: () => void, beforeAll?: () => void) => {
    // CPU time (user + system of this process) beside tinybench's wall-clock median: on a
    // shared machine the wall clock also counts the time other processes held the core.
    const row: Row = { label, perOp, unit, cpuUs: 0, runs: 0 }
    rows.push(row)
    bench.add(label, () => {
      const c0 = process.cpuUsage()
      fn()
      const c = process.cpuUsage(c0)
      row.cpuUs += c.user + c.system
      row.runs++
    }, beforeAll ? { beforeAll } : {})
  }
  add('(a) kana fold, WASM, input already in linear memory', resident.length, 'names', () => { sink += core.normalizeBatch(KANA, resident.length) }, fillResident)
  add('(b) kana fold, batch path from JS strings, keys left in WASM', N, 'names', () => { sink += n.normalizeInto('kana', kana) })
  add('(c) kana fold, TS reference', refKana.length, 'names', () => { sink += reference.normalize('kana', refKana).length })
  add('name key (variant fold), batch path from JS strings', N, 'names', () => { sink += n.normalizeInto('name', names) })
  add('name key, TS reference', refKana.length, 'names', () => { sink += reference.normalize('name', names.slice(0, 10_000)).length })
  add('records (name, kana, date, sex, address), batch path', N, 'records', () => { sink += normalizeRecordsRaw(records, undefined, { normalizer: n, columns: COLS }) })
  add('records (name, kana, date, sex, address), TS reference', refRecords.length, 'records', () => {
    for (const c of COLS) sink += reference.normalize(c === 'name_kana' ? 'kana' : c === 'birth_date' ? 'date' : c as 'name', refRecords.map((x) => x[c as 'name']!)).length
  })

  // Sanity before timing: the synthetic data must normalise without errors.
  const bad = normalizeRecordsRaw(records.slice(0, 1000), undefined, { normalizer: n, columns: COLS })
  for (const c of COLS) {
    const t0 = performance.now()
    n.normalizeInto(COLUMN_FIELD[c], records.map((x) => x[c as 'name']!))
    process.stderr.write(`bench: ${c}: ${((performance.now() - t0) * 1e6 / N).toFixed(0)} ns/value (one cold pass)\n`)
  }
  if (bad !== 5000) process.stderr.write(`bench: warning: only ${bad} of 5000 sample values normalised without error\n`)

  await bench.run()
  process.stdout.write(`${N} seeded synthetic names/records; tinybench medians, ${TIME_MS} ms per case\n\n`)
  process.stdout.write('| case | per op | median wall ms/op | median items/s | wall ns/item | CPU ns/item (mean) | items/CPU-s |\n|---|---:|---:|---:|---:|---:|---:|\n')
  bench.tasks.forEach((t, i) => {
    const row = rows[i]!
    const res = t.result as { latency?: { p50: number } }
    if (!res.latency) { process.stdout.write(`| ${row.label} | failed | | | | | |\n`); return }
    const ms = res.latency.p50
    const perSec = row.perOp / (ms / 1000)
    const cpuNs = (row.cpuUs * 1000) / (row.runs * row.perOp)
    process.stdout.write(`| ${row.label} | ${row.perOp} ${row.unit} | ${ms.toFixed(3)} | ${fmt(perSec)} ${row.unit}/s | ${((ms * 1e6) / row.perOp).toFixed(1)} | ${cpuNs.toFixed(1)} | ${fmt(1e9 / cpuNs)} ${row.unit}/s |\n`)
  })
  if (sink === 0) throw new Error('sanity: nothing normalised')
}

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)} k` : x.toFixed(0)
}
