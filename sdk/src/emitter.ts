/** A listener map: event name to handler signature. */
export type EventMap<T> = { [K in keyof T]: (...args: never[]) => void };

/**
 * A small typed event emitter. A throwing handler never breaks the emitter or the other handlers:
 * its error is reported (`reportError` in browsers, `console.error` elsewhere).
 */
export class Emitter<Events extends EventMap<Events>> {
  private readonly handlers = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<E extends keyof Events>(event: E, handler: Events[E]): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        reportHandlerError(error);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}

/** Reports an error thrown by user code without letting it unwind SDK internals. */
export function reportHandlerError(error: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}
