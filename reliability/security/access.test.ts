/**
 * Access: user C tries every route and event on A and B's conversation and messages. Every try is
 * `not_found` or `forbidden`, nothing changes, and no event about A and B ever reaches C.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@parley/sdk/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  request,
  signToken,
  sleep,
  startTestServer,
} from '../../reference-server/test/support.js';
import type { TestServer, TestSocket } from '../../reference-server/test/support.js';
import { fingerprint } from '../support/fingerprint.js';
import { report } from '../support/report.js';

type Ack = { ok: boolean; error?: { code: string }; message?: Message };

describe('C against A and B', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-access-'));
  const db = join(dir, 'chat.db');
  let server: TestServer;
  const sockets: TestSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every route and event on their conversation is not_found or forbidden, and C hears nothing', async () => {
    server = await startTestServer({ db, rateLimits: { requests: 0, messages: 0, typing: 0 } });
    const token = { a: signToken('a'), b: signToken('b'), c: signToken('c'), d: signToken('d') };
    const ab = (
      await api<{ conversation: { id: string } }>(
        server.url,
        token.a,
        'POST',
        '/chat/conversations',
        { userId: 'b' },
      )
    ).body.conversation.id;
    const cd = (
      await api<{ conversation: { id: string } }>(
        server.url,
        token.c,
        'POST',
        '/chat/conversations',
        { userId: 'd' },
      )
    ).body.conversation.id;
    const a = await connectSocket(server.url, token.a);
    const b = await connectSocket(server.url, token.b);
    const c1 = await connectSocket(server.url, token.c);
    const c2 = await connectSocket(server.url, token.c);
    sockets.push(a, b, c1, c2);
    // Everything C's sockets hear, whatever the event.
    const heard: Array<[string, unknown]> = [];
    for (const s of [c1, c2])
      s.onAny((event: string, payload: unknown) => heard.push([event, payload]));

    const fromA = await request<Ack>(a, 'sendMessage', {
      conversationId: ab,
      content: 'secret 1',
      clientMessageId: 'shared-id',
    });
    const fromB = await request<Ack>(b, 'sendMessage', {
      conversationId: ab,
      content: 'secret 2',
      clientMessageId: 'b1',
    });
    const abMessage = fromA.message!;
    const bMessage = fromB.message!;
    const before = fingerprint(db);

    const outcomes: Array<[string, number | string]> = [];
    const rest = async (label: string, method: string, path: string, body?: unknown) => {
      const res = await api<{ error?: { code: string } }>(server.url, token.c, method, path, body);
      outcomes.push([label, res.status]);
      return res;
    };
    const emit = async (label: string, event: string, payload: unknown) => {
      const ack = await request<Ack>(c1, event, payload);
      outcomes.push([label, ack.ok ? 'ok' : ack.error!.code]);
      return ack;
    };

    const guesses = [
      ab,
      abMessage.id,
      bMessage.id,
      randomUUID(),
      ab.toUpperCase(),
      `${ab} `,
      `${ab}'--`,
    ];
    for (const id of guesses) {
      for (const q of ['', '?afterSeq=0', '?beforeSeq=99', '?limit=200']) {
        await rest(
          `GET conversation ${id}${q}`,
          'GET',
          `/chat/conversations/${encodeURIComponent(id)}${q}`,
        );
      }
      await rest(`PUT read ${id}`, 'PUT', `/chat/messages/${encodeURIComponent(id)}/read`);
      await emit(`sendMessage ${id}`, 'sendMessage', {
        conversationId: id,
        content: 'hi',
        clientMessageId: `c-${id}`,
      });
      await emit(`sendMessage reusing A's clientMessageId ${id}`, 'sendMessage', {
        conversationId: id,
        content: 'hi',
        clientMessageId: 'shared-id',
      });
      await emit(`typing ${id}`, 'typing', { conversationId: id, isTyping: true });
      await emit(`markAsRead ${id}`, 'markAsRead', { conversationId: id });
      await emit(`markAsRead ${id} with A's message`, 'markAsRead', {
        conversationId: id,
        messageId: abMessage.id,
      });
      // C's own conversation, A's message: still not C's.
      await emit(`markAsRead own conversation, foreign message ${id}`, 'markAsRead', {
        conversationId: cd,
        messageId: id,
      });
    }
    for (const [label, status] of outcomes) {
      expect([404, 403, 400, 'not_found', 'forbidden', 'bad_request'], label).toContain(status);
    }
    // Lists never show it.
    const list = await rest('GET conversations', 'GET', '/chat/conversations?limit=100');
    expect(JSON.stringify(list.body)).not.toContain(ab);
    const unread = await rest('GET unread-count', 'GET', '/chat/unread-count');
    expect(JSON.stringify(unread.body)).not.toContain(ab);
    expect(fingerprint(db)).toBe(before);

    // A and B keep talking, typing, reading, coming and going: C hears none of it.
    await request(a, 'typing', { conversationId: ab, isTyping: true });
    await request(b, 'sendMessage', {
      conversationId: ab,
      content: 'secret 3',
      clientMessageId: 'b2',
    });
    await request(a, 'markAsRead', { conversationId: ab });
    await api(server.url, token.b, 'PUT', `/chat/messages/${abMessage.id}/read`);
    const a2 = await connectSocket(server.url, token.a);
    a2.close();
    await sleep(800); // past the offline grace (300 ms in tests)
    const leaked = heard.filter(
      ([, p]) => /"(a|b)"|secret/.test(JSON.stringify(p)) || JSON.stringify(p).includes(ab),
    );
    report('access', {
      tries: outcomes.length,
      eventsHeardByC: heard.length,
      leaked: leaked.length,
    });
    expect(leaked).toEqual([]);

    // C may start its own conversation with A: that one is new, and still tells nothing of A–B.
    const ca = await api<{ conversation: { id: string; lastMessage: unknown } }>(
      server.url,
      token.c,
      'POST',
      '/chat/conversations',
      { userId: 'a' },
    );
    expect(ca.status).toBe(201);
    expect(ca.body.conversation.id).not.toBe(ab);
    expect(ca.body.conversation.lastMessage).toBeNull();
    const viaUser = await request<Ack>(c1, 'sendMessage', {
      toUserId: 'b',
      content: 'hello b',
      clientMessageId: 'shared-id',
    });
    expect(viaUser.ok).toBe(true);
    expect(viaUser.message!.id).not.toBe(abMessage.id);
    expect(viaUser.message!.conversationId).not.toBe(ab);
  });
});
