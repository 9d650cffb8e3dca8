import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { ChatError } from '../src/index.js';
import { api, makeClient, serverMessages, waitFor, windowOf } from './helpers.js';

const ADMIN_KEY = 'admin-key-for-the-sdk-refusal-test';

async function setConnections(server: TestServer, userId: string, userIds: string[]) {
  const res = await api(server.url, ADMIN_KEY, 'PUT', `/admin/users/${userId}/connections`, {
    userIds,
  });
  expect(res.status).toBeLessThan(300);
}

describe('a send refused for good', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { messages: 0 },
      requireConnections: true,
      adminKey: ADMIN_KEY,
    });
  });
  afterAll(() => server.close());

  it('fails that message alone; the ones after it still go', async () => {
    await setConnections(server, 'alice', ['bob', 'carol']);
    const alice = makeClient(server, 'alice');
    await alice.connect();
    const withBob = await alice.openConversation('bob');
    const withCarol = await alice.openConversation('carol');
    await Promise.all([alice.loadConversation(withBob.id), alice.loadConversation(withCarol.id)]);
    const errors: ChatError[] = [];
    alice.on('error', (e) => errors.push(e));

    // Too long: refused before it leaves, kept as failed; the next ones go.
    const tooLong = alice.sendMessage(withBob.id, 'x'.repeat(4001));
    const after1 = alice.sendMessage(withBob.id, 'after the long one');
    const err1 = await tooLong.catch((e: unknown) => e);
    expect(err1).toBeInstanceOf(ChatError);
    expect(err1).toMatchObject({ code: 'payload_too_large', status: 413, retryable: false });
    expect((await after1).seq).toBe(1);

    // Forbidden by the server: carol is no longer a connection.
    await setConnections(server, 'alice', ['bob']);
    const forbidden = alice.sendMessage(withCarol.id, 'hello carol');
    const alsoForbidden = alice.sendMessage(withCarol.id, 'still there?');
    const toBob = alice.sendMessage(withBob.id, 'bob is fine');
    const err2 = await forbidden.catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 'forbidden', status: 403, retryable: false });
    await expect(alsoForbidden).rejects.toMatchObject({ code: 'forbidden' });
    expect((await toBob).seq).toBe(2);
    expect(errors).toHaveLength(0); // refusals go to the awaiting caller, not to `error`

    // The state shows the failures where they were written, with their errors.
    const bobWindow = alice.getState().byId[withBob.id]?.messages ?? [];
    expect(bobWindow.map((m) => m.status)).toEqual(['sent', 'sent', 'failed']);
    expect(bobWindow.find((m) => m.status === 'failed')?.error?.code).toBe('payload_too_large');
    const carolWindow = alice.getState().byId[withCarol.id]?.messages ?? [];
    expect(carolWindow.map((m) => [m.status, m.error?.code])).toEqual([
      ['failed', 'forbidden'],
      ['failed', 'forbidden'],
    ]);
    expect(windowOf(alice, withBob.id)).toEqual(['1:after the long one', '2:bob is fine']);

    // Retry once allowed again: same clientMessageId, stored once. Discard drops the other.
    await setConnections(server, 'alice', ['bob', 'carol']);
    const first = carolWindow[0]!;
    const retried = await alice.retryMessage(withCarol.id, first.clientMessageId);
    expect(retried.clientMessageId).toBe(first.clientMessageId);
    alice.discardMessage(withCarol.id, carolWindow[1]!.clientMessageId);
    await waitFor(
      () => alice.getState().byId[withCarol.id]?.messages.length === 1,
      'the discarded message is gone',
    );
    expect(windowOf(alice, withCarol.id)).toEqual(['1:hello carol']);
    const onServer = await serverMessages(server.url, server.token('alice'), withCarol.id);
    expect(onServer.map((m) => m.content)).toEqual(['hello carol']);
    await expect(alice.retryMessage(withCarol.id, 'no-such-id')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(alice.sendMessage(withBob.id, '   ')).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
