import { Timers } from './backoff.js';
import { LIMITS } from './protocol.js';

/** At most one `typing: true` per this interval while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2_000;
/** `typing: false` goes out after this much silence. */
export const TYPING_IDLE_MS = 3_000;

interface Outgoing {
  lastTrueAt: number;
  active: boolean;
  idle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Typing in both directions: throttles what the user's keystrokes send, and expires what the
 * other participant sent if their `false` never comes (a dropped connection).
 */
export class TypingTracker {
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly remote = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly timers = new Timers();

  constructor(
    private readonly send: (conversationId: string, isTyping: boolean) => void,
    private readonly onRemote: (conversationId: string, isTyping: boolean) => void,
  ) {}

  /** The user typed (`true`) or stopped, sent, or left the conversation (`false`). */
  local(conversationId: string, isTyping: boolean): void {
    const state = this.outgoing.get(conversationId) ?? {
      lastTrueAt: 0,
      active: false,
      idle: undefined,
    };
    this.timers.clear(state.idle);
    state.idle = undefined;
    if (isTyping) {
      const now = Date.now();
      if (!state.active || now - state.lastTrueAt >= TYPING_THROTTLE_MS) {
        state.lastTrueAt = now;
        this.send(conversationId, true);
      }
      state.active = true;
      state.idle = this.timers.set(() => this.local(conversationId, false), TYPING_IDLE_MS);
      this.outgoing.set(conversationId, state);
    } else {
      if (state.active) this.send(conversationId, false);
      this.outgoing.delete(conversationId);
    }
  }

  /** The other participant's typing event (or their message, which ends typing). */
  received(conversationId: string, isTyping: boolean): void {
    this.timers.clear(this.remote.get(conversationId));
    this.remote.delete(conversationId);
    if (isTyping) {
      const timer = this.timers.set(() => {
        this.remote.delete(conversationId);
        this.onRemote(conversationId, false);
      }, LIMITS.typingExpiryMs);
      this.remote.set(conversationId, timer);
    }
    this.onRemote(conversationId, isTyping);
  }

  /** Whether the other participant is shown as typing. */
  isRemoteTyping(conversationId: string): boolean {
    return this.remote.has(conversationId);
  }

  /** Forgets everything and cancels every timer. */
  stop(): void {
    this.timers.clearAll();
    this.outgoing.clear();
    for (const id of [...this.remote.keys()]) this.onRemote(id, false);
    this.remote.clear();
  }
}
