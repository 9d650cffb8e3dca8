import type {
  ConversationPageResponse,
  Message,
  MessageReadEvent,
  ReadResult,
  UnreadCountResponse,
} from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { api, collect, nextEvent, request, sleep } from '../support.js';
import type { TestSocket } from '../support.js';
import { makePair, useTarget } from './fixtures.js';
import type { Pair } from './fixtures.js';

const { target, socket } = useTarget();

async function sendMany(s: TestSocket, pair: Pair, n: number, prefix: string): Promise<Message[]> {
  const out: Message[] = [];
  for (let i = 0; i < n; i++) {
    const ack = await request<{ ok: true; message: Message }>(s, 'sendMessage', {
      conversationId: pair.conversation.id,
      content: `${prefix}${i}`,
      clientMessageId: `${prefix}${i}`,
    });
    out.push(ack.message);
  }
  return out;
}

describe('read cursors and unread counts', () => {
  it('counts unread messages from the other participant only', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b] = [await socket(pair.tokenA), await socket(pair.tokenB)];
    await sendMany(a, pair, 3, 'a');
    await sendMany(b, pair, 2, 'b');
    const forB = await api<UnreadCountResponse>(t.url, pair.tokenB, 'GET', '/chat/unread-count');
    expect(forB.body).toEqual({ total: 3, byConversation: { [pair.conversation.id]: 3 } });
    const forA = await api<UnreadCountResponse>(t.url, pair.tokenA, 'GET', '/chat/unread-count');
    expect(forA.body).toEqual({ total: 2, byConversation: { [pair.conversation.id]: 2 } });
  });

  it('marks a message and every earlier one read over REST, idempotently, and notifies', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b1, b2] = [
      await socket(pair.tokenA),
      await socket(pair.tokenB),
      await socket(pair.tokenB),
    ];
    const sent = await sendMany(a, pair, 4, 'r');
    const toSender = nextEvent<MessageReadEvent>(a, 'messageRead');
    const toReaderDevice = nextEvent<MessageReadEvent>(b2, 'messageRead');
    const res = await api<ReadResult>(
      t.url,
      pair.tokenB,
      'PUT',
      `/chat/messages/${sent[2]!.id}/read`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      conversationId: pair.conversation.id,
      messageId: sent[2]!.id,
      seq: 3,
      unreadCount: 1,
    });
    const event = await toSender;
    expect(event).toMatchObject({
      conversationId: pair.conversation.id,
      readerId: pair.b,
      messageId: sent[2]!.id,
      seq: 3,
    });
    expect((await toReaderDevice).seq).toBe(3);
    expect(b1.connected).toBe(true);

    const page = await api<ConversationPageResponse>(
      t.url,
      pair.tokenA,
      'GET',
      `/chat/conversations/${pair.conversation.id}`,
    );
    expect(page.body.messages.map((m) => m.isRead)).toEqual([true, true, true, false]);
    expect(page.body.messages[0]!.readAt).toEqual(expect.any(String));
    expect(page.body.conversation.otherLastReadSeq).toBe(3);

    const again = await api<ReadResult>(
      t.url,
      pair.tokenB,
      'PUT',
      `/chat/messages/${sent[2]!.id}/read`,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ seq: 3, unreadCount: 1 });
    // The cursor only moves forward.
    const older = await api<ReadResult>(
      t.url,
      pair.tokenB,
      'PUT',
      `/chat/messages/${sent[0]!.id}/read`,
    );
    expect(older.body).toMatchObject({ seq: 3, unreadCount: 1 });
    const mine = await api<{ conversation: { lastReadSeq: number } }>(
      t.url,
      pair.tokenB,
      'POST',
      '/chat/conversations',
      { userId: pair.a },
    );
    expect(mine.body.conversation.lastReadSeq).toBe(3);
  });

  it("refuses to mark your own message (403), hides others' (404), and checks ids (400)", async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    const [m] = await sendMany(a, pair, 1, 'own');
    const own = await api(t.url, pair.tokenA, 'PUT', `/chat/messages/${m!.id}/read`);
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ error: { code: 'forbidden' } });
    const outsider = await api(
      t.url,
      await t.token(t.user('nosy')),
      'PUT',
      `/chat/messages/${m!.id}/read`,
    );
    expect(outsider.status).toBe(404);
    const malformed = await api(t.url, pair.tokenB, 'PUT', '/chat/messages/123/read');
    expect(malformed.status).toBe(400);
    const unread = await api<UnreadCountResponse>(t.url, pair.tokenB, 'GET', '/chat/unread-count');
    expect(unread.body.total).toBe(1);
  });

  it("marks up to the latest over the socket and tells the reader's other sockets only", async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b1, b2] = [
      await socket(pair.tokenA),
      await socket(pair.tokenB),
      await socket(pair.tokenB),
    ];
    await sendMany(a, pair, 3, 's');
    const onB1 = collect<MessageReadEvent>(b1, 'messageRead');
    const onB2 = nextEvent<MessageReadEvent>(b2, 'messageRead');
    const onA = nextEvent<MessageReadEvent>(a, 'messageRead');
    const ack = await request<{ ok: true } & ReadResult>(b1, 'markAsRead', {
      conversationId: pair.conversation.id,
    });
    expect(ack).toMatchObject({ ok: true, seq: 3, unreadCount: 0, readAt: expect.any(String) });
    expect((await onA).seq).toBe(3);
    expect((await onB2).readerId).toBe(pair.b);
    await sleep(150);
    expect(onB1).toEqual([]);
    const unread = await api<UnreadCountResponse>(t.url, pair.tokenB, 'GET', '/chat/unread-count');
    expect(unread.body).toEqual({ total: 0, byConversation: {} });
  });

  it("refuses malformed markAsRead payloads and other pairs' conversations", async () => {
    const t = target();
    const pair = await makePair(t);
    const b = await socket(pair.tokenB);
    const c = await socket(await t.token(t.user('c')));
    for (const payload of [
      {},
      { conversationId: 'x' },
      { conversationId: pair.conversation.id, messageId: 7 },
      null,
    ]) {
      const ack = await request<{ ok: boolean; error?: { code: string } }>(
        b,
        'markAsRead',
        payload,
      );
      expect(ack, JSON.stringify(payload)).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      });
    }
    const hidden = await request(c, 'markAsRead', { conversationId: pair.conversation.id });
    expect(hidden).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
