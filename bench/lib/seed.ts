/**
 * Seeds a database in the reference server's schema directly with better-sqlite3: the schema
 * comes from the server's own migrations (`new SqliteStore()`), the rows from here, in one pass,
 * which is far faster than a million sends. Ids are UUID-shaped and ascending so that every
 * index is appended to in order.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../reference-server/src/index.js';

export interface ConversationSpec {
  a: string;
  b: string;
  messages: number;
  /** Messages from b above a's read cursor: a's cursor is `messages - unreadForA`. */
  unreadForA: number;
}

export interface SeedSpec {
  users: Array<{ id: string; name: string | null }>;
  conversations: ConversationSpec[];
}

const uuid = (variant: string, n: number): string =>
  `00000000-0000-4000-${variant}000-${n.toString(16).padStart(12, '0')}`;

export const conversationIdOf = (index: number): string => uuid('9', index + 1);

const BASE_TIME = Date.parse('2026-01-01T00:00:00.000Z');

/** Writes `spec` into a new database at `path` (replacing any file there). */
export async function seed(path: string, spec: SeedSpec): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  await new SqliteStore({ path: partial }).close();
  const db = new Database(partial);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  const insertUser = db.prepare(
    'INSERT INTO users (id, name, avatarUrl, lastSeenAt, createdAt, updatedAt) VALUES (?, ?, NULL, ?, ?, ?)',
  );
  const insertConversation = db.prepare(`
    INSERT INTO conversations (id, participant1Id, participant2Id, participant1LastReadSeq,
      participant2LastReadSeq, lastSeq, lastMessageId, lastMessageAt, activityAt, createdAt, updatedAt,
      participant1Unread, participant2Unread, lastRowid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertMessage = db.prepare(`
    INSERT INTO messages (id, conversationId, senderId, content, seq, clientMessageId, isRead,
      readAt, createdAt, updatedAt, prevRowid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const iso = (ms: number): string => new Date(ms).toISOString();
  const start = iso(BASE_TIME);
  db.transaction(() => {
    for (const u of spec.users) insertUser.run(u.id, u.name, start, start, start);
  })();
  let messageNo = 0;
  const chunk = db.transaction((from: number, to: number) => {
    for (let c = from; c < to; c++) {
      const conv = spec.conversations[c]!;
      const id = conversationIdOf(c);
      const [p1, p2] = conv.a < conv.b ? [conv.a, conv.b] : [conv.b, conv.a];
      const aCursor = Math.max(0, conv.messages - conv.unreadForA);
      const bCursor = conv.messages;
      // Spread conversations over time so that the list has a stable, distinct order.
      const t0 = BASE_TIME + c * 60_000;
      let lastId: string | null = null;
      let lastAt: string | null = null;
      // Each message points at the one before it in its conversation (the store's chain.ts).
      let lastRowid: number | null = null;
      const unread = { a: 0, b: 0 };
      for (let seq = 1; seq <= conv.messages; seq++) {
        const fromA = seq % 2 === 1;
        const readerCursor = fromA ? bCursor : aCursor;
        const at = iso(t0 + seq * 10);
        lastId = uuid('8', ++messageNo);
        lastAt = at;
        const read = seq <= readerCursor;
        if (!read) unread[fromA ? 'b' : 'a']++;
        const { lastInsertRowid } = insertMessage.run(
          lastId,
          id,
          fromA ? conv.a : conv.b,
          `Seeded message ${seq} of a long conversation, about sixty characters.`,
          seq,
          `seed-${seq}`,
          read ? 1 : 0,
          read ? at : null,
          at,
          at,
          lastRowid,
        );
        lastRowid = Number(lastInsertRowid);
      }
      const created = iso(t0);
      insertConversation.run(
        id,
        p1,
        p2,
        p1 === conv.a ? aCursor : bCursor,
        p1 === conv.a ? bCursor : aCursor,
        conv.messages,
        lastId,
        lastAt,
        lastAt ?? created,
        created,
        lastAt ?? created,
        p1 === conv.a ? unread.a : unread.b,
        p1 === conv.a ? unread.b : unread.a,
        lastRowid,
      );
    }
  });
  // Conversations go in after their messages here, so foreign keys are checked at the end.
  db.pragma('foreign_keys = OFF');
  for (let c = 0; c < spec.conversations.length; c += 200) {
    chunk(c, Math.min(spec.conversations.length, c + 200));
  }
  db.pragma('journal_mode = WAL');
  db.close();
  renameSync(partial, path);
}

/** Seeds `path` unless a finished copy is already there (seeding a million rows takes a while). */
export async function seedCached(path: string, spec: SeedSpec): Promise<boolean> {
  if (existsSync(path)) return false;
  await seed(path, spec);
  return true;
}
