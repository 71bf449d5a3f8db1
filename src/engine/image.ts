/**
 * Index images: the matcher's built state (WASM linear memory up to the heap top + the state
 * globals of assembly/index/image.ts + the engine's SnapshotStats) saved per snapshot version, so
 * that an engine (a server worker, a collate worker, a reload) takes it over in a fraction of a
 * second instead of reading and indexing every row (docs/store.md "Index image").
 *
 * File `DIR/index/<version>.img`:
 *   0  8 bytes  magic `NAYOSIMG`
 *   8  u32      format (1)
 *   12 u32      header length (UTF-8 JSON at byte 24)
 *   16 u32      CRC-32 of the header JSON
 *   20 u32      payload offset (8192)
 *   24 …        header JSON: {format, layout, wasm, version, rows, live, postings, heapTop, state,
 *               stats, payload: {offset, bytes, checksum}, createdAt}
 *   8192 …      payload: linear memory [0, heapTop)
 * All integers little-endian. A file is used only when everything agrees: magic, format, header
 * CRC, the SHA-256 of the exact WASM binary this process runs, the snapshot version and row
 * count, the payload length (file size) and the payload checksum (the core's imageChecksum, 4 MiB
 * chunks chained, checked while reading: 3–4× cheaper than zlib's CRC-32 here). Anything
 * else is a miss: the engine builds from rows and writes a fresh file (temp name unique per
 * writer, fsync, atomic rename), so concurrent writers never expose a partial file.
 */
import { closeSync, fsyncSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync, readFileSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { threadId } from 'node:worker_threads'
import { crc32 } from 'node:zlib'
import type { WasmMatcher } from './codec.js'
import type { SnapshotStats } from './params.js'

export const IMAGE_FORMAT = 1
export const IMAGE_DIR = 'index'
export const IMAGE_SUFFIX = '.img'
const MAGIC = 'NAYOSIMG'
const FIXED = 24
const PAYLOAD_OFFSET = 8192
/** I/O and CRC chunk: small enough that the CRC reads bytes still in cache after the copy. */
const CHUNK = 4 << 20

/** What an image holds besides the memory. */
export interface ImageMeta {
  version: string
  /** Row numbers loaded (tombstones included), live rows, postings. */
  rows: number
  live: number
  postings: number
  stats: SnapshotStats
}

interface Header extends ImageMeta {
  format: number
  layout: number
  wasm: string
  heapTop: number
  state: number[]
  payload: { offset: number; bytes: number; checksum: number }
  createdAt: string
}

/** `DIR/index/<version>.img`. */
export function imagePath(dir: string, version: string): string {
  return join(dir, IMAGE_DIR, `${version}${IMAGE_SUFFIX}`)
}

let digest: string | undefined

/** SHA-256 (hex) of build/nayose.wasm, read once per thread (the binary src/wasm/load.ts compiles). */
export function wasmDigest(): string {
  if (!digest) {
    const here = fileURLToPath(import.meta.url)
    const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'))
    digest = createHash('sha256').update(readFileSync(`${root}/build/nayose.wasm`)).digest('hex')
  }
  return digest
}

/** Why an image was not used (`missing` is the ordinary first load). */
export type ImageMiss = 'missing' | 'bad-magic' | 'bad-format' | 'bad-header' | 'other-wasm' | 'other-version' | 'other-rows' | 'truncated' | 'bad-checksum' | 'bad-state' | 'read-error'

export class ImageMissError extends Error {
  constructor(readonly reason: ImageMiss, detail?: string) {
    super(`index image not used: ${reason}${detail ? ` (${detail})` : ''}`)
  }
}

function readFully(fd: number, view: Uint8Array, position: number): number {
  let done = 0
  while (done < view.length) {
    const n = readSync(fd, view, done, view.length - done, position + done)
    if (n <= 0) break
    done += n
  }
  return done
}

function writeFully(fd: number, view: Uint8Array, position: number): void {
  let done = 0
  while (done < view.length) done += writeSync(fd, view, done, view.length - done, position + done)
}

/** Opens an image file for reading; a missing or unreadable file is an ImageMissError. */
function openImage(path: string): number {
  try {
    return openSync(path, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ImageMissError('missing')
    throw new ImageMissError('read-error', (e as NodeJS.ErrnoException).code)
  }
}

/** Reads and checks the header of an image file (no payload). */
export function readImageHeader(path: string): Header {
  const fd = openImage(path)
  try {
    return headerOf(fd)
  } finally {
    closeSync(fd)
  }
}

function headerOf(fd: number): Header {
  const fixed = new Uint8Array(FIXED)
  if (readFully(fd, fixed, 0) < FIXED) throw new ImageMissError('truncated', 'header')
  if (Buffer.from(fixed.subarray(0, 8)).toString('latin1') !== MAGIC) throw new ImageMissError('bad-magic')
  const dv = new DataView(fixed.buffer)
  if (dv.getUint32(8, true) !== IMAGE_FORMAT) throw new ImageMissError('bad-format', String(dv.getUint32(8, true)))
  const len = dv.getUint32(12, true), crc = dv.getUint32(16, true), off = dv.getUint32(20, true)
  if (len > PAYLOAD_OFFSET - FIXED || off !== PAYLOAD_OFFSET) throw new ImageMissError('bad-header', 'lengths')
  const json = new Uint8Array(len)
  if (readFully(fd, json, FIXED) < len) throw new ImageMissError('truncated', 'header')
  if (crc32(json) !== crc) throw new ImageMissError('bad-header', 'checksum')
  let h: Header
  try {
    h = JSON.parse(Buffer.from(json).toString('utf8')) as Header
  } catch {
    throw new ImageMissError('bad-header', 'json')
  }
  if (h.format !== IMAGE_FORMAT || h.payload?.offset !== off || !Number.isSafeInteger(h.heapTop) || h.payload.bytes !== h.heapTop || !Array.isArray(h.state)) {
    throw new ImageMissError('bad-header', 'fields')
  }
  const size = fstatSync(fd).size
  if (size !== off + h.heapTop) throw new ImageMissError('truncated', `${size} bytes, expected ${off + h.heapTop}`)
  return h
}

/**
 * Restores an image into `m` (a fresh WasmMatcher: nothing loaded yet). Throws ImageMissError
 * when the file is missing, stale or damaged; `m` is then unusable (its memory was partly
 * overwritten) and the caller makes a new one.
 */
export function restoreImage(m: WasmMatcher, path: string, expect: { version: string; rows: number }): ImageMeta & { bytes: number; ms: number } {
  const t0 = performance.now()
  const fd = openImage(path)
  try {
    const h = headerOf(fd)
    if (h.wasm !== wasmDigest()) throw new ImageMissError('other-wasm')
    if (h.version !== expect.version) throw new ImageMissError('other-version', h.version)
    if (h.rows !== expect.rows) throw new ImageMissError('other-rows', String(h.rows))
    const c = m.core
    if (h.layout !== c.IMAGE_LAYOUT.value) throw new ImageMissError('bad-state', 'layout')
    // Grow once to the image plus room for the first queries' scratch (visited marks), so the
    // stub allocator does not double the memory.
    const have = c.memory.buffer.byteLength / 65536
    const want = Math.ceil((h.heapTop + h.rows * 4 + (1 << 20)) / 65536), need = Math.ceil((h.heapTop + 65536) / 65536)
    try {
      if (want > have) c.memory.grow(want - have)
    } catch {
      try {
        if (need > have) c.memory.grow(need - have)
      } catch {
        throw new ImageMissError('bad-state', 'memory')
      }
    }
    if (c.imageReserve(h.heapTop) < h.heapTop) throw new ImageMissError('bad-state', 'reserve')
    const mem = c.memory.buffer
    let sum = 0
    for (let at = 0; at < h.heapTop; at += CHUNK) {
      const view = new Uint8Array(mem, at, Math.min(CHUNK, h.heapTop - at))
      if (readFully(fd, view, h.payload.offset + at) < view.length) throw new ImageMissError('truncated', 'payload')
      sum = c.imageChecksum(at, view.length, sum) >>> 0
    }
    if (sum !== h.payload.checksum) throw new ImageMissError('bad-checksum')
    const st = new Float64Array(c.memory.buffer, c.imageStatePtr(), h.state.length)
    st.set(h.state)
    if (c.imageRestoreState(h.state.length) !== h.state.length) throw new ImageMissError('bad-state', 'globals')
    m.adoptImage()
    if (m.rows !== h.rows || m.postings !== h.postings) throw new ImageMissError('bad-state', 'counts')
    return { version: h.version, rows: h.rows, live: h.live, postings: h.postings, stats: h.stats, bytes: PAYLOAD_OFFSET + h.heapTop, ms: performance.now() - t0 }
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes the image of a loaded matcher atomically: `<path>.tmp-<pid>-<thread>-<random>`, fsync,
 * rename over `path`, fsync of the directory. Call before any query (the state is the loaded one).
 * Throws on I/O errors (the engine turns them into a warning).
 */
export function saveImage(m: WasmMatcher, dir: string, meta: ImageMeta): { path: string; bytes: number; ms: number } {
  const t0 = performance.now()
  const c = m.core
  const n = c.imageSaveState() as number
  const state = Array.from(new Float64Array(c.memory.buffer, c.imageStatePtr(), n))
  const heapTop = c.imageHeapTop() as number
  const mem = c.memory.buffer
  const folder = join(dir, IMAGE_DIR)
  mkdirSync(folder, { recursive: true })
  pruneStaleTemps(dir)
  const path = imagePath(dir, meta.version)
  const tmp = `${path}.tmp-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`
  const fd = openSync(tmp, 'wx', 0o600)
  let ok = false
  try {
    let sum = 0
    for (let at = 0; at < heapTop; at += CHUNK) {
      const view = new Uint8Array(mem, at, Math.min(CHUNK, heapTop - at))
      sum = c.imageChecksum(at, view.length, sum) >>> 0
      writeFully(fd, view, PAYLOAD_OFFSET + at)
    }
    const { fixed, json } = headerBytes(c, meta, heapTop, state, sum)
    writeFully(fd, fixed, 0)
    writeFully(fd, json, FIXED)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, path)
    ok = true
  } finally {
    if (!ok) {
      try { closeSync(fd) } catch { /* already closed */ }
      rmSync(tmp, { force: true })
    }
  }
  try {
    const dfd = openSync(folder, 'r')
    try { fsyncSync(dfd) } finally { closeSync(dfd) }
  } catch { /* directory fsync is best effort (not supported everywhere) */ }
  return { path, bytes: PAYLOAD_OFFSET + heapTop, ms: performance.now() - t0 }
}

/** The fixed part and the JSON of a header. */
function headerBytes(c: WasmMatcher['core'], meta: ImageMeta, heapTop: number, state: number[], sum: number): { fixed: Buffer; json: Buffer } {
  const h: Header = {
    format: IMAGE_FORMAT, layout: c.IMAGE_LAYOUT.value, wasm: wasmDigest(), ...meta, heapTop, state,
    payload: { offset: PAYLOAD_OFFSET, bytes: heapTop, checksum: sum }, createdAt: new Date().toISOString(),
  }
  const json = Buffer.from(JSON.stringify(h), 'utf8')
  if (json.length > PAYLOAD_OFFSET - FIXED) throw new Error('image header too large')
  const fixed = Buffer.alloc(FIXED)
  fixed.write(MAGIC, 0, 'latin1')
  fixed.writeUInt32LE(IMAGE_FORMAT, 8)
  fixed.writeUInt32LE(json.length, 12)
  fixed.writeUInt32LE(crc32(json), 16)
  fixed.writeUInt32LE(PAYLOAD_OFFSET, 20)
  return { fixed, json }
}

/**
 * As saveImage, without blocking: the state and heap top are taken now (call before any query);
 * then each 4 MiB chunk is copied and checksummed in one synchronous step and written
 * asynchronously, so queries may run meanwhile. They only touch scratch (static query buffers,
 * allocations above the heap top), which a restore never reads before rewriting; each chunk's
 * bytes and its checksum are the same copy, so the file always verifies.
 */
export async function saveImageAsync(m: WasmMatcher, dir: string, meta: ImageMeta): Promise<{ path: string; bytes: number; ms: number }> {
  const t0 = performance.now()
  const c = m.core
  const n = c.imageSaveState() as number
  const state = Array.from(new Float64Array(c.memory.buffer, c.imageStatePtr(), n))
  const heapTop = c.imageHeapTop() as number
  const folder = join(dir, IMAGE_DIR)
  const path = imagePath(dir, meta.version)
  const tmp = `${path}.tmp-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`
  const chunks: Buffer[] = []
  let sum = 0
  // the first chunk is taken synchronously, before the caller can run a query
  const take = (at: number): Buffer => {
    const len = Math.min(CHUNK, heapTop - at)
    const b = Buffer.from(new Uint8Array(c.memory.buffer, at, len))   // a copy
    sum = c.imageChecksum(at, len, sum) >>> 0
    return b
  }
  if (heapTop > 0) chunks.push(take(0))
  await fsp.mkdir(folder, { recursive: true })
  pruneStaleTemps(dir)
  const fh = await fsp.open(tmp, 'wx', 0o600)
  let ok = false
  try {
    for (let at = 0; at < heapTop; at += CHUNK) {
      const b = at === 0 ? chunks.pop()! : take(at)
      let done = 0
      while (done < b.length) done += (await fh.write(b, done, b.length - done, PAYLOAD_OFFSET + at + done)).bytesWritten
    }
    const { fixed, json } = headerBytes(c, meta, heapTop, state, sum)
    await fh.write(fixed, 0, fixed.length, 0)
    await fh.write(json, 0, json.length, FIXED)
    await fh.sync()
    await fh.close()
    await fsp.rename(tmp, path)
    ok = true
  } finally {
    if (!ok) {
      await fh.close().catch(() => {})
      await fsp.rm(tmp, { force: true })
    }
  }
  return { path, bytes: PAYLOAD_OFFSET + heapTop, ms: performance.now() - t0 }
}

/**
 * Deletes the images of every version but `keep`, and temp files of writers older than
 * `tmpAgeMs` (a crashed writer's). Returns the names removed. Errors are ignored (best effort).
 */
export function pruneImages(dir: string, keep: readonly string[], tmpAgeMs = 10 * 60_000): string[] {
  const folder = join(dir, IMAGE_DIR)
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return []
  }
  const keepNames = new Set(keep.map((v) => `${v}${IMAGE_SUFFIX}`))
  const removed: string[] = []
  const now = Date.now()
  for (const name of names) {
    const p = join(folder, name)
    try {
      if (name.includes(`${IMAGE_SUFFIX}.tmp-`)) {
        if (now - statSync(p).mtimeMs < tmpAgeMs) continue
      } else if (!name.endsWith(IMAGE_SUFFIX) || keepNames.has(name)) continue
      unlinkSync(p)
      removed.push(name)
    } catch { /* gone meanwhile, or not ours to delete */ }
  }
  return removed
}

/** Deletes temp files of writers older than `tmpAgeMs` (a crashed or terminated writer's). */
export function pruneStaleTemps(dir: string, tmpAgeMs = 10 * 60_000): void {
  const folder = join(dir, IMAGE_DIR)
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return
  }
  const now = Date.now()
  for (const name of names) {
    if (!name.includes(`${IMAGE_SUFFIX}.tmp-`)) continue
    const p = join(folder, name)
    try {
      if (now - statSync(p).mtimeMs >= tmpAgeMs) unlinkSync(p)
    } catch { /* gone meanwhile */ }
  }
}

/** What `snapshot info` shows about the image of `version` (never throws). */
export function imageInfo(dir: string, version: string): { path: string; state: 'ok' | ImageMiss; bytes?: number; createdAt?: string } {
  const path = imagePath(dir, version)
  try {
    const h = readImageHeader(path)
    if (h.wasm !== wasmDigest()) return { path, state: 'other-wasm', bytes: PAYLOAD_OFFSET + h.heapTop, createdAt: h.createdAt }
    if (h.version !== version) return { path, state: 'other-version' }
    return { path, state: 'ok', bytes: PAYLOAD_OFFSET + h.heapTop, createdAt: h.createdAt }
  } catch (e) {
    return { path, state: e instanceof ImageMissError ? e.reason : 'read-error' }
  }
}
