/**
 * Exponential backoff with "equal jitter": half of the delay is fixed, half random, so that many
 * clients cut off at once (a server restart) do not come back in lockstep.
 *
 * @param attempt 0 for the first retry.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** A set of timers that can all be cancelled at once, so that `disconnect()` leaves none behind. */
export class Timers {
  private readonly ids = new Set<ReturnType<typeof setTimeout>>();

  set(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const id = setTimeout(() => {
      this.ids.delete(id);
      fn();
    }, ms);
    this.ids.add(id);
    return id;
  }

  clear(id: ReturnType<typeof setTimeout> | undefined): void {
    if (id === undefined) return;
    clearTimeout(id);
    this.ids.delete(id);
  }

  /** Resolves after `ms`, or never when the timers are cleared first (callers check their state). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.set(resolve, ms));
  }

  clearAll(): void {
    for (const id of this.ids) clearTimeout(id);
    this.ids.clear();
  }
}
