import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { ChatClient, ChatError as ChatErrorClass, memoryStorage } from '../src/index.js';
import type { ChatError, Message } from '../src/index.js';
import { collectMessages, makeClient, serverMessages, sleep, waitFor } from './helpers.js';

describe('token expiry', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { messages: 0, requests: 0, handshakes: 0 } });
  });
  afterAll(() => server.close());

  it('refreshes through tokenProvider and loses no send', async () => {
    let issued = 0;
    const alice = makeClient(server, 'alice', {
      tokenProvider: () => {
        issued++;
        return server.token('alice', { expiresIn: 2 });
      },
    });
    const bob = makeClient(server, 'bob');
    await Promise.all([alice.connect(), bob.connect()]);
    const conversation = await alice.openConversation('bob');
    await bob.loadConversation(conversation.id);
    const seen = collectMessages(bob);
    const statuses: string[] = [];
    alice.on('status', (s) => statuses.push(s));

    // Keep sending across several expiries (each one ends alice's socket with token_expired).
    const sends: Promise<Message>[] = [];
    for (let i = 1; i <= 25; i++) {
      sends.push(alice.sendMessage(conversation.id, `m${i}`));
      await sleep(200);
    }
    const stored = await Promise.all(sends);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await waitFor(() => seen.length === 25, 'bob gets all 25');
    expect(seen.map((m) => m.content)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i + 1}`));
    const onServer = await serverMessages(server.url, server.token('bob'), conversation.id);
    expect(onServer).toHaveLength(25);
    expect(issued).toBeGreaterThan(2);
    // Tokens expire every 1 to 2 s, so the status may be caught mid-reconnect: it must come back.
    await waitFor(() => alice.getState().status === 'connected', 'alice is connected again');
    // REST keeps working with refreshed tokens too.
    expect((await alice.getConversations()).map((c) => c.id)).toContain(conversation.id);
    expect(statuses).toContain('reconnecting');
  });

  it('without a tokenProvider, an expired token ends in status error', async () => {
    const client = new ChatClient({
      url: server.url,
      token: server.token('erin', { expiresIn: 2 }), // 1 to 2 s left: exp is in whole seconds
      storage: memoryStorage(),
      transports: ['websocket'],
      reconnectDelayMs: 50,
    });
    const errors: ChatError[] = [];
    client.on('error', (e) => errors.push(e));
    try {
      await client.connect();
      await waitFor(() => client.getState().status === 'error', 'status error');
      expect(errors.map((e) => e.code)).toContain('token_expired');
    } finally {
      client.disconnect();
    }
    const refused = new ChatClient({
      url: server.url,
      token: 'not-a-jwt',
      storage: memoryStorage(),
      transports: ['websocket'],
    });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(refused.getState().status).toBe('error');
    refused.disconnect();
  });
});

describe('token provider failures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('retries a provider whose backend is unreachable, then connects', async () => {
    let calls = 0;
    const client = makeClient(server, 'fay', {
      tokenProvider: () => {
        calls++;
        if (calls <= 2) throw new TypeError('fetch failed');
        return server.token('fay');
      },
    });
    const errors: ChatError[] = [];
    const statuses: string[] = [];
    client.on('error', (e) => errors.push(e));
    client.on('status', (s) => statuses.push(s));
    await client.connect();
    expect(client.getState().status).toBe('connected');
    expect(errors.map((e) => [e.code, e.retryable])).toEqual([
      ['network', true],
      ['network', true],
    ]);
    expect(statuses).toContain('reconnecting');
  });

  it('stops when the provider refuses with a ChatError, and disconnect() ends a retrying start', async () => {
    const refused = makeClient(server, 'gus', {
      tokenProvider: () => {
        throw new ChatErrorClass('unauthorized', 'signed out');
      },
    });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(refused.getState().status).toBe('error');

    const unreachable = makeClient(server, 'hal', {
      tokenProvider: () => {
        throw new TypeError('fetch failed');
      },
    });
    const pending = unreachable.connect();
    await sleep(100);
    unreachable.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(unreachable.getState().status).toBe('offline');
  });
});
