import type { Conversation, ListConversationsResponse } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { api, request } from '../support.js';
import { ISO_MS, makePair, useTarget, UUID } from './fixtures.js';

const { target, socket } = useTarget();

describe('conversations', () => {
  it('creates a conversation once (201) and returns it again in either order (200)', async () => {
    const t = target();
    const pair = await makePair(t);
    const c = pair.conversation;
    expect(c.id).toMatch(UUID);
    expect(c.createdAt).toMatch(ISO_MS);
    expect(c).toMatchObject({
      lastMessage: null,
      unreadCount: 0,
      lastReadSeq: 0,
      otherLastReadSeq: 0,
    });
    expect(c.otherUser).toMatchObject({ id: pair.b, name: 'User b', online: false });
    expect([c.participant1Id, c.participant2Id].sort()).toEqual([pair.a, pair.b].sort());
    const again = await api<{ conversation: Conversation }>(
      t.url,
      pair.tokenA,
      'POST',
      '/chat/conversations',
      { userId: pair.b },
    );
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(c.id);
    const reverse = await api<{ conversation: Conversation }>(
      t.url,
      pair.tokenB,
      'POST',
      '/chat/conversations',
      { userId: pair.a },
    );
    expect(reverse.status).toBe(200);
    expect(reverse.body.conversation.id).toBe(c.id);
    expect(reverse.body.conversation.otherUser.id).toBe(pair.a);
  });

  it('gives one conversation for 50 concurrent creations in both orders', async () => {
    const t = target();
    const a = t.user('racer-a');
    const b = t.user('racer-b');
    const [ta, tb] = [await t.token(a), await t.token(b)];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? api<{ conversation: Conversation }>(t.url, ta, 'POST', '/chat/conversations', {
              userId: b,
            })
          : api<{ conversation: Conversation }>(t.url, tb, 'POST', '/chat/conversations', {
              userId: a,
            }),
      ),
    );
    expect(new Set(results.map((r) => r.body.conversation.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(49);
    const listed = await api<ListConversationsResponse>(t.url, ta, 'GET', '/chat/conversations');
    expect(listed.body.conversations.filter((c) => c.otherUser.id === b)).toHaveLength(1);
  });

  it('tells the other participant about a new conversation', async () => {
    const t = target();
    const a = t.user('starter');
    const b = t.user('invitee');
    const sb = await socket(await t.token(b));
    const seen = new Promise<Conversation>((resolve) => sb.once('conversation', resolve));
    const res = await api<{ conversation: Conversation }>(
      t.url,
      await t.token(a),
      'POST',
      '/chat/conversations',
      { userId: b },
    );
    const event = await seen;
    expect(event.id).toBe(res.body.conversation.id);
    expect(event.otherUser.id).toBe(a);
  });

  it('refuses a conversation with yourself, malformed ids and unknown fields', async () => {
    const t = target();
    const me = t.user('solo');
    const token = await t.token(me);
    const cases: Array<[unknown, string]> = [
      [{ userId: me }, 'yourself'],
      [{ userId: '' }, 'empty id'],
      [{ userId: 'x'.repeat(129) }, 'id over 128 characters'],
      [{ userId: 42 }, 'number id'],
      [{}, 'missing id'],
      [{ userId: t.user('x'), admin: true }, 'unknown field'],
      [[], 'array body'],
      ['"just a string"', 'string body'],
    ];
    for (const [body, label] of cases) {
      const res = await api(t.url, token, 'POST', '/chat/conversations', body);
      expect(res.status, label).toBe(400);
      expect(res.body, label).toMatchObject({
        error: { code: 'bad_request', message: expect.any(String) },
      });
    }
    const list = await api<ListConversationsResponse>(t.url, token, 'GET', '/chat/conversations');
    expect(list.body.conversations).toEqual([]);
  });

  it("hides another pair's conversation (404) and refuses a malformed id (400)", async () => {
    const t = target();
    const pair = await makePair(t);
    const outsider = await t.token(t.user('outsider'));
    const res = await api(t.url, outsider, 'GET', `/chat/conversations/${pair.conversation.id}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    const unknown = await api(
      t.url,
      outsider,
      'GET',
      '/chat/conversations/7b0c6f0e-8f7e-4a43-9b43-0d1f2c3b4a59',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(res.body);
    const malformed = await api(t.url, outsider, 'GET', '/chat/conversations/not-a-uuid');
    expect(malformed.status).toBe(400);
  });

  it('lists conversations by latest activity with a cursor', async () => {
    const t = target();
    const me = t.user('hub');
    const token = await t.token(me);
    const others = [t.user('o1'), t.user('o2'), t.user('o3')];
    const ids: string[] = [];
    for (const other of others) {
      const res = await api<{ conversation: Conversation }>(
        t.url,
        token,
        'POST',
        '/chat/conversations',
        { userId: other },
      );
      ids.push(res.body.conversation.id);
    }
    const s = await socket(token);
    const ack = await request<{ ok: boolean }>(s, 'sendMessage', {
      conversationId: ids[0],
      content: 'bump',
      clientMessageId: 'bump-1',
    });
    expect(ack.ok).toBe(true);
    const first = await api<ListConversationsResponse>(
      t.url,
      token,
      'GET',
      '/chat/conversations?limit=2',
    );
    expect(first.body.conversations.map((c) => c.id)).toEqual([ids[0], ids[2]]);
    expect(first.body.conversations[0]!.lastMessage?.content).toBe('bump');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api<ListConversationsResponse>(
      t.url,
      token,
      'GET',
      `/chat/conversations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
    );
    expect(second.body.conversations.map((c) => c.id)).toEqual([ids[1]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses malformed list queries', async () => {
    const t = target();
    const token = await t.token(t.user('q'));
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%%%garbage', 'unknown=1']) {
      const res = await api(t.url, token, 'GET', `/chat/conversations?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});
