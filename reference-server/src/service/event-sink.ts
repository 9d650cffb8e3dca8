import type { ServerToClientEvents } from '@parley/sdk/protocol';

/** How the chat rules reach users' sockets without knowing Socket.IO. */
export interface EventSink {
  emit<E extends keyof ServerToClientEvents>(
    userIds: readonly string[],
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
    options?: { exceptSocketId?: string },
  ): void;
}
