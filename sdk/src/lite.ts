/**
 * `@parley/sdk/lite`: the same SDK with Socket.IO spoken over the platform's WebSocket by a small
 * built-in client instead of socket.io-client (about 10 kB less min+gzip). WebSocket only: no
 * long-polling fallback for networks that block WebSocket. This file is built with the lite
 * socket factory swapped in (`sdk/build/lite-socket-plugin.mjs`).
 *
 * @example
 * ```ts
 * import { ChatClient } from '@parley/sdk/lite';
 * const client = new ChatClient({ url: 'https://chat.example.com', tokenProvider });
 * await client.connect();
 * ```
 */
export * from './index.js';
export { io, LiteSocket } from './lite-socket/index.js';
export type {
  ConnectError,
  DisconnectReason,
  LiteSocketOptions,
  WebSocketConstructor,
} from './lite-socket/index.js';
