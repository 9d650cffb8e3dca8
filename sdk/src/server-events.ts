import type { ChatSocket } from './chat-socket.js';
import type { ServerToClientEvents } from './protocol.js';

/** The chat's handlers for server events (all but `sessionEnd`, which the connection owns). */
export type ServerEventHandlers = Omit<ServerToClientEvents, 'sessionEnd'>;

/**
 * Registers the handlers on one fresh socket. Called exactly once per socket; old sockets lose all
 * their listeners when replaced, so a reconnect never doubles a handler.
 */
export function bindServerEvents(socket: ChatSocket, handlers: ServerEventHandlers): void {
  socket.on('message', handlers.message);
  socket.on('typing', handlers.typing);
  socket.on('messageRead', handlers.messageRead);
  socket.on('online', handlers.online);
  socket.on('offline', handlers.offline);
  socket.on('conversation', handlers.conversation);
}
