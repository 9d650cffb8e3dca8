import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { memoryStorage } from '../src/index.js';
import { createConversation, makeClient, serverMessages, waitFor, windowOf } from './helpers.js';

describe('the outbox across a reload', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0 } });
  });
  afterAll(() => server.close());

  it('resends what a previous page left unsent, in order, once', async () => {
    const storage = memoryStorage();
    const conversation = await createConversation(server.url, server.token('alice'), 'bob');

    // The first "page": connected once, then offline; its sends wait in the outbox.
    const page1 = makeClient(server, 'alice', { storage });
    await page1.connect();
    await page1.loadConversation(conversation.id);
    page1.disconnect();
    void page1.sendMessage(conversation.id, 'one').catch(() => undefined);
    void page1.sendMessage(conversation.id, 'two').catch(() => undefined);
    void page1.sendMessage(conversation.id, 'three').catch(() => undefined);
    const pending = page1.getState().byId[conversation.id]?.messages ?? [];
    expect(pending.map((m) => [m.content, m.status])).toEqual([
      ['one', 'pending'],
      ['two', 'pending'],
      ['three', 'pending'],
    ]);
    await waitFor(() => storage.get('parley:outbox:alice') !== null, 'outbox written');
    const ids = pending.map((m) => m.clientMessageId);

    // The page reloads: a new client on the same storage sends them with the same ids.
    const page2 = makeClient(server, 'alice', { storage });
    await page2.connect();
    await page2.loadConversation(conversation.id);
    await waitFor(() => windowOf(page2, conversation.id).length === 3, 'resent after reload');
    expect(windowOf(page2, conversation.id)).toEqual(['1:one', '2:two', '3:three']);
    const onServer = await serverMessages(server.url, server.token('alice'), conversation.id);
    expect(onServer.map((m) => m.clientMessageId)).toEqual(ids);
    await waitFor(() => storage.get('parley:outbox:alice') === null, 'outbox emptied');

    // The old page coming back online resends the same ids: deduplicated, never stored twice.
    const page3 = makeClient(server, 'alice', { storage });
    await page3.connect();
    expect(await serverMessages(server.url, server.token('alice'), conversation.id)).toHaveLength(
      3,
    );
  });

  it('keeps each user its own outbox on a shared storage', async () => {
    const storage = memoryStorage();
    const conversation = await createConversation(server.url, server.token('carol'), 'dave');
    const carol = makeClient(server, 'carol', { storage });
    await carol.connect();
    carol.disconnect();
    void carol.sendMessage(conversation.id, 'from carol').catch(() => undefined);
    await waitFor(() => storage.get('parley:outbox:carol') !== null, 'outbox written');

    const dave = makeClient(server, 'dave', { storage });
    await dave.connect();
    expect(storage.get('parley:outbox:carol')).not.toBeNull();
    expect(await serverMessages(server.url, server.token('dave'), conversation.id)).toHaveLength(0);
  });
});
