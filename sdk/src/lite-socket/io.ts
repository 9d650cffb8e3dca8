import { LiteSocket } from './lite-socket.js';
import type { EventsMap, LiteSocketOptions } from './types.js';

/**
 * Opens a socket: the lite counterpart of socket.io-client's `io()`, WebSocket only. Each call
 * makes a new connection (as `forceNew: true`) that never reconnects by itself (as
 * `reconnection: false`); other socket.io-client options are ignored.
 *
 * @example
 * ```ts
 * import { io } from '@parley/sdk/lite';
 * const socket = io<ServerToClientEvents, ClientToServerEvents>(url, { auth: { token } });
 * socket.on('connect_error', (err) => console.warn(err.message, err.data));
 * ```
 */
export function io<L extends EventsMap = EventsMap, E extends EventsMap = EventsMap>(
  url: string,
  options: LiteSocketOptions = {},
): LiteSocket<L, E> {
  return new LiteSocket<L, E>(url, options);
}
