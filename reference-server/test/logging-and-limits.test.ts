import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { api, connectSocket, request, startTestServer } from './support.js';

describe('logs', () => {
  it('never contain a token or message content', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await startTestServer({ logger: pino({ level: 'trace' }, sink) });
    try {
      const token = server.token('logan', { name: 'Logan' });
      const secretText = 'the-secret-message-content-42';
      const res = await api<{ conversation: { id: string } }>(
        server.url,
        token,
        'POST',
        '/chat/conversations',
        { userId: 'mia' },
      );
      await api(
        server.url,
        token,
        'GET',
        `/chat/conversations/${res.body.conversation.id}?limit=5`,
      );
      await api(server.url, `${token}x`, 'GET', '/chat/unread-count');
      const socket = await connectSocket(server.url, token);
      await request(socket, 'sendMessage', {
        conversationId: res.body.conversation.id,
        content: secretText,
        clientMessageId: 'l1',
      });
      socket.close();
    } finally {
      await server.close();
    }
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(3);
    expect(all).toContain('"path":"/chat/conversations"');
    expect(all).not.toContain('secret-message-content');
    expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT, whole or in part
  });
});

describe('REST rate limit', () => {
  it('answers 429 rate_limited with Retry-After, per user', async () => {
    const server = await startTestServer({ rateLimits: { requests: 5 } });
    try {
      const token = server.token('rita');
      const results = await Promise.all(
        Array.from({ length: 30 }, () => api(server.url, token, 'GET', '/chat/unread-count')),
      );
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited[0]!.body).toMatchObject({
        error: { code: 'rate_limited', retryAfter: expect.any(Number) },
      });
      expect((await api(server.url, server.token('sid'), 'GET', '/chat/unread-count')).status).toBe(
        200,
      );
    } finally {
      await server.close();
    }
  });

  it('turns the send limit off with rateLimits.messages = 0', async () => {
    const server = await startTestServer({ rateLimits: { messages: 0 } });
    try {
      const socket = await connectSocket(server.url, server.token('bot'));
      const acks = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          request<{ ok: boolean }>(socket, 'sendMessage', {
            toUserId: 'human',
            content: `m${i}`,
            clientMessageId: `m${i}`,
          }),
        ),
      );
      expect(acks.every((a) => a.ok)).toBe(true);
      socket.close();
    } finally {
      await server.close();
    }
  });
});

describe('handshake limit', () => {
  it('is per IP, and per forwarded client address behind a trusted proxy', async () => {
    const server = await startTestServer({ rateLimits: { handshakes: 1 }, trustProxy: true });
    const opened: Array<{ close(): void }> = [];
    const attempt = (ip: string) =>
      connectSocket(server.url, server.token(`u-${ip}`), {
        extraHeaders: { 'x-forwarded-for': `${ip}, 10.0.0.1` },
      }).then(
        (s) => {
          opened.push(s);
          return 'ok';
        },
        (e: { data?: { code: string } }) => e.data?.code ?? 'error',
      );
    try {
      const flood = [];
      for (let i = 0; i < 4; i++) flood.push(await attempt('203.0.113.7'));
      expect(flood.slice(0, 2)).toEqual(['ok', 'ok']); // 1/s with a burst of 2
      expect(flood.slice(2)).toEqual(['rate_limited', 'rate_limited']);
      expect(await attempt('198.51.100.9')).toBe('ok');
    } finally {
      for (const s of opened) s.close();
      await server.close();
    }
  });
});
