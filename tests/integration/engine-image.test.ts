// Index images (src/engine/image.ts, docs/store.md "Index image"): an engine restored from the
// image answers exactly like one built from rows, and a stale, foreign or damaged image is never
// trusted (the engine rebuilds from rows and rewrites it). Real LMDB, real WASM, generated data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { generateResidents } from '../../data/gen/residents-file.js'
import { generateQueries } from '../../data/gen/queries.js'
import { generateDelta } from '../../data/gen/delta.js'
import { buildSnapshot, type BuildSummary } from '../../src/store/build.js'
import { applyDelta } from '../../src/store/delta.js'
import { Engine } from '../../src/engine/engine.js'
import { readQueries } from '../../src/engine/evaluate.js'
import { imagePath, imageInfo, IMAGE_DIR } from '../../src/engine/image.js'
import type { Query } from '../../src/engine/types.js'

const run = promisify(execFile)
const tmp = mkdtempSync(join(tmpdir(), 'nayose-image-'))
const snap = join(tmp, 'snap')
let built: BuildSummary
let queries: Query[]

beforeAll(async () => {
  await generateResidents(join(tmp, 'r-synthetic.csv'), { n: 3000, seed: 7, sameNameRate: 0.003 })
  await generateQueries({ from: join(tmp, 'r-synthetic.csv'), n: 2500, seed: 3, out: join(tmp, 'q.csv'), truth: join(tmp, 't.csv') })
  await generateDelta({ from: join(tmp, 'r-synthetic.csv'), n: 300, seed: 5, out: join(tmp, 'd.csv') })
  queries = (await readQueries(join(tmp, 'q.csv'))).map((q) => q.query)
  // a few odd ones: ids only, name only, a bad date
  queries.push({ name: 'ヤマダ' }, { birth_date: '1970-13-45', name: '山田 太郎' }, { resident_id: '00000000000' })
  built = await buildSnapshot(join(tmp, 'r-synthetic.csv'), snap, { quiet: true })
}, 120_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Everything an answer says, for both engines. */
function answers(e: Engine): unknown[] {
  return e.matchDetailed(queries.map((q) => ({ ...q, limit: 16 })))
}

/** A copy of the snapshot directory (each case damages its own image). */
/** An engine opened on `dir` comes from its image and answers `expected`. */
function expectRestored(dir: string, expected: unknown[]): void {
  const e = Engine.openDir(dir)
  try {
    expect(e.loadInfo.from).toBe('image')
    expect(answers(e)).toEqual(expected)
  } finally {
    e.close()
  }
}

function copy(name: string): string {
  const d = join(tmp, name)
  cpSync(snap, d, { recursive: true })
  return d
}

/** Rewrites the header JSON of an image (valid CRC), e.g. to claim another WASM or version. */
function editHeader(path: string, edit: (h: Record<string, unknown>) => void): void {
  const b = readFileSync(path)
  const len = b.readUInt32LE(12)
  const h = JSON.parse(b.subarray(24, 24 + len).toString('utf8')) as Record<string, unknown>
  edit(h)
  const json = Buffer.from(JSON.stringify(h), 'utf8')
  expect(json.length).toBeLessThan(8192 - 24)
  const out = Buffer.from(b)
  out.fill(0, 24, 8192)
  json.copy(out, 24)
  out.writeUInt32LE(json.length, 12)
  out.writeUInt32LE(crc32(json), 16)
  writeFileSync(path, out)
}

describe('index image', () => {
  let fromRows: unknown[]

  beforeAll(() => {
    const e = Engine.openDir(snap, { image: 'off' })
    fromRows = answers(e)
    e.close()
  }, 60_000)

  it('is written by snapshot build', () => {
    expect(built.image?.path).toBe(imagePath(snap, built.version))
    expect(existsSync(imagePath(snap, built.version))).toBe(true)
    expect(imageInfo(snap, built.version).state).toBe('ok')
    expect(readdirSync(join(snap, IMAGE_DIR))).toEqual([`${built.version}.img`])
  })

  it('restores to an engine that answers exactly like one built from rows', () => {
    const rows = Engine.openDir(snap, { image: 'off' })
    const img = Engine.openDir(snap)
    try {
      expect(img.loadInfo.from).toBe('image')
      expect(rows.loadInfo.from).toBe('rows')
      expect(img.size).toEqual(rows.size)
      expect(img.stats).toEqual(rows.stats)
      const a = answers(img)
      expect(a.length).toBe(queries.length)
      expect(a).toEqual(fromRows)
      // something was actually matched, with candidates and several grades
      const grades = new Set(a.map((x) => (x as { result: { grade: string } }).result.grade))
      expect(grades.has('confirmed') && grades.has('none') && grades.has('error')).toBe(true)
      // the second batch on the restored engine (scratch reused) still agrees
      expect(answers(img)).toEqual(fromRows)
    } finally {
      rows.close(); img.close()
    }
  })

  it('postings are sorted by key, equal keys in ascending row order, and the bucket index is exact', () => {
    const e = Engine.openDir(snap, { image: 'off' })
    try {
      const c = (e as unknown as { matcher: { core: Record<string, any> } }).matcher.core
      const n = c.imageSaveState() as number
      const st = new Float64Array(c.memory.buffer, c.imageStatePtr(), n)
      // rows.ts saves 32 globals, then postings.ts: pKeys pRows nPostings bucketBits buckets shift
      const [pKeys, pRows, np, bits, buckets] = Array.from(st.slice(32, 37)) as [number, number, number, number, number]
      expect(np).toBe(e.size.postings)
      expect(bits).toBeGreaterThanOrEqual(16)
      const mem = c.memory.buffer as ArrayBuffer
      // keys are stored as their low 16 bits; the bucket (top `bits` bits) gives the rest
      const lo = new Uint16Array(mem, pKeys, np), rows = new Uint32Array(mem, pRows, np)
      const nb = 2 ** bits, low = 2 ** (32 - bits)
      const bk = new Uint32Array(mem, buckets, nb + 1)
      expect(bk[0]).toBe(0)
      expect(bk[nb]).toBe(np)
      const keys = new Float64Array(np)
      let bad = 0
      for (let b = 0; b < nb; b++) {
        if (bk[b]! > bk[b + 1]!) bad++
        for (let i = bk[b]!; i < bk[b + 1]!; i++) {
          // the u16's bits above the bucket's are the bucket's own low bits
          if (low < 65536 && Math.floor(lo[i]! / low) !== b % (65536 / low)) bad++
          keys[i] = b * low + (lo[i]! % low)
        }
      }
      expect(bad).toBe(0)
      for (let i = 1; i < np; i++) {
        if (keys[i - 1]! > keys[i]! || (keys[i - 1] === keys[i] && rows[i - 1]! > rows[i]!)) bad++
      }
      expect(bad).toBe(0)
      for (const r of rows) if (r >= e.size.rows) bad++
      expect(bad).toBe(0)
    } finally {
      e.close()
    }
  })

  const rebuilds = (name: string, damage: (path: string) => void, reason: string) => {
    it(`${name} → rebuilt from rows (${reason}), same answers, image rewritten`, async () => {
      const d = copy(name.replace(/\W+/g, '-'))
      const p = imagePath(d, built.version)
      damage(p)
      const e = Engine.openDir(d)
      try {
        expect(e.loadInfo.from).toBe('rows')
        expect(e.loadInfo.imageMiss).toBe(reason)
        // queries run while the image is written in the background (they only touch scratch)
        expect(answers(e)).toEqual(fromRows)
        expect(await e.imageWrite).toBe(p)
        expect(e.loadInfo.imageWritten).toBe(p)
        expect(answers(e)).toEqual(fromRows)
      } finally {
        e.close()
      }
      expectRestored(d, fromRows)
    }, 60_000)
  }

  rebuilds('missing image', (p) => rmSync(p), 'missing')
  rebuilds('image of another WASM build', (p) => editHeader(p, (h) => { h.wasm = '0'.repeat(64) }), 'other-wasm')
  rebuilds('image of another version', (p) => editHeader(p, (h) => { h.version = 'v9-00000000' }), 'other-version')
  rebuilds('one corrupted payload byte', (p) => {
    const b = readFileSync(p)
    const at = 8192 + Math.floor((b.length - 8192) * 0.6)
    b[at] = b[at]! ^ 0x10
    writeFileSync(p, b)
  }, 'bad-checksum')
  rebuilds('a corrupted header byte', (p) => {
    const b = readFileSync(p)
    b[30] = b[30]! ^ 0x01
    writeFileSync(p, b)
  }, 'bad-header')
  rebuilds('a truncated file', (p) => truncateSync(p, statSync(p).size - 4096), 'truncated')
  rebuilds('a file cut inside the header', (p) => truncateSync(p, 100), 'truncated')
  rebuilds('a file that is not an image', (p) => writeFileSync(p, Buffer.alloc(20000, 7)), 'bad-magic')

  it('an image copied under another version\'s name is not used for that version', () => {
    const d = copy('renamed')
    // pretend the image belongs to a later version: the file name changes, the header does not
    copyFileSync(imagePath(d, built.version), imagePath(d, 'v2-ffffffff'))
    expect(imageInfo(d, 'v2-ffffffff').state).toBe('other-version')
  })

  it('image: off neither reads nor writes; read never writes; rebuild rewrites', () => {
    const d = copy('modes')
    const p = imagePath(d, built.version)
    const before = statSync(p).mtimeMs
    const off = Engine.openDir(d, { image: 'off' })
    expect(off.loadInfo).toMatchObject({ from: 'rows', imageMiss: 'off' })
    expect(off.loadInfo.imageWritten).toBeUndefined()
    off.close()
    expect(statSync(p).mtimeMs).toBe(before)
    rmSync(p)
    const read = Engine.openDir(d, { image: 'read' })
    expect(read.loadInfo).toMatchObject({ from: 'rows', imageMiss: 'missing' })
    expect(read.loadInfo.imageWritten).toBeUndefined()
    read.close()
    expect(existsSync(p)).toBe(false)
    const re = Engine.openDir(d, { image: 'rebuild' })
    expect(re.loadInfo).toMatchObject({ from: 'rows', imageWritten: p })
    re.close()
  }, 60_000)

  it('a writer removes temp files that crashed or terminated writers left (older than 10 minutes)', () => {
    const d = copy('temps')
    const old = join(d, IMAGE_DIR, `${built.version}.img.tmp-1-0-deadbeef`), young = join(d, IMAGE_DIR, `${built.version}.img.tmp-2-0-cafebabe`)
    writeFileSync(old, 'partial'); writeFileSync(young, 'in progress')
    const past = new Date(Date.now() - 11 * 60_000)
    utimesSync(old, past, past)
    const e = Engine.openDir(d, { image: 'rebuild' })
    e.close()
    expect(existsSync(old)).toBe(false)
    expect(existsSync(young)).toBe(true)
  }, 60_000)

  it('snapshot delta writes the new version\'s image and deletes the old one', async () => {
    const d = copy('delta')
    const s = await applyDelta(d, join(tmp, 'd.csv'), { quiet: true })
    expect(s.applied).toBeGreaterThan(0)
    expect(s.image?.path).toBe(imagePath(d, s.version))
    expect(s.image?.pruned).toEqual([`${built.version}.img`])
    // the from-rows build ran in a worker thread: a server applying a delta keeps its event loop
    expect(s.image?.via).toBe('worker')
    expect(readdirSync(join(d, IMAGE_DIR))).toEqual([`${s.version}.img`])
    const rows = Engine.openDir(d, { image: 'off' })
    const img = Engine.openDir(d)
    try {
      expect(img.version).toBe(s.version)
      expect(img.loadInfo.from).toBe('image')
      expect(img.size).toEqual(rows.size)
      expect(answers(img)).toEqual(answers(rows))
    } finally {
      rows.close(); img.close()
    }
  }, 120_000)

  it('two writers at once (two processes) leave one valid image and no temp files', async () => {
    const d = copy('race')
    const bin = new URL('../../bin/nayose.js', import.meta.url).pathname
    const [a, b] = await Promise.all([
      run(process.execPath, [bin, 'snapshot', 'index', d, '--json']),
      run(process.execPath, [bin, 'snapshot', 'index', d, '--json']),
    ])
    for (const r of [a, b]) expect(JSON.parse(r.stdout).path).toBe(imagePath(d, built.version))
    expect(readdirSync(join(d, IMAGE_DIR))).toEqual([`${built.version}.img`])
    const info = JSON.parse((await run(process.execPath, [bin, 'snapshot', 'info', d, '--json'])).stdout)
    expect(info.version).toBe(built.version)
    expect(info.image).toMatchObject({ path: imagePath(d, built.version), state: 'ok' })
    const human = (await run(process.execPath, [bin, 'snapshot', 'info', d])).stdout
    expect(human).toMatch(/index image\s+ok, \d+ MB/)
    expectRestored(d, fromRows)
  }, 120_000)

  it('an encrypted snapshot has no image (no plaintext copy of its index)', async () => {
    const d = join(tmp, 'enc')
    const key = Buffer.alloc(32, 9).toString('hex')
    const s = await buildSnapshot(join(tmp, 'r-synthetic.csv'), d, { quiet: true, encryptionKey: key })
    expect(s.image).toEqual({ skipped: 'encrypted' })
    expect(existsSync(join(d, IMAGE_DIR))).toBe(false)
  }, 120_000)
})

