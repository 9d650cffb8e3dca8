import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signToken, spawnServerProcess } from '../../reference-server/test/support.js';
import type { ServerProcess } from '../../reference-server/test/support.js';
import type { ChatClient, Conversation, Message } from '../src/index.js';
import {
  collectMessages,
  createConversation,
  makeClient,
  serverMessages,
  waitFor,
} from './helpers.js';

const CLIENTS = 5;
const SENDS = 200;

describe('server killed with SIGKILL mid-burst', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sdk-crash-'));
  const db = join(dir, 'chat.db');
  let proc: ServerProcess | undefined;
  afterAll(async () => {
    await proc?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every message exactly once, without a seq gap, and every client agrees', async () => {
    const args = ['--rate-limit-messages', '0'];
    proc = await spawnServerProcess({ db, args });
    const { url, port } = proc;
    const signer = { url, token: (id: string) => signToken(id) };
    const users = Array.from({ length: CLIENTS }, (_, i) => `user${i}`);

    // user i writes to user i+1: five conversations, each client sends in one, receives in one.
    const conversations: Conversation[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      conversations.push(
        await createConversation(url, signToken(users[i]!), users[(i + 1) % CLIENTS]!),
      );
    }
    const clients: ChatClient[] = users.map((u) => makeClient(signer, u));
    await Promise.all(clients.map((c) => c.connect()));
    await Promise.all(
      clients.flatMap((c, i) => [
        c.loadConversation(conversations[i]!.id),
        c.loadConversation(conversations[(i + CLIENTS - 1) % CLIENTS]!.id),
      ]),
    );
    const seen = clients.map((c) => collectMessages(c));

    let acked = 0;
    const sends: Promise<Message>[] = [];
    clients.forEach((client, i) => {
      for (let n = 1; n <= SENDS; n++) {
        const sending = client.sendMessage(conversations[i]!.id, `${users[i]} #${n}`);
        void sending.then(() => acked++);
        sends.push(sending);
      }
    });

    // Kill the server while sends are in flight, then restart it on the same port and database.
    await waitFor(() => acked >= 150, 'some sends acked before the crash', 60_000);
    expect(acked).toBeLessThan(CLIENTS * SENDS);
    await proc.kill('SIGKILL');
    proc = await spawnServerProcess({ db, args, port });

    const stored = await Promise.all(sends);
    expect(stored).toHaveLength(CLIENTS * SENDS);

    for (let i = 0; i < CLIENTS; i++) {
      const conv = conversations[i]!;
      const onServer = await serverMessages(url, signToken(users[i]!), conv.id);
      // Exactly once, in the order written, seq 1..200 with no gap.
      expect(onServer.map((m) => m.content)).toEqual(
        Array.from({ length: SENDS }, (_, n) => `${users[i]} #${n + 1}`),
      );
      expect(onServer.map((m) => m.seq)).toEqual(Array.from({ length: SENDS }, (_, n) => n + 1));
      const expected = onServer.map((m) => `${m.id}:${m.seq}`);

      // Sender and receiver both hold exactly the server's messages, and heard each once.
      const receiver = (i + 1) % CLIENTS;
      for (const c of [i, receiver]) {
        const client = clients[c]!;
        await waitFor(
          () => (client.getState().byId[conv.id]?.messages.length ?? 0) === SENDS,
          `client ${c} holds all of conversation ${i}`,
          30_000,
        );
        const window = client.getState().byId[conv.id]!.messages;
        expect(window.every((m) => m.status === 'sent')).toBe(true);
        expect(window.map((m) => `${m.id}:${m.seq}`)).toEqual(expected);
        const heard = seen[c]!.filter((m) => m.conversationId === conv.id);
        expect(heard.map((m) => m.id)).toEqual(onServer.map((m) => m.id));
        expect(client.getState().conversations.find((x) => x.id === conv.id)?.lastSeq).toBe(SENDS);
      }
      expect(clients[receiver]!.getState().unreadByConversation[conv.id]).toBe(SENDS);
    }
  }, 120_000);
});
