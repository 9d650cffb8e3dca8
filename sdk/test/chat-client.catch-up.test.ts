import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import type { ChatApi } from '../src/chat-api.js';
import type { Message } from '../src/index.js';
import {
  collectMessages,
  makeClient,
  recordRequests,
  serverMessages,
  sleep,
  waitFor,
  windowOf,
} from './helpers.js';

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
  it("keeps a read's count when a list counted before the read lands after it", async () => {
    const alice = makeClient(server, 'kate');
    const bob = makeClient(server, 'liam');
    await Promise.all([alice.connect(), bob.connect()]);
    const conversation = await alice.openConversation('liam');
    for (const text of ['a', 'b', 'c', 'd']) await alice.sendMessage(conversation.id, text);
    await waitFor(() => bob.getState().unreadTotal === 4, 'bob counts four unread');
    // The list that the reconnect's catch-up asks for is counted by the server at once (four
    // unread), but reaches bob only after his read (none): the REST answer and the read's ack
    // travel on different connections, and over a slow link either can come first.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let counted!: () => void;
    const listCounted = new Promise<void>((resolve) => (counted = resolve));
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input).startsWith(`${server.url}/chat/conversations?`)) {
        counted();
        await held;
      }
      return response;
    };
    try {
      server.server.io.in('user:liam').disconnectSockets(true);
      await listCounted;
      await waitFor(() => bob.getState().status === 'connected', 'bob is back');
      expect((await bob.markAsRead(conversation.id)).unreadCount).toBe(0);
      expect(bob.getState().unreadTotal).toBe(0);
      release();
      await sleep(500); // the list lands, and whatever it starts is done
    } finally {
      globalThis.fetch = realFetch;
      release();
    }
    expect(bob.getState().unreadTotal).toBe(0);
    expect(bob.getState().conversations.find((c) => c.id === conversation.id)?.unreadCount).toBe(0);
    expect((await bob.getUnreadCount()).total).toBe(0);
  });
});

describe('the first list, while the socket connects', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0, requests: 0 } });
  });
  afterAll(() => server.close());

  it('shows before the CONNECT, and what is stored before the join still arrives once', async () => {
    const alice = makeClient(server, 'erin');
    const bob = makeClient(server, 'frank');
    await alice.connect();
    const conversation = await alice.openConversation('frank');
    await alice.sendMessage(conversation.id, 'before');

    // Every handshake from now on waits for `release`: bob's socket cannot join, HTTP is served.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.server.io.use((_socket, next) => void held.then(() => next()));
    const seen = collectMessages(bob);
    const connecting = bob.connect();
    await waitFor(() => bob.getState().conversations.length === 1, 'the list, before the socket');
    expect(bob.getState().status).toBe('connecting');
    expect(bob.getState().conversations[0]?.lastMessage?.content).toBe('before');
    expect(bob.getState().unreadTotal).toBe(1);

    // Stored after bob's list was fetched and before his socket is in his room: no live event.
    await alice.sendMessage(conversation.id, 'in between');
    release();
    await connecting;
    await waitFor(() => seen.length === 1, 'the message stored in between');
    await alice.sendMessage(conversation.id, 'live');
    await waitFor(() => seen.length === 2, 'the live message');
    expect(seen.map((m) => m.content)).toEqual(['in between', 'live']);
    expect(bob.getState().unreadTotal).toBe(3);
    expect(bob.getState().conversations[0]?.lastMessage?.content).toBe('live');
    alice.disconnect();
    bob.disconnect();
  });

  it('keeps the newer state when the first list lands after the catch-up and a live message', async () => {
    const alice = makeClient(server, 'ivan');
    const bob = makeClient(server, 'jane');
    await alice.connect();
    const conversation = await alice.openConversation('jane');
    await alice.sendMessage(conversation.id, 'first');

    // The first list request (the one beside the handshake) is answered at once and handed to
    // the SDK only on `release`: an old snapshot that lands last.
    const api = (bob as unknown as { rt: { api: ChatApi } }).rt.api;
    const list = api.listConversations.bind(api);
    let calls = 0;
    let answered = false;
    let handedOver = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    api.listConversations = async (...args) => {
      const first = ++calls === 1;
      const page = await list(...args);
      if (first) {
        answered = true;
        await held;
        handedOver = true;
      }
      return page;
    };
    const seen = collectMessages(bob);
    const connecting = bob.connect();
    await waitFor(() => answered, 'the first list answered');
    await connecting; // the catch-up's own list did not wait for it
    await alice.sendMessage(conversation.id, 'second');
    await waitFor(() => seen.length === 1, 'the live message');
    release();
    // waitFor polls on timers, so the SDK has applied the old page when it sees the flag.
    await waitFor(() => handedOver, 'the old page handed over');
    expect(calls).toBe(2);

    expect(seen.map((m) => m.content)).toEqual(['second']);
    const state = bob.getState();
    expect(state.conversations).toHaveLength(1);
    expect(state.conversations[0]?.lastMessage?.content).toBe('second');
    expect(state.conversations[0]?.lastSeq).toBe(2);
    expect(state.unreadTotal).toBe(2);
    alice.disconnect();
    bob.disconnect();
  });

  it('opens a conversation in step with the list with one request', async () => {
    const alice = makeClient(server, 'gina');
    const bob = makeClient(server, 'hank');
    await Promise.all([alice.connect(), bob.connect()]);
    const conversation = await alice.openConversation('hank');
    for (let i = 1; i <= 3; i++) await alice.sendMessage(conversation.id, `m${i}`);
    await waitFor(() => bob.getState().unreadTotal === 3, 'bob sees three messages');

    const requests = recordRequests(server.url);
    try {
      await bob.loadConversation(conversation.id);
      expect(requests.asked).toEqual([`/chat/conversations/${conversation.id}?limit=50`]);
      expect(windowOf(bob, conversation.id)).toEqual(['1:m1', '2:m2', '3:m3']);
    } finally {
      requests.stop();
    }
    alice.disconnect();
    bob.disconnect();
  });

  it('counts what is unread after a read from the messages it holds, without asking again', async () => {
    const alice = makeClient(server, 'ivan');
    const bob = makeClient(server, 'judy');
    const bobTab2 = makeClient(server, 'judy');
    await Promise.all([alice.connect(), bob.connect(), bobTab2.connect()]);
    const conversation = await alice.openConversation('judy');
    const m1 = await alice.sendMessage(conversation.id, 'm1');
    await waitFor(() => bob.getState().unreadTotal === 1, 'bob sees m1');
    await bob.loadConversation(conversation.id); // the second tab loads nothing
    await alice.sendMessage(conversation.id, 'm2'); // live, into the loaded window
    await waitFor(
      () => bob.getState().unreadTotal === 2 && bobTab2.getState().unreadTotal === 2,
      'both tabs count two unread',
    );
    const unreadOnServer = async (): Promise<number> =>
      (await bob.getUnreadCount()).byConversation[conversation.id] ?? 0;

    // Up to m1: the tab that holds m2 counts it; the other tab holds no window, so it asks.
    let requests = recordRequests(server.url);
    try {
      expect((await bob.markAsRead(conversation.id, m1.id)).unreadCount).toBe(1);
      await waitFor(() => bobTab2.getState().unreadTotal === 1, 'the other tab counts m2');
      await sleep(300); // room for any request the read would start
      expect(requests.asked).toEqual([
        `/chat/conversations/${conversation.id}?limit=200&afterSeq=2`,
      ]);
    } finally {
      requests.stop();
    }
    expect(bob.getState().unreadTotal).toBe(1);

    // Up to the latest: both tabs know that nothing above it is unread.
    requests = recordRequests(server.url);
    try {
      expect((await bob.markAsRead(conversation.id)).unreadCount).toBe(0);
      await waitFor(() => bobTab2.getState().unreadTotal === 0, 'the other tab counts none');
      await sleep(300);
      expect(requests.asked).toEqual([]);
    } finally {
      requests.stop();
    }
    expect(bob.getState().unreadTotal).toBe(0);
    expect(await unreadOnServer()).toBe(0);
    alice.disconnect();
    bob.disconnect();
    bobTab2.disconnect();
  });
});

describe('a backend whose reads lag its writes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0, requests: 0 } });
  });
  afterAll(() => server.close());

  it('asks a replica that has not seen a read yet again with a backoff, not once a round trip', async () => {
    const alice = makeClient(server, 'mona');
    const bob = makeClient(server, 'nils');
    const bobTab2 = makeClient(server, 'nils');
    await Promise.all([alice.connect(), bob.connect(), bobTab2.connect()]);
    const conversation = await alice.openConversation('nils');
    const m1 = await alice.sendMessage(conversation.id, 'm1');
    await alice.sendMessage(conversation.id, 'm2');
    await waitFor(
      () => bob.getState().unreadTotal === 2 && bobTab2.getState().unreadTotal === 2,
      'both tabs count two unread',
    );
    // This tab counts a read from what it holds; the other holds no window, so it asks.
    await bob.loadConversation(conversation.id);
    // What a replica that has not replayed the read yet answers: the page as it was before it.
    const pageUrl = `${server.url}/chat/conversations/${conversation.id}?`;
    const before = await fetch(`${pageUrl}limit=200&afterSeq=2`, {
      headers: { authorization: `Bearer ${server.token('nils')}` },
    });
    expect(before.status).toBe(200);
    const snapshot = await before.text();
    expect(JSON.parse(snapshot)).toMatchObject({
      conversation: { lastReadSeq: 0, unreadCount: 2 },
    });

    let lagging = true;
    let pages = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init); // a real round trip to the server
      if (!String(input).startsWith(pageUrl)) return response;
      pages++;
      if (!lagging) return response;
      await response.arrayBuffer();
      return new Response(snapshot, { headers: { 'content-type': 'application/json' } });
    };
    try {
      expect((await bob.markAsRead(conversation.id, m1.id)).unreadCount).toBe(1);
      await waitFor(() => pages >= 2, 'the other tab asks for a fresh page');
      await sleep(1_500);
      // One page for the read, one asked again at once, then a backoff from 50 ms up to the
      // client's 400: about eight in 1.5 s, where one a round trip made hundreds.
      expect(pages).toBeLessThanOrEqual(12);
      expect(bobTab2.getState().status).toBe('connected');
      expect(bobTab2.getState().unreadTotal).toBe(2); // the count before the read, until a page in step

      lagging = false; // the replica catches up: the next page in step settles the count
      await waitFor(() => bobTab2.getState().unreadTotal === 1, 'the other tab counts m2');
      const settled = pages;
      await sleep(600); // longer than the longest backoff: no page after one in step
      expect(pages).toBe(settled);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(bob.getState().unreadTotal).toBe(1);
    expect((await bobTab2.getUnreadCount()).total).toBe(1);
  });
});
