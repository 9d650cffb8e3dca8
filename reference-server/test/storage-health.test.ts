import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatServer } from '../src/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { api, freePort, signToken, TEST_JWT_SECRET } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-storage-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Ends the store's writer thread from outside, as a fatal fault inside it would: there is no
 * other way in, so this reaches past the store's private fields to the real thread.
 */
async function endWriterThread(store: unknown): Promise<void> {
  const { worker } = (store as { writes: { backend: { worker: Worker } } }).writes.backend;
  await worker.terminate();
}

function recordingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as { level: number; msg: string });
      }
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

describe('a server whose storage can write no more', () => {
  it('does not start when its writer thread cannot open the database, and listens on nothing', async () => {
    const path = join(dir, 'gone.db');
    const store = new SqliteStore({ path });
    // Removed before the writer thread (which takes a while to start) opens it.
    rmSync(path);
    const port = await freePort();
    await expect(
      createChatServer({ port, store, jwtSecret: TEST_JWT_SECRET, logLevel: 'silent' }),
    ).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^Storage unavailable \(the SQLite writer thread failed: /),
    });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('answers /health with 500 and why once its writer thread has ended, says so once in the log, and refuses writes', async () => {
    const { lines, logger } = recordingLogger();
    const server = await createChatServer({
      port: 0,
      db: join(dir, 'chat.db'),
      jwtSecret: TEST_JWT_SECRET,
      logger,
    });
    try {
      const ann = signToken('ann');
      const healthy = await api(server.url, null, 'GET', '/health');
      expect(healthy).toMatchObject({ status: 200, body: { ok: true } });
      const created = await api(server.url, ann, 'POST', '/chat/conversations', {
        userId: 'ben',
      });
      expect(created.status).toBe(201);

      await endWriterThread(server.store);
      const message =
        'Storage unavailable (the SQLite writer thread ended with exit code 1): nothing more can be stored; restart the server';
      const health = await api(server.url, null, 'GET', '/health');
      expect(health.status).toBe(500);
      expect(health.body).toEqual({
        ok: false,
        version: healthy.body.version,
        error: { code: 'internal', message },
      });

      const refused = await api(server.url, ann, 'POST', '/chat/conversations', {
        userId: 'cat',
      });
      expect(refused).toMatchObject({
        status: 500,
        body: { error: { code: 'internal', message } },
      });
      // Reads go on, and show that nothing was half-written.
      const list = await api<{ conversations: Array<{ otherUser: { id: string } }> }>(
        server.url,
        ann,
        'GET',
        '/chat/conversations',
      );
      expect(list.body.conversations.map((c) => c.otherUser.id)).toEqual(['ben']);
      // Once, at the error level, when it happened (the refused request logs its own line).
      expect(lines.filter((l) => l.msg === message).map((l) => l.level)).toEqual([50]);
    } finally {
      await server.close();
    }
  });
});
