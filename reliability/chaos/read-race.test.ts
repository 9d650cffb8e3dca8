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
