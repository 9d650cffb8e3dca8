import type { ChatStore } from '../store/chat-store.js';
import type { Logger } from '../logger.js';
import type { EventSink } from './event-sink.js';

/**
 * Online while at least one socket is connected. The last socket's departure starts a grace
 * timer; a socket that comes back within it (a page reload) cancels it, so nobody sees a flap.
 */
export class Presence {
  private readonly sockets = new Map<string, number>();
  private readonly pendingOffline = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ChatStore,
    private readonly sink: EventSink,
    private readonly logger: Logger,
    private readonly graceMs: number,
  ) {}

  isOnline(userId: string): boolean {
    return this.sockets.has(userId);
  }

  async connected(userId: string): Promise<void> {
    const count = this.sockets.get(userId) ?? 0;
    this.sockets.set(userId, count + 1);
    const pending = this.pendingOffline.get(userId);
    if (pending) {
      clearTimeout(pending);
      this.pendingOffline.delete(userId);
      return;
    }
    if (count === 0) this.sink.emit(await this.store.peersOf(userId), 'online', { userId });
  }

  disconnected(userId: string): void {
    const count = (this.sockets.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return;
    }
    this.sockets.delete(userId);
    const timer = setTimeout(() => {
      this.pendingOffline.delete(userId);
      this.wentOffline(userId).catch((error: unknown) =>
        this.logger.error({ err: error, userId }, 'offline broadcast failed'),
      );
    }, this.graceMs);
    this.pendingOffline.set(userId, timer);
  }

  private async wentOffline(userId: string): Promise<void> {
    const lastSeenAt = new Date().toISOString();
    await this.store.setLastSeen(userId, lastSeenAt);
    this.sink.emit(await this.store.peersOf(userId), 'offline', { userId, lastSeenAt });
  }

  /** Settles pending offline broadcasts at shutdown without waiting for the grace. */
  async close(): Promise<void> {
    const users = [...this.pendingOffline.keys()];
    for (const timer of this.pendingOffline.values()) clearTimeout(timer);
    this.pendingOffline.clear();
    const at = new Date().toISOString();
    for (const userId of [...users, ...this.sockets.keys()])
      await this.store.setLastSeen(userId, at);
    this.sockets.clear();
  }
}
