// Loading uWebSockets.js and telling the native binary from the package's pure-JS fallback.
//
// This build (@trufflesuite/uws-js-unofficial, aliased as `uWebSockets.js`) silently falls back
// to a Node implementation when its native binary does not load for this platform/ABI. The
// fallback is slower and lacks `SSLApp`/`getParts`; the server refuses to run on it unless the
// operator allows it explicitly (`--allow-fallback` or `allow_fallback: true` in the config).
import { createRequire } from 'node:module'
import type * as Uws from 'uWebSockets.js'
import { NayoseError } from '../errors.js'

export type UwsModule = typeof Uws
export type UwsKind = 'native' | 'fallback'

export interface LoadedUws {
  uws: UwsModule
  kind: UwsKind
}

let loaded: LoadedUws | undefined

/**
 * Loads uWebSockets.js once and reports which implementation it is.
 * @example const { uws, kind } = loadUws(); if (kind !== 'native') …
 */
export function loadUws(): LoadedUws {
  if (loaded) return loaded
  const require = createRequire(import.meta.url)
  // The package prints its own warning on fallback via console.warn/log; keep stdout clean by
  // routing that one-time message to stderr.
  const log = console.log, warn = console.warn
  let noise = ''
  console.log = console.warn = (...a: unknown[]) => { noise += a.join(' ') + '\n' }
  let uws: UwsModule
  try {
    uws = require('uWebSockets.js') as UwsModule
  } finally {
    console.log = log
    console.warn = warn
  }
  const kind = detectKind(uws)
  if (kind === 'fallback' && noise) process.stderr.write(`nayose: uWebSockets.js: ${noise.split('\n')[0]}\n`)
  loaded = { uws, kind }
  return loaded
}

/** The native module exports `SSLApp` and `getParts`; the pure-JS fallback exports neither. */
export function detectKind(mod: object): UwsKind {
  return typeof (mod as Record<string, unknown>).SSLApp === 'function' &&
    typeof (mod as Record<string, unknown>).getParts === 'function' ? 'native' : 'fallback'
}

/** Throws UWS_FALLBACK unless the fallback is explicitly allowed. */
export function requireNative(kind: UwsKind, allowFallback: boolean): void {
  if (kind === 'native' || allowFallback) return
  const why = /^(1|true)$/i.test(process.env.UWS_USE_FALLBACK ?? '') ? 'UWS_USE_FALLBACK is set, so uWebSockets.js uses its pure-JS fallback' : 'uWebSockets.js native binary did not load'
  throw new NayoseError('UWS_FALLBACK',
    `${why} for node ${process.versions.node} ` +
    `(${process.platform}-${process.arch}, ABI ${process.versions.modules}); the pure-JS fallback is slow. ` +
    'Use a supported Node version, or pass --allow-fallback (config: allow_fallback) to serve anyway')
}
