import { Timers } from './backoff.js';
import { ChatError } from './chat-error.js';
import { msUntilExpiry } from './jwt.js';
import type { TokenProvider } from './types.js';

/** Refresh this long before `exp` at most, and at the latest at 80% of the token's remaining life. */
const REFRESH_MARGIN_MAX_MS = 60_000;
/** Never refresh proactively more often than this, whatever the provider returns. */
const REFRESH_MIN_INTERVAL_MS = 1_000;

/**
 * Holds the current JWT: a fixed `token`, or one from `tokenProvider`, asked again when the backend
 * says `token_expired` and on a timer shortly before `exp` (read from the JWT without verifying).
 */
export class TokenSource {
  private token: string | null;
  private pending: Promise<string> | null = null;
  private readonly timers = new Timers();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private active = false;

  constructor(
    initial: string | undefined,
    private readonly provider: TokenProvider | undefined,
  ) {
    this.token = initial ?? null;
    if (!initial && !provider) {
      throw new ChatError('bad_request', 'ChatClient needs a `token` or a `tokenProvider`');
    }
  }

  /** Whether a new token can be had (a provider exists). */
  get canRefresh(): boolean {
    return this.provider !== undefined;
  }

  /** The token in hand, without asking for a new one. */
  get current(): string | null {
    return this.token;
  }

  /**
   * The token to use now: the current one, or a fresh one when there is none or it has expired.
   *
   * @throws {ChatError} when the provider fails.
   */
  async get(): Promise<string> {
    return this.usable ?? this.refresh();
  }

  /**
   * What `get()` would resolve with without asking the provider, or null when it would ask:
   * lets a caller that has it start at once, instead of a microtask later.
   */
  get usable(): string | null {
    if (this.token === null) return null;
    const left = msUntilExpiry(this.token);
    return left === null || left > 0 || !this.provider ? this.token : null;
  }

  /**
   * Asks the provider for a new token; concurrent callers share one request.
   *
   * @throws {ChatError} `token_expired` without a provider; the provider's own ChatError; `network`
   *   for anything else it throws (a failed fetch, a 5xx from the host app's token endpoint).
   */
  refresh(): Promise<string> {
    const provider = this.provider;
    if (!provider) {
      return Promise.reject(
        new ChatError('token_expired', 'the token expired and no tokenProvider was given'),
      );
    }
    if (this.pending) return this.pending;
    const run = this.ask(provider);
    this.pending = run;
    // Cleared after settling, never before: a provider that throws synchronously must not leave
    // a settled promise behind for every later caller.
    const clear = (): void => {
      if (this.pending === run) this.pending = null;
    };
    run.then(clear, clear);
    return run;
  }

  private async ask(provider: TokenProvider): Promise<string> {
    try {
      const token = await provider();
      if (typeof token !== 'string' || token === '') {
        throw new ChatError('unauthorized', 'tokenProvider returned no token');
      }
      this.token = token;
      this.schedule();
      return token;
    } catch (error) {
      // A provider that cannot reach its backend is a passing failure (`network`), retried
      // with backoff; a provider refuses for good by throwing a ChatError('unauthorized').
      throw ChatError.from(error);
    }
  }

  /** Starts proactive refreshes (only with a provider). */
  start(): void {
    this.active = true;
    this.schedule();
  }

  /** Stops proactive refreshes; nothing stays scheduled. */
  stop(): void {
    this.active = false;
    this.timers.clearAll();
    this.refreshTimer = undefined;
  }

  private schedule(): void {
    this.timers.clear(this.refreshTimer);
    this.refreshTimer = undefined;
    if (!this.active || !this.provider || this.token === null) return;
    const left = msUntilExpiry(this.token);
    if (left === null) return;
    const margin = Math.min(REFRESH_MARGIN_MAX_MS, Math.max(0, left) * 0.2);
    const delay = Math.max(REFRESH_MIN_INTERVAL_MS, left - margin);
    this.refreshTimer = this.timers.set(() => {
      // A failed proactive refresh is retried at the next need (handshake or REST 401).
      this.refresh().catch(() => undefined);
    }, delay);
  }
}
