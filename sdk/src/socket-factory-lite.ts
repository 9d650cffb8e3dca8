import type { ChatSocket, ChatSocketFactory } from './chat-socket.js';
import { io } from './lite-socket/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol.js';

/**
 * The lite socket: Socket.IO over the platform's WebSocket, with no long-polling fallback. Swapped
 * in for `socket-factory.ts` by `sdk/build/lite-socket-plugin.mjs`.
 */
export const createSocket: ChatSocketFactory = (url, { auth }) => {
  const socket: ChatSocket = io<ServerToClientEvents, ClientToServerEvents>(url, { auth });
  return socket;
};
