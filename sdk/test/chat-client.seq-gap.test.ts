import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { collectMessages, makeClient, waitFor, windowOf } from './helpers.js';

describe('a dropped live message', () => {
  let server: TestServer;
  const dropped: number[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { messages: 0 },
      testHooks: {
        // Bob never gets the live events of seq 3 and 4.
        dropMessageEvent: (message, recipient) => {
          const drop = recipient === 'bob' && (message.seq === 3 || message.seq === 4);
          if (drop) dropped.push(message.seq);
          return drop;
        },
      },
    });
  });
  afterAll(() => server.close());

  it('is detected by the seq gap and fetched, keeping the order', async () => {
    const alice = makeClient(server, 'alice');
    const bob = makeClient(server, 'bob');
    await Promise.all([alice.connect(), bob.connect()]);
    const conversation = await alice.openConversation('bob');
    await bob.loadConversation(conversation.id);
    const seen = collectMessages(bob);

    for (let i = 1; i <= 6; i++) await alice.sendMessage(conversation.id, `m${i}`);
    await waitFor(() => seen.length === 6, 'all six messages');
    expect(dropped).toEqual([3, 4]);
    expect(seen.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(windowOf(bob, conversation.id)).toEqual([
      '1:m1',
      '2:m2',
      '3:m3',
      '4:m4',
      '5:m5',
      '6:m6',
    ]);
    expect(bob.getState().unreadTotal).toBe(6);
  });
});
