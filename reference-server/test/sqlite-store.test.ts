import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { CONVERSATION_VIEW_SQL, UNREAD_COUNTS_SQL } from '../src/store/sqlite/rows.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(
  store: SqliteStore,
  sql: string,
  params: unknown[] | Record<string, unknown>,
): string {
  const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{
    detail: string;
  }>;
  return rows.map((r) => r.detail).join('\n');
}

describe('SQLite store', () => {
  it('runs migrations once and reopens an existing file', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteStore({ path });
    const { conversation } = await first.getOrCreateConversation('a', 'b');
    await first.appendMessage({
      conversationId: conversation.id,
      senderId: 'a',
      content: 'x',
      clientMessageId: '1',
    });
    await first.close();
    const second = new SqliteStore({ path });
    const versions = second.db.prepare('SELECT version FROM schema_migrations').all();
    expect(versions).toEqual([{ version: 1 }]);
    expect((await second.listMessages(conversation.id, { limit: 10 })).messages).toHaveLength(1);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    await second.close();
  });

  it('answers history pages, unread counts and conversation lists from indexes, never a table scan', () => {
    const store = new SqliteStore({ path: ':memory:' });
    const cases: Array<[string, unknown[] | Record<string, unknown>]> = [
      ['SELECT * FROM messages WHERE conversationId = ? ORDER BY seq DESC LIMIT 50', ['c']],
      [
        'SELECT * FROM messages WHERE conversationId = ? AND seq < ? ORDER BY seq DESC LIMIT 50',
        ['c', 10],
      ],
      [
        'SELECT * FROM messages WHERE conversationId = ? AND seq > ? ORDER BY seq ASC LIMIT 50',
        ['c', 10],
      ],
      [
        'SELECT COUNT(*) FROM messages WHERE conversationId = ? AND senderId = ? AND seq > ?',
        ['c', 'u', 1],
      ],
      [
        'SELECT id FROM conversations WHERE participant1Id = ? AND (activityAt < ? OR (activityAt = ? AND id < ?)) ORDER BY activityAt DESC, id DESC LIMIT 20',
        ['u', 'z', 'z', 'z'],
      ],
      [CONVERSATION_VIEW_SQL, { id: 'c', me: 'u' }],
      [UNREAD_COUNTS_SQL, { me: 'u' }],
    ];
    for (const [sql, params] of cases) {
      const detail = plan(store, sql, params);
      expect(detail, sql).not.toMatch(/SCAN (messages|conversations)\b(?! USING)/);
      expect(detail, sql).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
    void store.close();
  });

  it('fails only the bad item of a group commit', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    const results = await Promise.allSettled([
      store.appendMessage({
        conversationId: conversation.id,
        senderId: 'a',
        content: 'one',
        clientMessageId: '1',
      }),
      store.appendMessage({
        conversationId: 'missing',
        senderId: 'a',
        content: 'lost',
        clientMessageId: '2',
      }),
      store.appendMessage({
        conversationId: conversation.id,
        senderId: 'b',
        content: 'two',
        clientMessageId: '3',
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(
      (await store.listMessages(conversation.id, { limit: 10 })).messages.map((m) => m.seq),
    ).toEqual([1, 2]);
    await store.close();
  });
});
