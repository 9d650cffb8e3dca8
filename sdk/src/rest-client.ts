import { ChatError } from './chat-error.js';
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
    let token = await this.tokens.get();
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
      const body = (json as Partial<ErrorResponse> | undefined)?.error ?? {
        code: statusCode(response.status),
        message: `HTTP ${response.status}`,
      };
      const header = response.headers.get('retry-after');
      const retryAfter = body.retryAfter ?? (header ? Number(header) : undefined);
      throw ChatError.fromBody({ ...body, retryAfter }, response.status);
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

function statusCode(status: number): 'unauthorized' | 'forbidden' | 'not_found' | 'internal' {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  return 'internal';
}
