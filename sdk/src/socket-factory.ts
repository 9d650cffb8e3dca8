import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ChatSocket, ChatSocketFactory } from './chat-socket.js';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol.js';

/**
 * The default socket: socket.io-client, with long-polling as a fallback where WebSocket is
 * blocked. The script-tag widget and `@parley/sdk/lite` replace this module at build time with
 * `socket-factory-lite.ts` (see `sdk/build/lite-socket-plugin.mjs`).
 */
export const createSocket: ChatSocketFactory = (url, { transports, auth }) => {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    // Our own reconnection, with a fresh socket each time (see connection.ts).
    forceNew: true,
    reconnection: false,
    transports,
    tryAllTransports: true,
    auth,
  });
  const chatSocket: ChatSocket = socket;
  return chatSocket;
};
