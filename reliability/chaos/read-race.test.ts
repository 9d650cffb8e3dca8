/**
 * The race behind the one client-state mismatch that the network chaos run found: a read result
 * (socket ack or REST answer) carries an absolute `unreadCount` computed when the server handled
 * the read; when a newer message reaches the client first by another path (a catch-up or page
 * fetch over REST), applying that count afterwards undercounts for good.
 *
 * Made deterministic with the proxy: the WebSocket's server-to-client direction lags 600 ms, REST
 * does not. Found by the network chaos run; fixed in `ChatClient.markAsRead()`, which now fetches
 * the conversation's gap after applying a read result (docs/reliability.md, "Bugs found").
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
import type { Conversation } from '../../sdk/src/index.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { seededRandom } from '../support/random.js';
import { sleep, until } from '../support/scale.js';

describe('a read result racing a newer message', () => {
  let server: TestServer | undefined;
  let proxy: ChaosProxy | undefined;
  let client: ChatClient | undefined;
  let bob: TestSocket | undefined;
  afterAll(async () => {
    client?.disconnect();
    bob?.close();
    await proxy?.close();
    await server?.close();
  });

  it('keeps the unread count equal to the recount (an SDK bug this test found, now fixed)', async () => {
    server = await startTestServer();
    proxy = new ChaosProxy(server.port, seededRandom(1));
    await proxy.listen();
    const { body } = await api<{ conversation: Conversation }>(
      server.url,
      signToken('bob'),
      'POST',
      '/chat/conversations',
      { userId: 'ann' },
    );
    const conversationId = body.conversation.id;
    bob = await connectSocket(server.url, signToken('bob'));
    const send = (n: number): Promise<unknown> =>
      request(bob!, 'sendMessage', { conversationId, content: `m${n}`, clientMessageId: `m${n}` });
    await send(1);

    client = new ChatClient({
      url: proxy.url,
      tokenProvider: () => signToken('ann'),
      storage: memoryStorage(),
      transports: ['websocket'],
    });
    await client.connect();
    await client.loadConversation(conversationId);
    expect(client.getState().unreadByConversation[conversationId]).toBe(1);

    proxy.setLag({ ws: 600 });
    const reading = client.markAsRead(conversationId); // handled now, acked 600 ms later
    await sleep(150);
    await send(2); // stored after the read: unread is 1 again on the server
    await client.getMessages(conversationId, { afterSeq: 1 }); // m2 arrives first, over REST
    await reading;
    proxy.setLag({});

    const truth = await api<{ byConversation: Record<string, number> }>(
      server.url,
      signToken('ann'),
      'GET',
      '/chat/unread-count',
    );
    expect(truth.body.byConversation[conversationId]).toBe(1);
    await until(
      () => client!.getState().unreadByConversation[conversationId] === 1,
      'the client to count m2 as unread',
      3000,
    );
  });
});

/**
 * The other mismatch the network chaos run found: a stall longer than the ack timeout. The SDK
 * gave up on the ack and the caller got `timeout`, but the server had moved the cursor, and it
 * tells of a read only the reader's other sockets: the client kept its old cursor and unread
 * count for good. The late ack is now applied when it comes.
 */
describe('a read acked after the timeout', () => {
  let server: TestServer | undefined;
  let proxy: ChaosProxy | undefined;
  let client: ChatClient | undefined;
  afterAll(async () => {
    client?.disconnect();
    await proxy?.close();
    await server?.close();
  });

  it('still moves the client to the cursor the server holds', async () => {
    server = await startTestServer();
    proxy = new ChaosProxy(server.port, seededRandom(2));
    await proxy.listen();
    const { body } = await api<{ conversation: Conversation }>(
      server.url,
      signToken('bob'),
      'POST',
      '/chat/conversations',
      { userId: 'ann' },
    );
    const conversationId = body.conversation.id;
    const bob = await connectSocket(server.url, signToken('bob'));
    for (const n of [1, 2, 3]) {
      await request(bob, 'sendMessage', {
        conversationId,
        content: `m${n}`,
        clientMessageId: `m${n}`,
      });
    }
    bob.close();

    client = new ChatClient({
      url: proxy.url,
      tokenProvider: () => signToken('ann'),
      storage: memoryStorage(),
      transports: ['websocket'],
      ackTimeoutMs: 200,
    });
    await client.connect();
    await client.loadConversation(conversationId);
    expect(client.getState().unreadByConversation[conversationId]).toBe(3);

    proxy.setLag({ ws: 600 }); // the ack comes 600 ms after the read, the SDK waits 200
    await expect(client.markAsRead(conversationId)).rejects.toMatchObject({ code: 'timeout' });
    proxy.setLag({});

    const conversation = (): Conversation | undefined =>
      client!.getState().byId[conversationId]?.conversation;
    await until(
      () => conversation()?.lastReadSeq === 3,
      'the client to hold the cursor that the server moved',
      3000,
    );
    expect(client.getState().unreadByConversation[conversationId]).toBe(0);
    expect(client.getState().byId[conversationId]?.messages.every((m) => m.isRead)).toBe(true);
  });
});
