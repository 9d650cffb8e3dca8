import type { EventSink } from './event-sink.js';

interface Typist {
  otherId: string;
  timer: NodeJS.Timeout;
  socketId: string;
}

/**
 * Typing state per (user, conversation). The server ends it by itself (`isTyping: false`) when
 * the typer sends, disconnects, or stays silent for `expiryMs`.
 */
export class TypingTracker {
  private readonly typists = new Map<string, Typist>();

  constructor(
    private readonly sink: EventSink,
    private readonly expiryMs: number,
  ) {}

  set(
    userId: string,
    socketId: string,
    conversationId: string,
    otherId: string,
    isTyping: boolean,
  ): void {
    const key = `${userId}\u0000${conversationId}`;
    const current = this.typists.get(key);
    if (!isTyping) {
      if (current) this.stop(key, userId, conversationId);
      return;
    }
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => this.stop(key, userId, conversationId), this.expiryMs);
    timer.unref();
    this.typists.set(key, { otherId, timer, socketId });
    // Every `true` is forwarded: it tells the other side that the typist is still at it.
    this.sink.emit([otherId], 'typing', { conversationId, userId, isTyping: true });
  }

  /** The user sent a message in the conversation. */
  sent(userId: string, conversationId: string): void {
    const key = `${userId}\u0000${conversationId}`;
    if (this.typists.has(key)) this.stop(key, userId, conversationId);
  }

  /** A socket went away: end whatever it was typing. */
  socketGone(userId: string, socketId: string): void {
    for (const [key, typist] of this.typists) {
      if (typist.socketId !== socketId) continue;
      this.stop(key, userId, key.slice(key.indexOf('\u0000') + 1));
    }
  }

  close(): void {
    for (const typist of this.typists.values()) clearTimeout(typist.timer);
    this.typists.clear();
  }

  private stop(key: string, userId: string, conversationId: string): void {
    const typist = this.typists.get(key);
    if (!typist) return;
    clearTimeout(typist.timer);
    this.typists.delete(key);
    this.sink.emit([typist.otherId], 'typing', { conversationId, userId, isTyping: false });
  }
}
