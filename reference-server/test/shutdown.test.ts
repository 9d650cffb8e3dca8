import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationPageResponse, Message, SessionEndEvent } from '@parley/sdk/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { api, connectSocket, nextEvent, signToken, spawnServerProcess } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-term-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('on SIGTERM tells sockets, commits acked writes and exits 0', async () => {
    const db = join(dir, 'chat.db');
    const server = await spawnServerProcess({ db, env: { CHAT_RATE_LIMIT_MESSAGES: '0' } });
    const [ta, tb] = [signToken('amy'), signToken('bo')];
    const convo = await api<{ conversation: { id: string } }>(
      server.url,
      ta,
      'POST',
      '/chat/conversations',
      { userId: 'bo' },
    );
    const a = await connectSocket(server.url, ta);
    const b = await connectSocket(server.url, tb);
    const told = nextEvent<SessionEndEvent>(b, 'sessionEnd');
    const acked: Message[] = [];
    const pending = Array.from(
      { length: 50 },
      (_, i) =>
        new Promise<void>((resolve) => {
          a.emit(
            'sendMessage',
            {
              conversationId: convo.body.conversation.id,
              content: `t${i}`,
              clientMessageId: `t${i}`,
            },
            (ack: { ok: boolean; message?: Message }) => {
              if (ack.ok && ack.message) acked.push(ack.message);
              resolve();
            },
          );
          a.once('disconnect', () => resolve());
        }),
    );
    const exit = server.kill('SIGTERM');
    expect((await told).code).toBe('shutdown');
    expect(await exit).toBe(0);
    await Promise.all(pending);
    a.close();
    b.close();
    const again = await spawnServerProcess({ db, port: server.port });
    try {
      const page = await api<ConversationPageResponse>(
        again.url,
        ta,
        'GET',
        `/chat/conversations/${convo.body.conversation.id}?limit=200`,
      );
      const stored = new Set(page.body.messages.map((m) => m.id));
      expect(acked.filter((m) => !stored.has(m.id))).toEqual([]);
    } finally {
      await again.kill('SIGTERM');
    }
  });
});
