import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import type { MessageReadEvent, TypingEvent, User } from '../src/index.js';
import { collectMessages, makeClient, waitFor, windowOf } from './helpers.js';

describe('two clients chat', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0 } });
  });
  afterAll(() => server.close());

  it('propagates messages, typing, presence, read receipts and unread counts', async () => {
    const alice = makeClient(server, 'alice');
    const bob = makeClient(server, 'bob');
    const bobTab2 = makeClient(server, 'bob');
    await Promise.all([alice.connect(), bob.connect(), bobTab2.connect()]);
    expect(alice.getState().status).toBe('connected');
    expect(alice.getState().me?.id).toBe('alice');

    const newConversations: string[] = [];
    bob.on('conversation', (c) => newConversations.push(c.id));
    const conversation = await alice.openConversation('bob');
    await waitFor(
      () => newConversations.includes(conversation.id),
      'bob hears of the conversation',
    );
    expect(bob.getState().conversations.map((c) => c.id)).toContain(conversation.id);
    await bobTab2.getConversations();

    await Promise.all([
      alice.loadConversation(conversation.id),
      bob.loadConversation(conversation.id),
      bobTab2.loadConversation(conversation.id),
    ]);
    const bobSeen = collectMessages(bob);
    const aliceSeen = collectMessages(alice);
    const tab2Seen = collectMessages(bobTab2);

    // Messages: optimistic, then stored; every socket of both users hears each once.
    const sending = alice.sendMessage(conversation.id, 'hi bob');
    const pending = alice.getState().byId[conversation.id]?.messages.at(-1);
    expect(pending?.status).toBe('pending');
    const stored = await sending;
    expect(stored.seq).toBe(1);
    await alice.sendMessage(conversation.id, 'are you there?');
    await waitFor(() => bobSeen.length === 2 && tab2Seen.length === 2, 'bob gets both messages');
    await waitFor(() => aliceSeen.length === 2, 'alice hears her own messages once');
    expect(bobSeen.map((m) => m.content)).toEqual(['hi bob', 'are you there?']);
    expect(windowOf(bob, conversation.id)).toEqual(['1:hi bob', '2:are you there?']);
    expect(windowOf(alice, conversation.id)).toEqual(['1:hi bob', '2:are you there?']);
    expect(alice.getState().byId[conversation.id]?.messages.every((m) => m.status === 'sent')).toBe(
      true,
    );

    // Unread counts.
    expect(bob.getState().unreadTotal).toBe(2);
    expect(bob.getState().unreadByConversation[conversation.id]).toBe(2);
    expect(bobTab2.getState().unreadTotal).toBe(2);
    expect(alice.getState().unreadTotal).toBe(0);
    expect((await bob.getUnreadCount()).total).toBe(2);

    // Typing, both ways of ending it.
    const typingSeen: TypingEvent[] = [];
    alice.on('typing', (e) => typingSeen.push(e));
    bob.setTyping(conversation.id, true);
    bob.setTyping(conversation.id, true); // throttled: one `true` only
    await waitFor(() => alice.getState().byId[conversation.id]?.otherTyping === true, 'typing');
    bob.setTyping(conversation.id, false);
    await waitFor(() => alice.getState().byId[conversation.id]?.otherTyping === false, 'stop');
    expect(typingSeen.map((e) => e.isTyping)).toEqual([true, false]);

    // Read receipts: alice sees them, bob's other tab drops its unread count too.
    const reads: MessageReadEvent[] = [];
    alice.on('read', (e) => reads.push(e));
    const result = await bob.markAsRead(conversation.id);
    expect(result.unreadCount).toBe(0);
    expect(bob.getState().unreadTotal).toBe(0);
    await waitFor(() => reads.length === 1, 'alice gets the read receipt');
    expect(reads[0]).toMatchObject({ conversationId: conversation.id, readerId: 'bob', seq: 2 });
    const aliceView = alice.getState().byId[conversation.id];
    expect(aliceView?.conversation.otherLastReadSeq).toBe(2);
    expect(aliceView?.messages.every((m) => m.isRead)).toBe(true);
    await waitFor(() => bobTab2.getState().unreadTotal === 0, 'bob tab 2 unread goes to 0');
    expect(bobTab2.getState().byId[conversation.id]?.conversation.lastReadSeq).toBe(2);

    // A reply from bob's second tab shows on his first tab and for alice.
    await bobTab2.sendMessage(conversation.id, 'from my phone');
    await waitFor(() => windowOf(bob, conversation.id).length === 3, 'bob tab 1 sees tab 2 send');
    await waitFor(() => alice.getState().unreadTotal === 1, 'alice has one unread');
    expect(bob.getState().unreadTotal).toBe(0);

    // Presence: alice sees bob go offline once both tabs are gone, and come back.
    const presence: User[] = [];
    alice.on('presence', (u) => presence.push(u));
    expect(alice.getState().users['bob']?.online).toBe(true);
    bob.disconnect();
    bobTab2.disconnect();
    await waitFor(() => alice.getState().users['bob']?.online === false, 'bob offline');
    expect(alice.getState().conversations[0]?.otherUser.online).toBe(false);
    expect(alice.getState().users['bob']?.lastSeenAt).toBeTruthy();
    await bob.connect();
    await waitFor(() => alice.getState().users['bob']?.online === true, 'bob online again');
    expect(presence.map((u) => u.online)).toEqual([false, true]);
  });
});
