import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ChatServerError } from '../errors.js';

export interface RateLimitOptions {
  /** sendMessage per user per second (bursts of twice that); 0 turns the limit off. Default 20. */
  messages?: number;
  /** typing events per user per second; 0 off. Default 5. */
  typing?: number;
  /** REST requests per user per second (bursts of twice that); 0 off. Default 50. */
  requests?: number;
  /** Socket.IO handshakes per IP per second (bursts of twice that); 0 off. Default 20. */
  handshakes?: number;
}

export type RateLimitKind = keyof RateLimitOptions;

const DEFAULTS: Required<RateLimitOptions> = {
  messages: 20,
  typing: 5,
  requests: 50,
  handshakes: 20,
};

/**
 * N a second with bursts of 2N: a 1 s window of N points, backed by a 10 s window of N extra
 * points that absorbs a burst without raising the sustained rate much.
 */
function limiter(perSecond: number): BurstyRateLimiter {
  return new BurstyRateLimiter(
    new RateLimiterMemory({ points: perSecond, duration: 1 }),
    new RateLimiterMemory({ points: perSecond, duration: 10, keyPrefix: 'burst' }),
  );
}

/** Per-user (or per-IP) limits; `consume` throws `rate_limited` with the seconds to wait. */
export class RateLimits {
  private readonly limiters = new Map<RateLimitKind, BurstyRateLimiter>();

  constructor(options: RateLimitOptions = {}) {
    for (const kind of Object.keys(DEFAULTS) as RateLimitKind[]) {
      const perSecond = options[kind] ?? DEFAULTS[kind];
      if (perSecond > 0) this.limiters.set(kind, limiter(perSecond));
    }
  }

  async consume(kind: RateLimitKind, key: string): Promise<void> {
    const bucket = this.limiters.get(kind);
    if (!bucket) return;
    try {
      await bucket.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ChatServerError('rate_limited', `Too many ${kind}: retry in ${retryAfter} s`, {
        retryAfter,
      });
    }
  }
}
