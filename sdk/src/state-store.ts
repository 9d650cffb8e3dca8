import { initialState } from './chat-state.js';
import { reportHandlerError } from './emitter.js';
import type { ChatState } from './types.js';

/**
 * Holds the current `ChatState` snapshot. Updates replace it; listeners hear about it once per
 * microtask however many updates a burst (a page of 200 messages) makes.
 */
export class StateStore {
  private state: ChatState = initialState();
  private readonly listeners = new Set<(state: ChatState) => void>();
  private scheduled = false;

  get(): ChatState {
    return this.state;
  }

  /** Applies a reducer; returns the previous snapshot (for change detection by the caller). */
  update(reducer: (state: ChatState) => ChatState): ChatState {
    const previous = this.state;
    const next = reducer(previous);
    if (next !== previous) {
      this.state = next;
      this.schedule();
    }
    return previous;
  }

  subscribe(listener: (state: ChatState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const state = this.state;
      for (const listener of [...this.listeners]) {
        try {
          listener(state);
        } catch (error) {
          reportHandlerError(error);
        }
      }
    });
  }
}
