/**
 * Three races of a read that the network chaos run found, each made deterministic with the proxy
 * (one direction lags: the WebSocket's server-to-client, or REST's) and fixed in
 * `ChatClient.markAsRead()` or the gap fetch after it (docs/reliability.md, "Bugs found").
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  request,
  signToken,
  startTestServer,
} from '../../reference-server/test/support.js';
import type { TestServer, TestSocket } from '../../reference-server/test/support.js';
import { ChatClient, memoryStorage } from '../../sdk/src/index.js';
import type { ChatClientOptions, Conversation } from '../../sdk/src/index.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { seededRandom } from '../support/random.js';
import { sleep, until } from '../support/scale.js';

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * A server with the proxy in front of it, and Bob's conversation with Ann. Bob sends over a
 * socket of his own, straight to the server; Ann is a ChatClient behind the proxy.
 */
async function stage(seed: number) {
  const server: TestServer = await startTestServer();
  cleanups.push(() => server.close());
  const proxy = new ChaosProxy(server.port, seededRandom(seed));
  await proxy.listen();
  cleanups.push(() => proxy.close());
  const { body } = await api<{ conversation: Conversation }>(
    server.url,
    signToken('bob'),
    'POST',
    '/chat/conversations',
    { userId: 'ann' },
  );
  const conversationId = body.conversation.id;
  const bob: TestSocket = await connectSocket(server.url, signToken('bob'));
  cleanups.push(() => bob.close());
  return {
    server,
    proxy,
    conversationId,
    send: (n: number): Promise<unknown> =>
      request(bob, 'sendMessage', { conversationId, content: `m${n}`, clientMessageId: `m${n}` }),
    /** Ann, connected through the proxy, with the conversation loaded. */
    ann: async (options: Partial<ChatClientOptions> = {}): Promise<ChatClient> => {
      const client = new ChatClient({
        url: proxy.url,
        tokenProvider: () => signToken('ann'),
        storage: memoryStorage(),
        transports: ['websocket'],
        ...options,
      });
      cleanups.push(() => client.disconnect());
      await client.connect();
      await client.loadConversation(conversationId);
      return client;
    },
  };
}

type Staged = Awaited<ReturnType<typeof stage>>;

/**
 * Ann reads m1 (handled now, acked 600 ms later over the lagging WebSocket); m2 is stored after
 * the read and reaches her first over REST. Resolves with the read applied, the lag still on.
 */
async function readRacedByM2(
  { proxy, conversationId, send, ann }: Staged,
  options: Partial<ChatClientOptions> = {},
): Promise<ChatClient> {
  await send(1);
  const client = await ann(options);
  expect(client.getState().unreadByConversation[conversationId]).toBe(1);
  proxy.setLag({ ws: 600 });
  const reading = client.markAsRead(conversationId);
  await sleep(150);
  await send(2); // stored after the read: unread is 1 again on the server
  await client.getMessages(conversationId, { afterSeq: 1 }); // m2 arrives first, over REST
  await reading;
  return client;
}

/** The server's unread count for Ann is `n`, and the client comes to the same within `ms`. */
async function expectUnread(
  { server, conversationId }: Staged,
  client: ChatClient,
  n: number,
  label: string,
  ms = 3000,
): Promise<void> {
  const truth = await api<{ byConversation: Record<string, number> }>(
    server.url,
    signToken('ann'),
    'GET',
    '/chat/unread-count',
  );
  expect(truth.body.byConversation[conversationId]).toBe(n);
  await until(() => client.getState().unreadByConversation[conversationId] === n, label, ms);
}

/**
 * A read result (socket ack or REST answer) carries an absolute `unreadCount` computed when the
 * server handled the read; when a newer message reaches the client first by another path (a
 * catch-up or page fetch over REST), applying that count afterwards undercounts for good. Fixed
 * by a gap fetch after applying a read result.
 */
describe('a read result racing a newer message', () => {
  it('keeps the unread count equal to the recount (an SDK bug this test found, now fixed)', async () => {
    const staged = await stage(1);
    const client = await readRacedByM2(staged);
    staged.proxy.setLag({});
    await expectUnread(staged, client, 1, 'the client to count m2 as unread');
  });
});

/**
 * A stall longer than the ack timeout: the SDK gave up on the ack and the caller got `timeout`,
 * but the server had moved the cursor, and it tells of a read only the reader's other sockets:
 * the client kept its old cursor and unread count for good. The late ack is now applied.
 */
describe('a read acked after the timeout', () => {
  it('still moves the client to the cursor the server holds', async () => {
    const { proxy, conversationId, send, ann } = await stage(2);
    for (const n of [1, 2, 3]) await send(n);
    const client = await ann({ ackTimeoutMs: 200 });
    expect(client.getState().unreadByConversation[conversationId]).toBe(3);

    proxy.setLag({ ws: 600 }); // the ack comes 600 ms after the read, the SDK waits 200
    await expect(client.markAsRead(conversationId)).rejects.toMatchObject({ code: 'timeout' });
    proxy.setLag({});

    await until(
      () => client.getState().byId[conversationId]?.conversation.lastReadSeq === 3,
      'the client to hold the cursor that the server moved',
      3000,
    );
    expect(client.getState().unreadByConversation[conversationId]).toBe(0);
    expect(client.getState().byId[conversationId]?.messages.every((m) => m.isRead)).toBe(true);
  });
});

/**
 * The gap fetch after a read result re-applies the server's exact count only when its page is in
 * step with the client. A message that came live while that page was on its way leaves the page's
 * count behind the client: the count must still end equal to the recount.
 */
describe('a read result whose gap fetch a live message overtakes', () => {
  it('keeps the unread count equal to the recount', async () => {
    const staged = await stage(3);
    const client = await readRacedByM2(staged); // its count (0) applied, its gap fetch sent
    staged.proxy.setLag({ http: 600 }); // the gap fetch's page comes late, live events at once
    await sleep(100);
    await staged.send(3); // after the page was made: it arrives live, before the page
    await sleep(900);
    staged.proxy.setLag({});
    await expectUnread(staged, client, 2, 'the client to count m2 and m3 as unread');
  });
});

/** The same under a stream: every page of the gap fetch is overtaken, for three seconds. */
describe('a read result whose gap fetches a stream of live messages keeps overtaking', () => {
  it('ends equal to the recount once the stream stops', async () => {
    const staged = await stage(4);
    const client = await readRacedByM2(staged, { reconnectDelayMs: 50, reconnectDelayMaxMs: 400 });
    staged.proxy.setLag({ http: 600 }); // each page of the gap fetch takes 600 ms, live events none
    for (let n = 3; n <= 17; n++) {
      await sleep(200);
      await staged.send(n);
    }
    staged.proxy.setLag({});
    // 5 s: the last round waits for a backoff.
    await expectUnread(staged, client, 16, 'the client to count m2 to m17 as unread', 5000);
  });
});
