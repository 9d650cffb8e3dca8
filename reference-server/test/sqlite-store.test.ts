import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import {
  ANCHOR_SQL,
  COUNT_ABOVE_SQL,
  MARK_READ_SQL,
  PAGE_SQL,
  SEQ_STRIDE,
  walk,
} from '../src/store/sqlite/chain.js';
import { MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import {
  SqliteWriter,
  WAL_BACKSTOP_FRAMES,
  WAL_RESTART_FRAMES,
} from '../src/store/sqlite/writer.js';
import type { WriteOutcome } from '../src/store/sqlite/writer.js';
import { CONVERSATION_VIEW_SQL, UNREAD_COUNTS_SQL } from '../src/store/sqlite/rows.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sends from `senderId` with its clientMessageId as its content. */
function sendTo(
  store: SqliteStore,
  conversationId: string,
  senderId: string,
  clientMessageId: string,
) {
  return store.appendMessage({
    conversationId,
    senderId,
    content: clientMessageId,
    clientMessageId,
  });
}

/**
 * A store whose file may not grow after one stored send ('before' from 'a'): a large send's
 * overflow pages then hit SQLITE_FULL, which rolls back the whole transaction, not just that
 * statement. `send` sends from 'a' with its clientMessageId as content unless given.
 */
async function storeOnFullDisk(name: string) {
  const store = new SqliteStore({ path: join(dir, name) });
  const { conversation } = await store.getOrCreateConversation('a', 'b');
  const send = (clientMessageId: string, content = clientMessageId) =>
    store.appendMessage({
      conversationId: conversation.id,
      senderId: 'a',
      content,
      clientMessageId,
    });
  await send('before');
  await store.writerPragma(`max_page_count = ${String(await store.writerPragma('page_count'))}`);
  return {
    store,
    conversation,
    send,
    freeSpace: () => store.writerPragma('max_page_count = 1073741823'),
  };
}

/** A store's log that keeps what it is told: each line's details and message, and its warnings. */
function recordingLog() {
  const lines: Array<[Record<string, unknown>, string]> = [];
  const warnings: string[] = [];
  const log = {
    info: (details: object, message: string) =>
      void lines.push([details as Record<string, unknown>, message]),
    warn: (_details: object, message: string) => void warnings.push(message),
  };
  return { lines, warnings, log };
}

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
    const { lines: logged, log } = recordingLog();
    const first = new SqliteStore({ path, log });
    // A new file: one line for the whole schema, not one per migration.
    expect(logged).toEqual([[{ version: 4 }, 'created database schema']]);
    const { conversation } = await first.getOrCreateConversation('a', 'b');
    await first.appendMessage({
      conversationId: conversation.id,
      senderId: 'a',
      content: 'x',
      clientMessageId: '1',
    });
    await first.close();
    const second = new SqliteStore({ path, log });
    expect(logged).toHaveLength(1); // nothing left to apply
    const versions = second.db.prepare('SELECT version FROM schema_migrations').all();
    expect(versions).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
    expect((await second.listMessages(conversation.id, { limit: 10 })).messages).toHaveLength(1);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Writes run on the writer thread's own connection, with FULL: COMMIT returns after fsync.
    expect(await second.writerPragma('synchronous')).toBe(2);
    await second.close();
  });

  it('migrates a version 1 file: unread counters are backfilled from messages and read cursors', async () => {
    const path = join(dir, 'v1.db');
    const v1 = new Database(path);
    v1.exec(MIGRATIONS[0]!.sql);
    v1.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, appliedAt TEXT NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'initial schema', '2026-01-01T00:00:00.000Z')`);
    const at = '2026-01-01T00:00:00.000Z';
    // a (participant1) has read up to seq 2, b up to seq 4; b sent 2, 4, 5 and a sent 1, 3, 6.
    v1.prepare(
      `INSERT INTO conversations (id, participant1Id, participant2Id, participant1LastReadSeq,
        participant2LastReadSeq, lastSeq, activityAt, createdAt, updatedAt)
       VALUES ('c1', 'a', 'b', 2, 4, 6, ?, ?, ?)`,
    ).run(at, at, at);
    const insert = v1.prepare(
      `INSERT INTO messages (id, conversationId, senderId, content, seq, clientMessageId, createdAt, updatedAt)
       VALUES (?, 'c1', ?, 'x', ?, ?, ?, ?)`,
    );
    for (const [seq, sender] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'a'],
      [4, 'b'],
      [5, 'b'],
      [6, 'a'],
    ] as const) {
      insert.run(`m${seq}`, sender, seq, `k${seq}`, at, at);
    }
    v1.close();

    const { lines: logged, log } = recordingLog();
    const store = new SqliteStore({ path, log });
    // An existing file: each migration is announced before it runs (an index rebuild on a large
    // file takes seconds) and logged with its duration when it is done.
    expect(logged.map(([{ ms: _ms, ...details }, message]) => [details, message])).toEqual([
      [{ migration: 2, name: 'unread counters on conversations' }, 'applying database migration'],
      [{ migration: 2, name: 'unread counters on conversations' }, 'applied database migration'],
      [{ migration: 3, name: 'retry index led by clientMessageId' }, 'applying database migration'],
      [{ migration: 3, name: 'retry index led by clientMessageId' }, 'applied database migration'],
      [{ migration: 4, name: 'messages chained by conversation' }, 'applying database migration'],
      [{ migration: 4, name: 'messages chained by conversation' }, 'applied database migration'],
    ]);
    expect(logged.filter(([details]) => typeof details.ms === 'number')).toHaveLength(3);
    expect(await store.unreadCounts('a')).toEqual({ c1: 2 }); // 4 and 5
    expect(await store.unreadCounts('b')).toEqual({ c1: 1 }); // 6
    const indexes = store.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
      .all()
      .map((row) => row.name);
    expect(indexes).not.toContain('messages_sender_seq');
    // Version 4 chained the messages (each to the one before it) in place of the seq index.
    expect(indexes).not.toContain('messages_conversation_seq');
    const chain = store.db
      .prepare<[], { seq: number; prevSeq: number | null }>(
        `SELECT m.seq, p.seq AS prevSeq FROM messages m LEFT JOIN messages p ON p.rowid = m.prevRowid
         ORDER BY m.seq`,
      )
      .all();
    expect(chain).toEqual(
      [1, 2, 3, 4, 5, 6].map((seq) => ({ seq, prevSeq: seq > 1 ? seq - 1 : null })),
    );
    expect((await store.listMessages('c1', { limit: 3 })).messages.map((m) => m.id)).toEqual([
      'm4',
      'm5',
      'm6',
    ]);
    // Version 3 rebuilt the retry index in another column order: a retry is still a no-op.
    const retried = await store.appendMessage({
      conversationId: 'c1',
      senderId: 'b',
      content: 'again',
      clientMessageId: 'k5',
    });
    expect(retried).toMatchObject({ duplicate: true, message: { id: 'm5', seq: 5, content: 'x' } });
    const next = await store.appendMessage({
      conversationId: 'c1',
      senderId: 'a',
      content: 'y',
      clientMessageId: 'k5', // the same id from the other participant is another message
    });
    expect(next).toMatchObject({ duplicate: false, message: { seq: 7 } });
    await store.close();
  });

  it('finds every page of a long conversation by walking its chain, across its indexed seqs', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const long = (await store.getOrCreateConversation('a', 'b')).conversation.id;
    const other = (await store.getOrCreateConversation('a', 'c')).conversation.id;
    // Interleaved with another conversation's sends, in batches of three (one COMMIT each), so
    // that neither's messages sit side by side; b sends every third message of the long one.
    const total = 3 * SEQ_STRIDE + 5;
    for (let i = 1; i <= total; i += 3) {
      const sends = [i, i + 1, i + 2].filter((n) => n <= total);
      await Promise.all(
        sends.flatMap((n) => [
          sendTo(store, long, n % 3 === 0 ? 'b' : 'a', `l${n}`),
          sendTo(store, other, 'c', `o${n}`),
        ]),
      );
    }
    const seqs = async (query: Parameters<SqliteStore['listMessages']>[1]) => {
      const page = await store.listMessages(long, query);
      expect(page.messages.every((m) => m.conversationId === long)).toBe(true);
      expect(page.messages.map((m) => m.content)).toEqual(page.messages.map((m) => `l${m.seq}`));
      return { seqs: page.messages.map((m) => m.seq), hasMore: page.hasMore };
    };
    const range = (from: number, to: number) =>
      Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    for (const limit of [1, 7, 50, 200]) {
      expect(await seqs({ limit })).toEqual({
        seqs: range(Math.max(1, total - limit + 1), total),
        hasMore: total > limit,
      });
      for (let before = 0; before <= total + 2; before++) {
        const top = Math.min(before - 1, total);
        expect(await seqs({ limit, beforeSeq: before }), `before ${before}`).toEqual({
          seqs: range(Math.max(1, top - limit + 1), top),
          hasMore: top - limit >= 1,
        });
      }
      for (let after = 0; after <= total + 2; after++) {
        expect(await seqs({ limit, afterSeq: after }), `after ${after}`).toEqual({
          seqs: range(after + 1, Math.min(after + limit, total)),
          hasMore: after + limit < total,
        });
      }
    }
    // A read receipt across indexed seqs marks and counts exactly the other's messages below it.
    const read = await store.markRead(long, 'a', 2 * SEQ_STRIDE + 1);
    const fromB = (from: number, to: number) => range(from, to).filter((n) => n % 3 === 0);
    expect(read.unreadCount).toBe(fromB(2 * SEQ_STRIDE + 2, total).length);
    expect((await store.unreadCounts('a'))[long]).toBe(read.unreadCount);
    const flags = (await store.listMessages(long, { limit: 200 })).messages
      .filter((m) => m.isRead)
      .map((m) => m.seq);
    expect(flags).toEqual(fromB(1, 2 * SEQ_STRIDE + 1));
    await store.markRead(long, 'a', total);
    expect((await store.unreadCounts('a'))[long]).toBeUndefined();
    await store.close();
  });

  it('answers history pages, unread counts and conversation lists from indexes, never a table scan', () => {
    const store = new SqliteStore({ path: ':memory:' });
    const cases: Array<[string, unknown[] | Record<string, unknown>]> = [
      // History walks its conversation's chain (chain.ts): an anchor, then rowid to rowid.
      [ANCHOR_SQL, { conversationId: 'c', anchor: 64 }],
      [PAGE_SQL, walk('c', 1, 10, 60)],
      [COUNT_ABOVE_SQL, { ...walk('c', 1, 10, 60), senderId: 'u' }],
      [MARK_READ_SQL, { ...walk('c', 1, 2, 5), senderId: 'u', at: 'now' }],
      [
        'SELECT id FROM conversations WHERE participant1Id = ? AND (activityAt < ? OR (activityAt = ? AND id < ?)) ORDER BY activityAt DESC, id DESC LIMIT 20',
        ['u', 'z', 'z', 'z'],
      ],
      [CONVERSATION_VIEW_SQL, { ids: '["c","d"]', me: 'u' }],
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

  it.each([
    ['in-process (:memory:)', ':memory:'],
    ['on the writer thread (file)', 'answer.db'],
  ])('answers a send with the message exactly as stored, field for field, %s', async (_, file) => {
    // The writer builds the answer from the inputs instead of reading the row back, and the
    // thread hands back only id, seq and time: the rest is rebuilt on this side.
    const store = new SqliteStore({ path: file === ':memory:' ? file : join(dir, file) });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    const [first, second, retry] = await Promise.all([
      store.appendMessage({
        conversationId: conversation.id,
        senderId: 'a',
        content: 'héllo 👋',
        clientMessageId: 'c1',
      }),
      store.appendMessage({
        conversationId: conversation.id,
        senderId: 'b',
        content: 'two',
        clientMessageId: 'c1',
      }),
      store.appendMessage({
        conversationId: conversation.id,
        senderId: 'a',
        content: 'ignored on a retry',
        clientMessageId: 'c1',
      }),
    ]);
    const stored = (await store.listMessages(conversation.id, { limit: 10 })).messages;
    expect(stored).toEqual([first.message, second.message]);
    expect(stored[0]).toStrictEqual(first.message);
    expect(Object.keys(first.message)).toEqual(Object.keys(stored[0]!));
    expect(first.message).toMatchObject({ content: 'héllo 👋', isRead: false, readAt: null });
    expect(retry).toEqual({ message: first.message, duplicate: true });
    await store.close();
  });

  it.each([
    ['in-process (:memory:)', ':memory:'],
    ['on the writer thread (file)', 'batch.db'],
  ])(
    'keeps seq, the last message and both unread counters right across a batch, %s',
    async (_, file) => {
      const store = new SqliteStore({ path: file === ':memory:' ? file : join(dir, file) });
      const { conversation } = await store.getOrCreateConversation('a', 'b');
      const send = (senderId: string, clientMessageId: string) =>
        sendTo(store, conversation.id, senderId, clientMessageId);
      // One event-loop turn, so one batch: a retry of 'a1' inside it is a duplicate, not a seq.
      const results = await Promise.all([
        send('a', 'a1'),
        send('b', 'b1'),
        send('a', 'a1'),
        send('a', 'a2'),
        send('b', 'b2'),
        send('b', 'b3'),
      ]);
      expect(results.map((r) => [r.message.seq, r.duplicate])).toEqual([
        [1, false],
        [2, false],
        [1, true],
        [3, false],
        [4, false],
        [5, false],
      ]);
      expect(await store.unreadCounts('a')).toEqual({ [conversation.id]: 3 });
      expect(await store.unreadCounts('b')).toEqual({ [conversation.id]: 2 });
      const view = await store.getConversationView(conversation.id, 'a');
      expect(view?.conversation.lastSeq).toBe(5);
      expect(view?.lastMessage?.content).toBe('b3');
      expect(view?.unreadCount).toBe(3);

      expect((await store.markRead(conversation.id, 'a', 4)).unreadCount).toBe(1);
      expect((await store.markRead(conversation.id, 'a', 2)).unreadCount).toBe(1); // never backwards
      await send('b', 'b4');
      expect(await store.unreadCounts('a')).toEqual({ [conversation.id]: 2 });
      expect((await store.markRead(conversation.id, 'a', 99)).unreadCount).toBe(0);
      expect(await store.unreadCounts('a')).toEqual({});
      const flags = (await store.listMessages(conversation.id, { limit: 10 })).messages
        .filter((m) => m.senderId === 'b')
        .map((m) => m.isRead);
      expect(flags).toEqual([true, true, true, true]);
      await store.close();
    },
  );

  it('builds every field of a conversation view, from either side, in the list as alone', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.upsertUser({ id: 'ann', name: 'Ann', avatarUrl: 'https://img.example/ann.png' });
    await store.upsertUser({ id: 'bob', name: 'Bob', avatarUrl: undefined });
    await store.setLastSeen('bob', '2026-12-01T10:00:00.000Z');
    const { conversation } = await store.getOrCreateConversation('bob', 'ann');
    const empty = await store.getOrCreateConversation('ann', 'cy');
    await sendTo(store, conversation.id, 'ann', 'a1');
    await sendTo(store, conversation.id, 'ann', 'a2');
    const { message: last } = await sendTo(store, conversation.id, 'bob', 'b1');
    await store.markRead(conversation.id, 'bob', 1);
    const record = (await store.getConversation(conversation.id, 'ann'))!;
    expect(record.lastSeq).toBe(3);
    const user = async (id: string) => (await store.getUsers([id]))[0]!;
    const expected = {
      ann: {
        conversation: record,
        otherUser: await user('bob'),
        lastMessage: last,
        unreadCount: 1,
      },
      bob: {
        conversation: record,
        otherUser: await user('ann'),
        lastMessage: last,
        unreadCount: 1,
      },
    };
    expect(expected.ann.otherUser).toEqual({
      id: 'bob',
      name: 'Bob',
      avatarUrl: null,
      lastSeenAt: '2026-12-01T10:00:00.000Z',
    });
    for (const me of ['ann', 'bob'] as const) {
      expect(await store.getConversationView(conversation.id, me)).toEqual(expected[me]);
    }
    // Both conversations may share one millisecond of activity: their order is not the point here.
    const { views } = await store.listConversationViews('ann', 10, null);
    expect(views).toHaveLength(2);
    expect(views).toEqual(
      expect.arrayContaining([
        expected.ann,
        {
          conversation: (await store.getConversation(empty.conversation.id, 'ann'))!,
          otherUser: { id: 'cy', name: null, avatarUrl: null, lastSeenAt: null },
          lastMessage: null,
          unreadCount: 0,
        },
      ]),
    );
    expect(await store.unreadCounts('ann')).toEqual({ [conversation.id]: 1 });
    expect(await store.unreadCounts('bob')).toEqual({ [conversation.id]: 1 });
    expect(await store.getConversationView(conversation.id, 'cy')).toBeNull();
    await store.close();
  });

  it("answers every op of a very large transaction (a long stall's backlog) as stored", async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.upsertUser({ id: 'u', name: 'U', avatarUrl: undefined });
    const count = 250_000;
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString();
    // One event-loop turn: one batch, one transaction.
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => store.setLastSeen('u', at(i))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(0);
    expect((await store.getUsers(['u']))[0]!.lastSeenAt).toBe(at(count - 1));
    await store.close();
  });

  it('writes a read right after sends of the same batch against the batch, not before it', async () => {
    const store = new SqliteStore({ path: join(dir, 'mixed.db') });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    const send = (clientMessageId: string) => sendTo(store, conversation.id, 'b', clientMessageId);
    // One turn: two sends, a read of everything, a third send; the read sees seq 2.
    const [, , read] = await Promise.all([
      send('1'),
      send('2'),
      store.markRead(conversation.id, 'a', 99),
      send('3'),
    ]);
    expect(read).toMatchObject({ seq: 2, changed: true, unreadCount: 0 });
    expect(await store.unreadCounts('a')).toEqual({ [conversation.id]: 1 });
    await store.close();
  });

  it('runs a pragma submitted among sends on its own, between the sends around it', async () => {
    const store = new SqliteStore({ path: join(dir, 'pragma.db') });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    const send = (clientMessageId: string) => sendTo(store, conversation.id, 'a', clientMessageId);
    // One turn: the pragma must not be written inside the sends' transaction.
    const [first, readOnly, second] = await Promise.all([
      send('1'),
      store.writerPragma('query_only'),
      send('2'),
    ]);
    expect([first.message.seq, readOnly, second.message.seq]).toEqual([1, 0, 2]);
    await store.close();
  });

  it('fails every send of a batch that a full disk rolled back, and commits none after it on its own', async () => {
    const { store, conversation, send, freeSpace } = await storeOnFullDisk('full.db');
    const results = await Promise.allSettled([
      send('1'),
      send('large', 'x'.repeat(200_000)),
      send('2'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'internal',
        message: expect.stringMatching(/^Storage unavailable \(SQLITE_FULL/),
      });
    }
    await freeSpace();
    const after = await send('after');
    expect(after.message.seq).toBe(2);
    expect(
      (await store.listMessages(conversation.id, { limit: 10 })).messages.map(
        (m) => m.clientMessageId,
      ),
    ).toEqual(['before', 'after']);
    expect(await store.unreadCounts('b')).toEqual({ [conversation.id]: 2 });
    await store.close();
  });

  it('forgets the seqs of a batch that a full disk rolled back after its conversations were written', async () => {
    const { store, conversation, send, freeSpace } = await storeOnFullDisk('full-after-bump.db');
    // The read makes the writer write the conversation row (seq 2) before it runs; the large send
    // after it then rolls the whole transaction back, that row included.
    const results = await Promise.allSettled([
      send('1'),
      store.markRead(conversation.id, 'b', 1),
      send('large', 'x'.repeat(200_000)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await freeSpace();
    expect((await send('after')).message.seq).toBe(2);
    expect(
      (await store.listMessages(conversation.id, { limit: 10 })).messages.map((m) => m.seq),
    ).toEqual([1, 2]);
    await store.close();
  });

  it("numbers sends after another connection's commit from the row that commit left", async () => {
    const path = join(dir, 'other-writer.db');
    const store = new SqliteStore({ path });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    expect((await sendTo(store, conversation.id, 'a', '1')).message.seq).toBe(1);
    // Another process writing the same file: a message with seq 2, chained to the one before it
    // as the store's writer chains them, and the row that counts it.
    const other = new Database(path);
    const at = new Date().toISOString();
    const { lastInsertRowid } = other
      .prepare(
        `INSERT INTO messages (id, conversationId, senderId, content, seq, clientMessageId, createdAt, updatedAt, prevRowid)
         VALUES ('other-2', ?, 'b', 'from elsewhere', 2, 'other-2', ?, ?,
           (SELECT lastRowid FROM conversations WHERE id = ?))`,
      )
      .run(conversation.id, at, at, conversation.id);
    other
      .prepare(
        "UPDATE conversations SET lastSeq = 2, lastRowid = ?, lastMessageId = 'other-2', lastMessageAt = ? WHERE id = ?",
      )
      .run(lastInsertRowid, at, conversation.id);
    other.close();
    expect((await sendTo(store, conversation.id, 'a', '3')).message.seq).toBe(3);
    expect(
      (await store.listMessages(conversation.id, { limit: 10 })).messages.map((m) => m.seq),
    ).toEqual([1, 2, 3]);
    await store.close();
  });

  it('keeps the seqs of at most its limit of conversations, the first kept dropped first', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const ids: string[] = [];
    for (const other of ['b', 'c', 'd']) {
      ids.push((await store.getOrCreateConversation('a', other)).conversation.id);
    }
    // A writer of its own on the store's connection, which keeps two conversations at most.
    const writer = new SqliteWriter(store.db, 2);
    const seqOf = (outcome: WriteOutcome | undefined) =>
      outcome?.ok ? (outcome.value as { message: { seq: number } }).message.seq : outcome;
    const send = (conversationId: string, clientMessageId: string) =>
      seqOf(
        writer.write([
          {
            kind: 'append',
            input: { conversationId, senderId: 'a', content: 'x', clientMessageId },
          },
        ])[0],
      );
    // One batch each, round robin: from the third on, each batch drops the conversation that was
    // kept first, and the next send to it reads its row again.
    const seqs: unknown[] = [];
    for (let round = 1; round <= 3; round++) {
      for (const id of ids) seqs.push(send(id, `${round}-${id}`));
    }
    expect(seqs).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(writer.knownConversations).toBe(2);
    // Which two it kept: a write on the same connection leaves data_version as it was, so a kept
    // seq stays as the writer left it while a dropped one is read from the row again.
    store.db.prepare('UPDATE conversations SET lastSeq = lastSeq + 100').run();
    expect([send(ids[2]!, '4-d'), send(ids[1]!, '4-c'), send(ids[0]!, '4-b')]).toEqual([4, 4, 104]);
    expect(writer.knownConversations).toBe(2);
    await store.close();
  });

  it('writes turns submitted while the writer is busy as one transaction, each answer to its own send', async () => {
    const store = new SqliteStore({ path: join(dir, 'turns.db') });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    // 40 turns of 25 sends, none waiting for the one before: the writer thread takes every turn
    // that queued up behind its transaction at once, and must hand each send its own message.
    const sends: Array<ReturnType<typeof sendTo>> = [];
    for (let turn = 0; turn < 40; turn++) {
      for (let i = 0; i < 25; i++) sends.push(sendTo(store, conversation.id, 'a', `${turn}.${i}`));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(sends);
    expect(results.map((r) => r.message.clientMessageId)).toEqual(
      Array.from({ length: 1000 }, (_, k) => `${Math.floor(k / 25)}.${k % 25}`),
    );
    expect(results.map((r) => r.message.seq)).toEqual(
      Array.from({ length: 1000 }, (_, k) => k + 1),
    );
    expect(results.every((r) => r.message.content === r.message.clientMessageId)).toBe(true);
    await store.close();
  });

  it('copies the WAL back beside the writer and starts it over at about 4,000 frames', async () => {
    const path = join(dir, 'checkpoints.db');
    const store = new SqliteStore({ path });
    const ids = await Promise.all(
      ['b', 'c', 'd', 'e'].map(
        async (other) => (await store.getOrCreateConversation('a', other)).conversation.id,
      ),
    );
    const pageBytes = 4096;
    const before = statSync(path).size;
    // One transaction each (seven or eight frames: the message, its indexes, the conversation's row
    // and indexes): more than WAL_BACKSTOP_FRAMES in all, had the WAL never started over.
    const sends = 2_500;
    for (let i = 0; i < sends; i++) await sendTo(store, ids[i % ids.length]!, 'a', `${i}`);
    const walFrames = (statSync(`${path}-wal`).size - 32) / (24 + pageBytes);
    // Copied back while the store is open (the file holds the messages, not only the WAL)...
    expect(statSync(path).size - before).toBeGreaterThan(sends * 100);
    // ...and started over well before the writer's own checkpoint at WAL_BACKSTOP_FRAMES would.
    expect(walFrames).toBeLessThan(2 * WAL_RESTART_FRAMES);
    expect(WAL_BACKSTOP_FRAMES).toBeGreaterThan(2 * WAL_RESTART_FRAMES);
    for (const id of ids) {
      const { messages } = await store.listMessages(id, { limit: 1 });
      expect(messages[0]!.seq).toBe(sends / ids.length);
    }
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: sends });
    check.close();
  });

  it('close() writes everything accepted before it, then lets the file go', async () => {
    const path = join(dir, 'close.db');
    const store = new SqliteStore({ path });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    const sends = Array.from({ length: 300 }, (_, i) =>
      store.appendMessage({
        conversationId: conversation.id,
        senderId: i % 2 ? 'a' : 'b',
        content: `m${i}`,
        clientMessageId: `${i}`,
      }),
    );
    await store.close();
    expect((await Promise.all(sends)).map((r) => r.message.seq)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
    expect(existsSync(`${path}-wal`)).toBe(false); // the last connection checkpointed it away
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 300 });
    check.close();
  });

  it('refuses writes that the disk refuses, as internal storage errors, and stores nothing', async () => {
    const store = new SqliteStore({ path: join(dir, 'readonly.db') });
    const { conversation } = await store.getOrCreateConversation('a', 'b');
    await store.writerPragma('query_only = 1');
    const refused = await store
      .appendMessage({
        conversationId: conversation.id,
        senderId: 'a',
        content: 'x',
        clientMessageId: '1',
      })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^Storage unavailable \(SQLITE_READONLY/),
    });
    await store.writerPragma('query_only = 0');
    expect((await store.listMessages(conversation.id, { limit: 10 })).messages).toEqual([]);
    await store.close();
  });

  it('refuses every write with a clear error when the writer thread cannot run, and warns of the checkpointer', async () => {
    const path = join(dir, 'gone.db');
    const { warnings, log } = recordingLog();
    const store = new SqliteStore({ path, log });
    // Removed before the threads (which take a while to start) open it: both fail.
    rmSync(path);
    const refused = await store.getOrCreateConversation('a', 'b').catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'internal',
      message: expect.stringMatching(
        /^Storage unavailable \(the SQLite writer thread failed: .+\): nothing more can be stored; restart the server$/,
      ),
    });
    await expect(store.upsertUser({ id: 'c' })).rejects.toBe(refused);
    expect(await store.getUsers(['a', 'b', 'c'])).toEqual([]);
    await store.close();
    expect(warnings).toEqual([
      'The SQLite checkpointer thread failed; checkpoints now run in the writer thread, which delays some sends (nothing is lost); restart the server to restore it',
    ]);
  });

  it('does not keep a process alive: a script that never closes the store still exits', () => {
    const script = `
      import { SqliteStore } from ${JSON.stringify(new URL('../src/store/sqlite/sqlite-store.ts', import.meta.url).href)};
      const store = new SqliteStore({ path: ${JSON.stringify(join(dir, 'open.db'))} });
      const { conversation } = await store.getOrCreateConversation('a', 'b');
      await store.appendMessage({ conversationId: conversation.id, senderId: 'a', content: 'x', clientMessageId: '1' });
      console.log('written');`;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(out.trim()).toBe('written');
  });
});
