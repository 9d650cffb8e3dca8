import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../reference-server/test/support.js';
import { ChatError } from '../src/index.js';
import { makeClient } from './helpers.js';

/**
 * An answer without the contract's `{ error }` body: what a reverse proxy in front of the backend
 * sends (nginx's HTML pages), and what Node's HTTP server sends for a request that took longer
 * than the reference server's `requestTimeoutMs` to arrive (a bare `408`).
 */
interface ErrorPage {
  status: number;
  headers?: Record<string, string>;
}

describe('an error answer without the contract body', () => {
  let page: ErrorPage = { status: 502 };
  let proxy: Server;
  let url: string;
  beforeAll(async () => {
    proxy = createServer((_req, res) => {
      res.writeHead(page.status, { 'content-type': 'text/html', ...page.headers });
      res.end(`<html><body><h1>${page.status}</h1><hr>nginx</body></html>`);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  async function refusal(answer: ErrorPage): Promise<ChatError> {
    page = answer;
    const client = makeClient({ url, token: (userId) => signToken(userId) }, 'ada');
    const error = await client.getUnreadCount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatError);
    return error as ChatError;
  }

  it('is reported by its status, with the code a caller can act on and whether to retry', async () => {
    expect(await refusal({ status: 408 })).toMatchObject({
      code: 'timeout',
      status: 408,
      retryable: true,
      message: 'HTTP 408',
    });
    expect(await refusal({ status: 413 })).toMatchObject({
      code: 'payload_too_large',
      status: 413,
      retryable: false,
    });
    expect(await refusal({ status: 429, headers: { 'retry-after': '7' } })).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfter: 7,
    });
    expect(await refusal({ status: 403 })).toMatchObject({ code: 'forbidden', retryable: false });
    expect(await refusal({ status: 404 })).toMatchObject({ code: 'not_found', retryable: false });
    expect(await refusal({ status: 502 })).toMatchObject({
      code: 'internal',
      status: 502,
      retryable: true,
      retryAfter: undefined,
    });
  });

  it('reads Retry-After in seconds only: its date form or a negative number is left out', async () => {
    const error = await refusal({
      status: 503,
      headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' },
    });
    expect(error).toMatchObject({ code: 'internal', status: 503, retryable: true });
    expect(error.retryAfter).toBeUndefined();
    const negative = await refusal({ status: 429, headers: { 'retry-after': '-5' } });
    expect(negative).toMatchObject({ code: 'rate_limited', retryAfter: undefined });
  });
});
