import type { Message } from '@parley/sdk/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, collect, connectSocket, request, startTestServer } from './support.js';
import type { TestServer, TestSocket } from './support.js';

type SendAck = { ok: true; message: Message } | { ok: false; error: { code: string } };

let server: TestServer;
let sockets: TestSocket[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  await server.close();
});

async function conversation(a: string, b: string): Promise<string> {
  await api(server.url, server.token(b), 'GET', '/chat/unread-count');
  const res = await api<{ conversation: { id: string } }>(
    server.url,
    server.token(a),
    'POST',
    '/chat/conversations',
    { userId: b },
  );
  return res.body.conversation.id;
}

async function connect(userId: string, transports: Array<'websocket' | 'polling'>) {
  const socket = await connectSocket(server.url, server.token(userId), { transports });
  sockets.push(socket);
  return socket;
}

describe('socket transports', () => {
  it('delivers to and acks a client on long-polling, and one that upgrades from it to WebSocket', async () => {
    const id = await conversation('pa', 'pb');
    const polling = await connect('pa', ['polling']);
    const upgrading = await connect('pb', ['polling', 'websocket']);
    if (upgrading.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve) => upgrading.io.engine.once('upgrade', resolve));
    }
    const toPolling = collect<Message>(polling, 'message');
    const toUpgraded = collect<Message>(upgrading, 'message');
    for (const [from, label] of [
      [polling, 'p1'],
      [upgrading, 'u1'],
      [polling, 'p2'],
      [upgrading, 'u2'],
    ] as const) {
      const ack = await request<SendAck>(from, 'sendMessage', {
        conversationId: id,
        content: label,
        clientMessageId: label,
      });
      expect(ack.ok, label).toBe(true);
    }
    await expect.poll(() => [toPolling.length, toUpgraded.length]).toEqual([4, 4]);
    for (const seen of [toPolling, toUpgraded]) {
      expect(seen.map((m) => [m.seq, m.content])).toEqual([
        [1, 'p1'],
        [2, 'u1'],
        [3, 'p2'],
        [4, 'u2'],
      ]);
    }
  });
});
