import type { ConversationPageResponse } from '@parley/sdk/protocol';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { api, connectSocket, request, sleep } from '../support.js';
import { makePair, useTarget } from './fixtures.js';

const { target, socket } = useTarget();

describe('limits and malformed input', () => {
  it('refuses a REST body over 64 KB with 413 and malformed JSON with 400', async () => {
    const t = target();
    const token = await t.token(t.user('big'));
    const huge = await api(t.url, token, 'POST', '/chat/conversations', {
      userId: 'x'.repeat(70_000),
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } });
    const broken = await api(t.url, token, 'POST', '/chat/conversations', '{"userId": ');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({
      error: { code: 'bad_request', message: expect.stringMatching(/JSON/) },
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const t = target();
    const res = await api(t.url, await t.token(t.user('lost')), 'GET', '/chat/nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('closes only the socket that sends a frame over 64 KB', async () => {
    const t = target();
    const pair = await makePair(t);
    const victim = await socket(pair.tokenA);
    const bystander = await socket(pair.tokenB);
    const closed = new Promise<string>((resolve) => victim.once('disconnect', resolve));
    victim.emit(
      'sendMessage',
      {
        conversationId: pair.conversation.id,
        content: 'x'.repeat(100_000),
        clientMessageId: 'big',
      },
      () => {},
    );
    expect(await closed).toMatch(/transport (close|error)/);
    expect(bystander.connected).toBe(true);
    expect(await request(bystander, 'join')).toMatchObject({ ok: true });
    const page = await api<ConversationPageResponse>(
      t.url,
      pair.tokenB,
      'GET',
      `/chat/conversations/${pair.conversation.id}`,
    );
    expect(page.body.messages).toEqual([]);
  });

  it('rate-limits a flood of sends with rate_limited and retryAfter, then recovers', async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    const acks = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        request<{ ok: boolean; error?: { code: string; retryAfter?: number } }>(a, 'sendMessage', {
          conversationId: pair.conversation.id,
          content: `f${i}`,
          clientMessageId: `f${i}`,
        }),
      ),
    );
    const limited = acks.filter((ack) => !ack.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(
      limited.every(
        (ack) => ack.error?.code === 'rate_limited' && (ack.error.retryAfter ?? 0) >= 1,
      ),
    ).toBe(true);
    const stored = await api<ConversationPageResponse>(
      t.url,
      pair.tokenA,
      'GET',
      `/chat/conversations/${pair.conversation.id}?limit=200`,
    );
    expect(stored.body.messages).toHaveLength(acks.filter((ack) => ack.ok).length);
    // Another user is not affected by the flood.
    const b = await socket(pair.tokenB);
    expect(
      await request(b, 'sendMessage', {
        conversationId: pair.conversation.id,
        content: 'calm',
        clientMessageId: 'calm',
      }),
    ).toMatchObject({ ok: true });
  });
});

describe('browser origins', () => {
  it('allows requests without Origin and refuses unknown origins on REST', async () => {
    const t = target();
    const token = await t.token(t.user('origin'));
    expect((await api(t.url, token, 'GET', '/chat/unread-count')).status).toBe(200);
    const own = await api(t.url, token, 'GET', '/chat/unread-count', undefined, {
      origin: new URL(t.url).origin,
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe(new URL(t.url).origin);
    for (const origin of ['https://evil.example', `${t.url}.evil.example`, 'null']) {
      const res = await api(t.url, token, 'GET', '/chat/unread-count', undefined, { origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('refuses a Socket.IO handshake from an unknown origin on both transports', async () => {
    const t = target();
    const token = await t.token(t.user('ws-origin'));
    for (const transports of [['websocket'], ['polling']] as const) {
      const s = io(t.url, {
        auth: { token },
        transports: [...transports],
        reconnection: false,
        forceNew: true,
        extraHeaders: { origin: 'https://evil.example' },
      });
      const outcome = await new Promise<string>((resolve) => {
        s.once('connect', () => resolve('connected'));
        s.once('connect_error', () => resolve('refused'));
      });
      s.close();
      expect(outcome, transports[0]).toBe('refused');
    }
    await sleep(10);
    const ok = await connectSocket(t.url, token);
    ok.close();
  });
});
