// Minimal typings for the `ws` client used by client-collate.ts and bench/server.ts (ws ships
// no types and @types/ws is not installed). Only what nayose calls.
declare module 'ws' {
  import { EventEmitter } from 'node:events'
  import type { IncomingMessage, ClientRequest } from 'node:http'
  namespace WebSocket {
    interface ClientOptions { headers?: Record<string, string>; maxPayload?: number; perMessageDeflate?: boolean }
  }
  class WebSocket extends EventEmitter {
    static readonly OPEN: 1
    constructor(url: string, opts?: WebSocket.ClientOptions)
    readonly readyState: number
    binaryType: 'nodebuffer' | 'arraybuffer' | 'fragments'
    send(data: Uint8Array | string, cb?: (err?: Error) => void): void
    close(code?: number, reason?: string): void
    terminate(): void
    on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): this
    on(event: 'close', fn: (code: number, reason: Buffer) => void): this
    on(event: 'open', fn: () => void): this
    on(event: 'error', fn: (err: Error) => void): this
    on(event: 'unexpected-response', fn: (req: ClientRequest, res: IncomingMessage) => void): this
    once(event: 'close', fn: (code: number, reason: Buffer) => void): this
    once(event: 'open', fn: () => void): this
    once(event: 'error', fn: (err: Error) => void): this
    once(event: 'unexpected-response', fn: (req: ClientRequest, res: IncomingMessage) => void): this
  }
  export default WebSocket
}
