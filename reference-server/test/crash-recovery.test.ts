import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationPageResponse, Message } from '@parley/sdk/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { api, connectSocket, signToken, spawnServerProcess } from './support.js';
import type { TestSocket } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability', () => {
  it('keeps every acked message, once, across a SIGKILL right after a burst of acks', async () => {
    const db = join(dir, 'chat.db');
    const env = { CHAT_RATE_LIMIT_MESSAGES: '0' };
    const first = await spawnServerProcess({ db, env });
    const users = ['ann', 'ben', 'cat', 'dan', 'eve'];
    const tokens = Object.fromEntries(users.map((u) => [u, signToken(u)]));
    const convo = await api<{ conversation: { id: string } }>(
      first.url,
      tokens.ann!,
      'POST',
      '/chat/conversations',
      { userId: 'ben' },
    );
    const conversationId = convo.body.conversation.id;
    const sockets: TestSocket[] = [];
    for (const user of ['ann', 'ben'])
      for (let i = 0; i < 3; i++) sockets.push(await connectSocket(first.url, tokens[user]!));

    const acked: Message[] = [];
    let sent = 0;
    let killed = false;
    // Every socket keeps sending until the server dies; the kill comes right after the 300th ack.
    const senders = sockets.map(
      (socket, i) =>
        new Promise<void>((resolve) => {
          const next = (): void => {
            if (killed) return resolve();
            const clientMessageId = `s${i}-${sent++}`;
            socket.emit(
              'sendMessage',
              { conversationId, content: clientMessageId, clientMessageId },
              (ack: { ok: boolean; message?: Message }) => {
                if (ack.ok && ack.message) acked.push(ack.message);
                if (acked.length >= 300 && !killed) {
                  killed = true;
                  first.child.kill('SIGKILL');
                }
                next();
              },
            );
          };
          socket.once('disconnect', () => resolve());
          for (let k = 0; k < 4; k++) next();
        }),
    );
    await Promise.all(senders);
    expect(await first.kill()).toBeNull(); // killed by signal: no exit code
    for (const s of sockets) s.close();
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const second = await spawnServerProcess({ db, env, port: first.port });
    try {
      const stored: Message[] = [];
      let after = 0;
      for (;;) {
        const page = await api<ConversationPageResponse>(
          second.url,
          tokens.ann!,
          'GET',
          `/chat/conversations/${conversationId}?limit=200&afterSeq=${after}`,
        );
        stored.push(...page.body.messages);
        if (!page.body.hasMore) break;
        after = page.body.messages.at(-1)!.seq;
      }
      const byId = new Map(stored.map((m) => [m.id, m]));
      const lost = acked.filter((m) => !byId.has(m.id));
      const duplicated = stored.length - new Set(stored.map((m) => m.clientMessageId)).size;
      expect({ lost: lost.length, duplicated }).toEqual({ lost: 0, duplicated: 0 });
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      for (const m of acked)
        expect(byId.get(m.id)).toMatchObject({ seq: m.seq, content: m.content });
    } finally {
      await second.kill('SIGTERM');
    }
  });
});
