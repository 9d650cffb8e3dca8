import type { SocketLike } from './lite-socket/types.js';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol.js';

/**
 * The socket the SDK talks through: socket.io-client's `Socket` or the lite client's, whichever
 * `socket-factory.ts` provides in this build.
 */
export type ChatSocket = SocketLike<ServerToClientEvents, ClientToServerEvents>;

/** What the connection asks of a socket factory. */
export interface ChatSocketOptions {
  /** Transports for socket.io-client; the lite client is WebSocket only and ignores them. */
  transports: Array<'websocket' | 'polling'>;
  /** Called for the CONNECT packet's auth at each connection. */
  auth: (callback: (data: { token: string }) => void) => void;
}

export type ChatSocketFactory = (url: string, options: ChatSocketOptions) => ChatSocket;
