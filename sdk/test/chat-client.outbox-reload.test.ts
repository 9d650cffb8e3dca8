import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { memoryStorage } from '../src/index.js';
import type { OutboxStorage } from '../src/index.js';
import { createConversation, makeClient, serverMessages, waitFor, windowOf } from './helpers.js';

describe('the outbox across a reload', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0 } });
  });
  afterAll(() => server.close());

  /** A first "page" of `user`'s that connected once, went offline and left `contents` unsent. */
  async function leftUnsent(user: string, peer: string, contents: string[]) {
    const storage = memoryStorage();
    const conversation = await createConversation(server.url, server.token(user), peer);
    const page = makeClient(server, user, { storage });
    await page.connect();
    page.disconnect();
    for (const content of contents) {
      void page.sendMessage(conversation.id, content).catch(() => undefined);
    }
    await waitFor(() => storage.get(`parley:outbox:${user}`) !== null, 'outbox written');
    return { storage, conversation };
  }

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

  it('sends nothing before a slow storage has answered, then what it held first', async () => {
    const { storage, conversation } = await leftUnsent('erin', 'frank', ['one', 'two']);

    // The next page's storage answers only once told to: its socket connects first (a token in
    // hand starts it at once), and a message sent meanwhile must still go after the older two.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const slow: OutboxStorage = {
      get: (key) => answered.then(() => storage.get(key)),
      set: (key, value) => storage.set(key, value),
      remove: (key) => storage.remove(key),
    };
    const page2 = makeClient(server, 'erin', {
      storage: slow,
      token: server.token('erin', { name: 'erin' }),
      tokenProvider: undefined,
    });
    const connected = page2.connect();
    await waitFor(() => page2.getState().status === 'connected', 'connected before the storage');
    await connected;
    // Sent at once if the outbox started before its storage answered: it would be the first.
    const three = page2.sendMessage(conversation.id, 'three');
    answer();
    expect((await three).seq).toBe(3);
    const stored = await serverMessages(server.url, server.token('erin'), conversation.id);
    expect(stored.map((m) => m.content)).toEqual(['one', 'two', 'three']);
  });

  it('refuses to connect, and leaves no socket open, when the storage cannot be read', async () => {
    const broken: OutboxStorage = {
      get: () => Promise.reject(new Error('the database is locked')),
      set: () => undefined,
      remove: () => undefined,
    };
    const client = makeClient(server, 'gina', {
      storage: broken,
      token: server.token('gina', { name: 'gina' }),
      tokenProvider: undefined,
    });
    const statuses: string[] = [];
    client.on('status', (status) => statuses.push(status));
    await expect(client.connect()).rejects.toMatchObject({
      code: 'internal',
      message:
        "the outbox's storage (the `storage` option) could not be read: the database is locked",
    });
    // Its socket had started beside the storage: on loopback it would be up within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statuses).toEqual(['connecting', 'error']);
    expect(client.getState().status).toBe('error');
  });

  it('keeps each user its own outbox on a shared storage', async () => {
    const { storage, conversation } = await leftUnsent('carol', 'dave', ['from carol']);

    const dave = makeClient(server, 'dave', { storage });
    await dave.connect();
    expect(storage.get('parley:outbox:carol')).not.toBeNull();
    expect(await serverMessages(server.url, server.token('dave'), conversation.id)).toHaveLength(0);
  });
});
