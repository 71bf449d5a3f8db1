// Instantiates the AssemblyScript core. One compiled Module per process, one Instance per
// user (each snapshot version gets its own instance, so dropping a version frees its memory).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { WasmAbortError } from '../errors.js'

let compiled: WebAssembly.Module | undefined

/** The compiled core, compiled once per process (worker threads compile their own). */
export function wasmModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer
    try {
      bytes = readFileSync(wasmPath())
    } catch (cause) {
      throw new WasmAbortError('WASM_MISSING', `WASM core not built at ${wasmPath()}: run \`npm run build\``, { cause })
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes))
  }
  return compiled
}

function wasmPath(): string {
  // Works both from src/ (vitest, ts) and dist/src/ (compiled): build/ sits at the repository root.
  const here = fileURLToPath(import.meta.url)
  const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'))
  return `${root}/build/nayose.wasm`
}

/** Exports of the core; see assembly/index.ts. Pointers are byte offsets into `memory`. */
export type CoreExports = WebAssembly.Exports & { memory: WebAssembly.Memory } & Record<string, any>

/** A fresh instance with its own linear memory. */
export function instantiate(): CoreExports {
  let memory: WebAssembly.Memory | undefined
  const imports = {
    env: {
      abort(msgPtr: number, filePtr: number, line: number, col: number) {
        const msg = memory ? readAsString(memory, msgPtr) : '?'
        const file = memory ? readAsString(memory, filePtr) : '?'
        throw new WasmAbortError('WASM_ABORT', `${msg} at ${file}:${line}:${col}`)
      },
      trace(msgPtr: number, n: number, ...args: number[]) {
        if (memory) process.stderr.write(`trace: ${readAsString(memory, msgPtr)} ${args.slice(0, n).join(', ')}\n`)
      },
      seed() { return Date.now() },
    },
  }
  const instance = new WebAssembly.Instance(wasmModule(), imports)
  const exports = instance.exports as CoreExports
  memory = exports.memory
  return exports
}

/** Reads an AssemblyScript string (length in bytes at ptr-4, UTF-16 after). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return ''
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0]!
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1))
}

/** Typed-array views on a region; rebuild after memory.grow (it detaches every view). */
export class Views {
  #memory: WebAssembly.Memory
  #buffer: ArrayBuffer
  constructor(memory: WebAssembly.Memory) {
    this.#memory = memory
    this.#buffer = memory.buffer
  }
  /** True when memory grew since the views were made: callers must rebuild theirs. */
  get stale(): boolean { return this.#buffer !== this.#memory.buffer }
  refresh(): void { this.#buffer = this.#memory.buffer }
  u16(ptr: number, length: number): Uint16Array { return new Uint16Array(this.#memory.buffer, ptr, length) }
  i32(ptr: number, length: number): Int32Array { return new Int32Array(this.#memory.buffer, ptr, length) }
  u32(ptr: number, length: number): Uint32Array { return new Uint32Array(this.#memory.buffer, ptr, length) }
  f64(ptr: number, length: number): Float64Array { return new Float64Array(this.#memory.buffer, ptr, length) }
  u8(ptr: number, length: number): Uint8Array { return new Uint8Array(this.#memory.buffer, ptr, length) }
}
