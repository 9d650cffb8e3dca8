import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import type { Message } from '../src/index.js';
import { collectMessages, makeClient, serverMessages, waitFor, windowOf } from './helpers.js';

describe('catch-up after a disconnect', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0, requests: 0 } });
  });
  afterAll(() => server.close());

  it('delivers 500 messages sent while the receiver was away, in order, once', async () => {
    const alice = makeClient(server, 'alice');
    const bob = makeClient(server, 'bob');
    await Promise.all([alice.connect(), bob.connect()]);
    const conversation = await alice.openConversation('bob');
    await alice.sendMessage(conversation.id, 'before');
    await waitFor(() => bob.getState().unreadTotal === 1, 'bob sees the first message');
    await bob.loadConversation(conversation.id);
    const seen = collectMessages(bob);

    bob.disconnect();
    const sends: Promise<Message>[] = [];
    for (let i = 1; i <= 500; i++) sends.push(alice.sendMessage(conversation.id, `m${i}`));
    const stored = await Promise.all(sends);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 2));
    expect(seen).toHaveLength(0);

    await bob.connect();
    await waitFor(() => seen.length >= 500, '500 messages after reconnect', 30_000);
    expect(seen.map((m) => m.content)).toEqual(Array.from({ length: 500 }, (_, i) => `m${i + 1}`));
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 2));
    expect(new Set(seen.map((m) => m.id)).size).toBe(500);

    // The state matches the server's, message for message, and the counts agree.
    const onServer = await serverMessages(server.url, server.token('bob'), conversation.id);
    expect(windowOf(bob, conversation.id)).toEqual(onServer.map((m) => `${m.seq}:${m.content}`));
    expect(bob.getState().unreadTotal).toBe(501);
    expect(bob.getState().conversations[0]?.lastMessage?.content).toBe('m500');

    // Nothing more arrives later: no duplicate from a live event racing the catch-up.
    await alice.sendMessage(conversation.id, 'after');
    await waitFor(() => seen.length === 501, 'the live message after catch-up');
    expect(seen.at(-1)?.content).toBe('after');
  });

  it('catches up after the server drops the sockets, with each handler still called once', async () => {
    const alice = makeClient(server, 'carol');
    const bob = makeClient(server, 'dave');
    await Promise.all([alice.connect(), bob.connect()]);
    const conversation = await alice.openConversation('dave');
    await bob.loadConversation(conversation.id);
    const seen = collectMessages(bob);
    const statuses: string[] = [];
    bob.on('status', (s) => statuses.push(s));

    for (let round = 1; round <= 3; round++) {
      const drops = statuses.filter((s) => s === 'reconnecting').length;
      // The server closes dave's sockets itself ("io server disconnect": no auto-reconnect).
      server.server.io.in('user:dave').disconnectSockets(true);
      await waitFor(() => statuses.filter((s) => s === 'reconnecting').length > drops, 'dropped');
      await alice.sendMessage(conversation.id, `while away ${round}`);
      await waitFor(() => bob.getState().status === 'connected', `round ${round}: back`);
      await alice.sendMessage(conversation.id, `live ${round}`);
      await waitFor(() => seen.length === round * 2, `round ${round}: messages`);
    }
    expect(seen.map((m) => m.content)).toEqual([
      'while away 1',
      'live 1',
      'while away 2',
      'live 2',
      'while away 3',
      'live 3',
    ]);
    expect(statuses.filter((s) => s === 'connected')).toHaveLength(3);
  });
});
