import type { ConversationPageResponse, Message } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { api, collect, nextEvent, request, sleep } from '../support.js';
import { ISO_MS, makePair, useTarget, UUID } from './fixtures.js';

const { target, socket } = useTarget();

type SendAck =
  | { ok: true; message: Message; duplicate?: boolean }
  | { ok: false; error: { code: string; message: string } };

describe('sending messages', () => {
  it('acks a stored message and delivers it once to every socket of both participants', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a1, a2, b1] = [
      await socket(pair.tokenA),
      await socket(pair.tokenA),
      await socket(pair.tokenB),
    ];
    const seen = [a1, a2, b1].map((s) => collect<Message>(s, 'message'));
    const outsider = collect<Message>(await socket(await t.token(t.user('c'))), 'message');
    const ack = await request<SendAck>(a1, 'sendMessage', {
      conversationId: pair.conversation.id,
      content: '  hello <b>world</b>\n',
      clientMessageId: 'c-1',
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.duplicate).toBeUndefined();
    expect(ack.message).toMatchObject({
      conversationId: pair.conversation.id,
      senderId: pair.a,
      content: '  hello <b>world</b>\n',
      seq: 1,
      clientMessageId: 'c-1',
      isRead: false,
      readAt: null,
    });
    expect(ack.message.id).toMatch(UUID);
    expect(ack.message.createdAt).toMatch(ISO_MS);
    await sleep(200);
    for (const list of seen) expect(list.map((m) => m.id)).toEqual([ack.message.id]);
    expect(outsider).toEqual([]);
  });

  it('stores a retried clientMessageId once, acks duplicate: true, emits one event', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b] = [await socket(pair.tokenA), await socket(pair.tokenB)];
    const seenA = collect<Message>(a, 'message');
    const seenB = collect<Message>(b, 'message');
    const acks: SendAck[] = [];
    for (let i = 0; i < 5; i++) {
      acks.push(
        await request<SendAck>(a, 'sendMessage', {
          conversationId: pair.conversation.id,
          content: i === 0 ? 'first' : `retry ${i}`,
          clientMessageId: 'same-id',
        }),
      );
    }
    const ids = acks.map((ack) => (ack.ok ? ack.message.id : 'failed'));
    expect(new Set(ids).size).toBe(1);
    expect(acks.map((ack) => ack.ok && ack.duplicate === true)).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(acks.every((ack) => ack.ok && ack.message.content === 'first')).toBe(true);
    await sleep(200);
    expect(seenA).toHaveLength(1);
    expect(seenB).toHaveLength(1);
    const page = await api<ConversationPageResponse>(
      t.url,
      pair.tokenB,
      'GET',
      `/chat/conversations/${pair.conversation.id}`,
    );
    expect(page.body.messages).toHaveLength(1);
  });

  it("treats another sender's equal clientMessageId as a different message", async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b] = [await socket(pair.tokenA), await socket(pair.tokenB)];
    const one = await request<SendAck>(a, 'sendMessage', {
      conversationId: pair.conversation.id,
      content: 'from a',
      clientMessageId: 'shared',
    });
    const two = await request<SendAck>(b, 'sendMessage', {
      conversationId: pair.conversation.id,
      content: 'from b',
      clientMessageId: 'shared',
    });
    expect(one.ok && two.ok).toBe(true);
    if (!one.ok || !two.ok) return;
    expect(two.duplicate).toBeUndefined();
    expect([one.message.seq, two.message.seq]).toEqual([1, 2]);
  });

  it('assigns seq 1..N without gap or repeat to 20 concurrent senders', async () => {
    const t = target();
    const pair = await makePair(t);
    const sockets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => socket(i % 2 === 0 ? pair.tokenA : pair.tokenB)),
    );
    const acks = await Promise.all(
      sockets.map((s, i) =>
        request<SendAck>(s, 'sendMessage', {
          conversationId: pair.conversation.id,
          content: `m${i}`,
          clientMessageId: `k${i}`,
        }),
      ),
    );
    const seqs = acks.map((ack) => (ack.ok ? ack.message.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const page = await api<ConversationPageResponse>(
      t.url,
      pair.tokenA,
      'GET',
      `/chat/conversations/${pair.conversation.id}?limit=200`,
    );
    expect(page.body.messages.map((m) => m.seq)).toEqual(seqs);
  });

  it('starts a conversation by toUserId and tells the recipient', async () => {
    const t = target();
    const a = t.user('direct-a');
    const b = t.user('direct-b');
    const [sa, sb] = [await socket(await t.token(a)), await socket(await t.token(b))];
    const conversationEvent = nextEvent<{ id: string }>(sb, 'conversation');
    const messageEvent = nextEvent<Message>(sb, 'message');
    const ack = await request<SendAck>(sa, 'sendMessage', {
      toUserId: b,
      content: 'hi there',
      clientMessageId: 'd1',
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect((await conversationEvent).id).toBe(ack.message.conversationId);
    expect((await messageEvent).id).toBe(ack.message.id);
    const again = await request<SendAck>(sa, 'sendMessage', {
      toUserId: b,
      content: 'hi there',
      clientMessageId: 'd1',
    });
    expect(again.ok && again.duplicate).toBe(true);
  });

  it('keeps content verbatim, counting characters not UTF-16 units', async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    const emoji = '😀'.repeat(4000);
    const tricky = "a\u200b\u202eb\u0000 '; DROP TABLE messages; --";
    for (const [content, id] of [
      [emoji, 'e'],
      [tricky, 't'],
    ] as const) {
      const ack = await request<SendAck>(a, 'sendMessage', {
        conversationId: pair.conversation.id,
        content,
        clientMessageId: id,
      });
      expect(ack.ok && ack.message.content === content).toBe(true);
    }
  });

  it('refuses empty, whitespace, oversize and malformed sends, storing nothing', async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    const id = pair.conversation.id;
    const cases: Array<[unknown, string, string]> = [
      [{ conversationId: id, content: '', clientMessageId: 'x' }, 'bad_request', 'empty'],
      [
        { conversationId: id, content: ' \n\t ', clientMessageId: 'x' },
        'bad_request',
        'whitespace',
      ],
      [
        { conversationId: id, content: 'x'.repeat(4001), clientMessageId: 'x' },
        'payload_too_large',
        '4001 chars',
      ],
      [{ conversationId: id, content: 'hi' }, 'bad_request', 'no clientMessageId'],
      [
        { conversationId: id, content: 'hi', clientMessageId: '' },
        'bad_request',
        'empty clientMessageId',
      ],
      [
        { conversationId: id, content: 'hi', clientMessageId: 'x'.repeat(65) },
        'bad_request',
        'long clientMessageId',
      ],
      [{ conversationId: id, content: 42, clientMessageId: 'x' }, 'bad_request', 'number content'],
      [
        { conversationId: 'nope', content: 'hi', clientMessageId: 'x' },
        'bad_request',
        'malformed conversationId',
      ],
      [
        { conversationId: id, content: 'hi', clientMessageId: 'x', extra: 1 },
        'bad_request',
        'unknown field',
      ],
      [{ toUserId: pair.a, content: 'hi', clientMessageId: 'x' }, 'bad_request', 'to yourself'],
      [null, 'bad_request', 'null payload'],
      ['text', 'bad_request', 'string payload'],
      [{ content: 'hi', clientMessageId: 'x' }, 'bad_request', 'no target'],
    ];
    for (const [payload, code, label] of cases) {
      const ack = await request<SendAck>(a, 'sendMessage', payload);
      expect(ack.ok, label).toBe(false);
      if (!ack.ok) {
        expect(ack.error.code, label).toBe(code);
        expect(ack.error.message, label).toEqual(expect.any(String));
      }
    }
    const page = await api<ConversationPageResponse>(
      t.url,
      pair.tokenA,
      'GET',
      `/chat/conversations/${id}`,
    );
    expect(page.body.messages).toEqual([]);
  });

  it("hides other pairs' conversations from senders (not_found)", async () => {
    const t = target();
    const pair = await makePair(t);
    const outsider = await socket(await t.token(t.user('intruder')));
    const ack = await request<SendAck>(outsider, 'sendMessage', {
      conversationId: pair.conversation.id,
      content: 'hi',
      clientMessageId: 'z',
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('history', () => {
  it('pages by beforeSeq and afterSeq, ascending, with hasMore', async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    for (let i = 1; i <= 12; i++) {
      await request(a, 'sendMessage', {
        conversationId: pair.conversation.id,
        content: `n${i}`,
        clientMessageId: `h${i}`,
      });
    }
    const get = (q: string) =>
      api<ConversationPageResponse>(
        t.url,
        pair.tokenB,
        'GET',
        `/chat/conversations/${pair.conversation.id}?${q}`,
      ).then((r) => r.body);
    const latest = await get('limit=5');
    expect(latest.messages.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(latest.hasMore).toBe(true);
    const before = await get('limit=5&beforeSeq=8');
    expect(before.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(before.hasMore).toBe(true);
    const oldest = await get('limit=5&beforeSeq=3');
    expect(oldest.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(oldest.hasMore).toBe(false);
    const after = await get('limit=5&afterSeq=2');
    expect(after.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(after.hasMore).toBe(true);
    const tail = await get('limit=5&afterSeq=10');
    expect(tail.messages.map((m) => m.seq)).toEqual([11, 12]);
    expect(tail.hasMore).toBe(false);
    expect(tail.conversation.id).toBe(pair.conversation.id);
    expect((await get('')).messages).toHaveLength(12);
  });

  it('refuses malformed page queries', async () => {
    const t = target();
    const pair = await makePair(t);
    for (const q of [
      'limit=0',
      'limit=201',
      'limit=1.5',
      'beforeSeq=-1',
      'afterSeq=x',
      'beforeSeq=3&afterSeq=1',
      'foo=bar',
    ]) {
      const res = await api(
        t.url,
        pair.tokenA,
        'GET',
        `/chat/conversations/${pair.conversation.id}?${q}`,
      );
      expect(res.status, q).toBe(400);
    }
  });
});
