import type { ContactsResponse, Conversation } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, request, startTestServer } from './support.js';
import type { TestServer } from './support.js';

const ADMIN_KEY = 'admin-key-for-tests-0123456789abcdef';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ adminKey: ADMIN_KEY, requireConnections: true });
});
afterAll(() => server.close());

const admin = (method: string, path: string, body?: unknown) =>
  api(server.url, ADMIN_KEY, method, path, body);

describe('admin API', () => {
  it('refuses calls without the admin key, or with a user token', async () => {
    expect((await api(server.url, null, 'PUT', '/admin/users/u1', { name: 'x' })).status).toBe(401);
    expect(
      (await api(server.url, server.token('u1'), 'PUT', '/admin/users/u1', { name: 'x' })).status,
    ).toBe(401);
    expect(
      (await api(server.url, 'admin-key-for-tests-0123456789abcdeX', 'PUT', '/admin/users/u1', {}))
        .status,
    ).toBe(401);
  });

  it('upserts a profile and validates it', async () => {
    const res = await admin('PUT', '/admin/users/pat', {
      name: 'Pat Lee',
      avatarUrl: 'https://img.example/pat.png',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: 'pat', name: 'Pat Lee', avatarUrl: 'https://img.example/pat.png', online: false },
    });
    for (const body of [
      { avatarUrl: 'javascript:alert(1)' },
      { name: 'x'.repeat(101) },
      { role: 'admin' },
      { name: 5 },
    ]) {
      expect((await admin('PUT', '/admin/users/pat', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('is off when no admin key is configured', async () => {
    const plain = await startTestServer();
    try {
      expect((await api(plain.url, ADMIN_KEY, 'PUT', '/admin/users/x', {})).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('required connections', () => {
  it('forbids starting a conversation or sending to a non-connection', async () => {
    const res = await api(server.url, server.token('nia'), 'POST', '/chat/conversations', {
      userId: 'oli',
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    const socket = await connectSocket(server.url, server.token('nia'));
    try {
      const ack = await request(socket, 'sendMessage', {
        toUserId: 'oli',
        content: 'hi',
        clientMessageId: 'n1',
      });
      expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      socket.close();
    }
  });

  it('allows connections both ways, lists them as contacts, and forbids again once removed', async () => {
    expect(
      (await admin('PUT', '/admin/users/rae/connections', { userIds: ['sam', 'rae'] })).status,
    ).toBe(200);
    await admin('PUT', '/admin/users/sam', { name: 'Sam Ortiz' });
    const created = await api<{ conversation: Conversation }>(
      server.url,
      server.token('sam'),
      'POST',
      '/chat/conversations',
      { userId: 'rae' },
    );
    expect(created.status).toBe(201);
    const contacts = await api<ContactsResponse>(
      server.url,
      server.token('rae'),
      'GET',
      '/chat/contacts',
    );
    expect(contacts.body.users.map((u) => u.id)).toEqual(['sam']);
    const socket = await connectSocket(server.url, server.token('rae'));
    try {
      const id = created.body.conversation.id;
      expect(
        await request(socket, 'sendMessage', {
          conversationId: id,
          content: 'ok',
          clientMessageId: 'r1',
        }),
      ).toMatchObject({ ok: true });
      await admin('PUT', '/admin/users/sam/connections', { userIds: [] });
      expect(
        await request(socket, 'sendMessage', {
          conversationId: id,
          content: 'no',
          clientMessageId: 'r2',
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      const none = await api<ContactsResponse>(
        server.url,
        server.token('rae'),
        'GET',
        '/chat/contacts',
      );
      expect(none.body.users).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('refuses malformed connection lists', async () => {
    for (const body of [{ userIds: 'sam' }, { userIds: [1] }, { userIds: [''] }, {}]) {
      expect(
        (await admin('PUT', '/admin/users/rae/connections', body)).status,
        JSON.stringify(body),
      ).toBe(400);
    }
  });
});
