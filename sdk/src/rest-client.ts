import { ChatError } from './chat-error.js';
import type { ChatClientErrorCode } from './chat-error.js';
import type { ErrorResponse } from './protocol.js';
import type { TokenSource } from './token-source.js';

export interface RequestOptions {
  query?: Record<string, string | number | undefined | null>;
  body?: unknown;
}

/**
 * Every REST call goes through `send()`: it adds the bearer token, turns `{ error }` bodies and
 * network failures into `ChatError`, and retries once with a fresh token on `token_expired`.
 */
export class RestClient {
  private controller = new AbortController();

  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
  ) {}

  /**
   * @throws {ChatError} the backend's refusal, or `network` when it could not be reached.
   */
  async send<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(path, options.query);
    // With a token in hand the request goes out within this call (its caller's task), not later.
    let token = this.tokens.usable ?? (await this.tokens.get());
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request<T>(method, url, token, options.body);
      } catch (error) {
        const expired =
          error instanceof ChatError &&
          (error.code === 'token_expired' || error.code === 'unauthorized');
        if (!expired || attempt > 0 || !this.tokens.canRefresh) throw error;
        token = await this.tokens.refresh();
      }
    }
  }

  /** Aborts every request in flight (they reject with `cancelled`); later requests still work. */
  abortAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  private async request<T>(method: string, url: string, token: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.controller.signal,
      });
    } catch (error) {
      const aborted = error instanceof Error && error.name === 'AbortError';
      throw ChatError.from(error, aborted ? 'cancelled' : 'network');
    }
    const text = await response.text().catch(() => '');
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // A non-JSON body (a proxy's error page, say) is reported by status below.
    }
    if (!response.ok) {
      // Retry-After in seconds; its HTTP-date form (and anything else) is ignored.
      const header = Number(response.headers.get('retry-after') || NaN);
      const headerSeconds = Number.isFinite(header) && header >= 0 ? header : undefined;
      const body = (json as Partial<ErrorResponse> | undefined)?.error;
      if (body) {
        throw ChatError.fromBody(
          { ...body, retryAfter: body.retryAfter ?? headerSeconds },
          response.status,
        );
      }
      throw new ChatError(
        BARE_STATUS_CODES[response.status] ?? 'internal',
        `HTTP ${response.status}`,
        {
          status: response.status,
          retryAfter: headerSeconds,
        },
      );
    }
    return json as T;
  }

  private url(path: string, query: RequestOptions['query']): string {
    const url = new URL(`${this.baseUrl.replace(/\/+$/, '')}/chat${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/**
 * The code of an error answer without the contract's body, by its status: a proxy's error page,
 * or Node's own `408` for a request that took too long to arrive (the reference server's
 * `requestTimeoutMs`). Any other status is `internal`.
 */
const BARE_STATUS_CODES: Readonly<Record<number, ChatClientErrorCode>> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'timeout',
  413: 'payload_too_large',
  429: 'rate_limited',
};
