import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AppendResult,
  ChatStore,
  ConversationCursor,
  ConversationRecord,
  ConversationView,
  MessagePageQuery,
  MessageRecord,
  NewMessage,
  ProfileInput,
  ReadUpdate,
  UserRecord,
} from '../chat-store.js';
import { migrate } from './migrations.js';
import { MessageBatcher } from './message-batcher.js';
import { write } from './storage-failure.js';
import {
  CONVERSATION_VIEW_SQL,
  UNREAD_COUNTS_SQL,
  MESSAGE_COLUMNS,
  toConversation,
  fromRawMessage,
  toView,
} from './rows.js';
import type { ConversationRow, ConversationViewRow, RawMessageRow } from './rows.js';

export interface SqliteStoreOptions {
  /** File path or `:memory:`. The folder is created when missing. */
  path: string;
  /** `full` (default): an ack survives power loss. `normal`: survives a process crash only. */
  synchronous?: 'full' | 'normal';
}

const now = (): string => new Date().toISOString();

/** Orders a pair so that (a, b) and (b, a) name the same row of the unique index. */
function pair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/**
 * SQLite opens a file on a read-only disk without complaint and fails only at the first write;
 * a rolled-back write at start turns that into a start-up error instead of refused sends later.
 */
function assertWritable(db: Database.Database): void {
  try {
    db.exec('BEGIN IMMEDIATE; CREATE TABLE write_probe (x); ROLLBACK');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** better-sqlite3 is synchronous; the async interface lets another engine implement ChatStore. */
export class SqliteStore implements ChatStore {
  readonly db: Database.Database;
  private readonly batcher: MessageBatcher;
  private readonly stmt;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    assertWritable(this.db);
    const db = this.db;
    this.stmt = {
      upsertUser: db.prepare(`
        INSERT INTO users (id, name, avatarUrl, createdAt, updatedAt)
        VALUES (@id, @name, @avatarUrl, @now, @now)
        ON CONFLICT (id) DO UPDATE SET
          name = CASE WHEN @setName THEN excluded.name ELSE users.name END,
          avatarUrl = CASE WHEN @setAvatar THEN excluded.avatarUrl ELSE users.avatarUrl END,
          updatedAt = excluded.updatedAt
        WHERE (@setName AND users.name IS NOT excluded.name)
           OR (@setAvatar AND users.avatarUrl IS NOT excluded.avatarUrl)`),
      ensureUser: db.prepare(
        'INSERT INTO users (id, createdAt, updatedAt) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      getUser: db.prepare<[string], UserRecord>(
        'SELECT id, name, avatarUrl, lastSeenAt FROM users WHERE id = ?',
      ),
      setLastSeen: db.prepare('UPDATE users SET lastSeenAt = ? WHERE id = ?'),
      insertConversation: db.prepare(`
        INSERT INTO conversations (id, participant1Id, participant2Id, activityAt, createdAt, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (participant1Id, participant2Id) DO NOTHING`),
      conversationByPair: db.prepare<[string, string], ConversationRow>(
        'SELECT * FROM conversations WHERE participant1Id = ? AND participant2Id = ?',
      ),
      conversationById: db.prepare<[string], ConversationRow>(
        'SELECT * FROM conversations WHERE id = ?',
      ),
      conversationView: db.prepare<{ id: string; me: string }, ConversationViewRow>(
        CONVERSATION_VIEW_SQL,
      ),
      pageP1: db.prepare<
        [string, string, string, string, number],
        { id: string; activityAt: string }
      >(`
        SELECT id, activityAt FROM conversations WHERE participant1Id = ?
          AND (activityAt < ? OR (activityAt = ? AND id < ?))
        ORDER BY activityAt DESC, id DESC LIMIT ?`),
      pageP2: db.prepare<
        [string, string, string, string, number],
        { id: string; activityAt: string }
      >(`
        SELECT id, activityAt FROM conversations WHERE participant2Id = ?
          AND (activityAt < ? OR (activityAt = ? AND id < ?))
        ORDER BY activityAt DESC, id DESC LIMIT ?`),
      latest: db
        .prepare<[string, number], RawMessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversationId = ? ORDER BY seq DESC LIMIT ?`,
        )
        .raw(true),
      before: db
        .prepare<[string, number, number], RawMessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversationId = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
        )
        .raw(true),
      after: db
        .prepare<[string, number, number], RawMessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversationId = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
        )
        .raw(true),
      messageById: db
        .prepare<[string], RawMessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`)
        .raw(true),
      setCursor1: db.prepare(
        'UPDATE conversations SET participant1LastReadSeq = ?, participant1Unread = ?, updatedAt = ? WHERE id = ? AND participant1LastReadSeq < ?',
      ),
      setCursor2: db.prepare(
        'UPDATE conversations SET participant2LastReadSeq = ?, participant2Unread = ?, updatedAt = ? WHERE id = ? AND participant2LastReadSeq < ?',
      ),
      // Only the range between the old cursor and the new one: everything below is read already.
      markMessagesRead: db.prepare(`
        UPDATE messages SET isRead = 1, readAt = ?, updatedAt = ?
        WHERE conversationId = ? AND seq > ? AND seq <= ? AND senderId = ? AND isRead = 0`),
      // A range on (conversationId, seq) above the cursor: as long as what is left unread.
      countUnread: db.prepare<[string, number, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM messages WHERE conversationId = ? AND seq > ? AND senderId = ?',
      ),
      unreadCounts: db.prepare<{ me: string }, { id: string; n: number }>(UNREAD_COUNTS_SQL),
      peers: db.prepare<{ me: string }, { id: string }>(`
        SELECT participant2Id AS id FROM conversations WHERE participant1Id = @me
        UNION SELECT participant1Id FROM conversations WHERE participant2Id = @me
        UNION SELECT otherId FROM connections WHERE userId = @me`),
      deleteConnections: db.prepare('DELETE FROM connections WHERE userId = ? OR otherId = ?'),
      insertConnection: db.prepare(
        'INSERT INTO connections (userId, otherId) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      isConnected: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM connections WHERE userId = ? AND otherId = ?',
      ),
      hasConnections: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM connections WHERE userId = ? LIMIT 1',
      ),
      searchConnections: db.prepare<[string, string, number], UserRecord>(`
        SELECT u.id, u.name, u.avatarUrl, u.lastSeenAt FROM connections c JOIN users u ON u.id = c.otherId
        WHERE c.userId = ? AND COALESCE(u.name, u.id) LIKE ? ESCAPE '\\'
        ORDER BY COALESCE(u.name, u.id) COLLATE NOCASE, u.id LIMIT ?`),
      searchUsers: db.prepare<[string, string, number], UserRecord>(`
        SELECT id, name, avatarUrl, lastSeenAt FROM users
        WHERE id != ? AND COALESCE(name, id) LIKE ? ESCAPE '\\'
        ORDER BY COALESCE(name, id) COLLATE NOCASE, id LIMIT ?`),
    };
    this.batcher = new MessageBatcher(db);
  }

  async upsertUser(profile: ProfileInput): Promise<void> {
    write(() =>
      this.stmt.upsertUser.run({
        id: profile.id,
        name: profile.name ?? null,
        avatarUrl: profile.avatarUrl ?? null,
        setName: profile.name === undefined ? 0 : 1,
        setAvatar: profile.avatarUrl === undefined ? 0 : 1,
        now: now(),
      }),
    );
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    const users: UserRecord[] = [];
    for (const id of ids) {
      const user = this.stmt.getUser.get(id);
      if (user) users.push(user);
    }
    return users;
  }

  async setLastSeen(userId: string, at: string): Promise<void> {
    write(() => this.stmt.setLastSeen.run(at, userId));
  }

  async getOrCreateConversation(
    userA: string,
    userB: string,
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    const [p1, p2] = pair(userA, userB);
    const at = now();
    // The unique index on the pair decides who wins a race; the loser reads the winner's row.
    const created = write(
      this.db.transaction(() => {
        this.stmt.ensureUser.run(p1, at, at);
        this.stmt.ensureUser.run(p2, at, at);
        return this.stmt.insertConversation.run(randomUUID(), p1, p2, at, at, at).changes === 1;
      }),
    );
    const row = this.stmt.conversationByPair.get(p1, p2);
    if (!row) throw new Error('conversation vanished after insert');
    return { conversation: toConversation(row), created };
  }

  async getConversation(
    conversationId: string,
    userId: string,
  ): Promise<ConversationRecord | null> {
    const row = this.stmt.conversationById.get(conversationId);
    if (!row || (row.participant1Id !== userId && row.participant2Id !== userId)) return null;
    return toConversation(row);
  }

  async getConversationView(
    conversationId: string,
    userId: string,
  ): Promise<ConversationView | null> {
    const row = this.stmt.conversationView.get({ id: conversationId, me: userId });
    return row ? toView(row) : null;
  }

  async listConversationViews(
    userId: string,
    limit: number,
    after: ConversationCursor | null,
  ): Promise<{ views: ConversationView[]; next: ConversationCursor | null }> {
    // Two index range scans (one per participant column) merged here: no table scan.
    const at = after?.activityAt ?? '\uffff';
    const id = after?.id ?? '\uffff';
    const rows = [
      ...this.stmt.pageP1.all(userId, at, at, id, limit + 1),
      ...this.stmt.pageP2.all(userId, at, at, id, limit + 1),
    ].sort((a, b) =>
      a.activityAt === b.activityAt ? (a.id < b.id ? 1 : -1) : a.activityAt < b.activityAt ? 1 : -1,
    );
    const page = rows.slice(0, limit);
    const views: ConversationView[] = [];
    for (const row of page) {
      const view = this.stmt.conversationView.get({ id: row.id, me: userId });
      if (view) views.push(toView(view));
    }
    const last = page.at(-1);
    const next = rows.length > limit && last ? { activityAt: last.activityAt, id: last.id } : null;
    return { views, next };
  }

  async listMessages(
    conversationId: string,
    query: MessagePageQuery,
  ): Promise<{ messages: MessageRecord[]; hasMore: boolean }> {
    const fetch = query.limit + 1;
    let rows: RawMessageRow[];
    if (query.afterSeq !== undefined) {
      rows = this.stmt.after.all(conversationId, query.afterSeq, fetch);
    } else if (query.beforeSeq !== undefined) {
      rows = this.stmt.before.all(conversationId, query.beforeSeq, fetch).reverse();
    } else {
      rows = this.stmt.latest.all(conversationId, fetch).reverse();
    }
    const hasMore = rows.length > query.limit;
    if (hasMore) {
      // afterSeq pages grow upwards, the others downwards: drop the row beyond the page's far end.
      if (query.afterSeq !== undefined) rows.pop();
      else rows.shift();
    }
    return { messages: rows.map(fromRawMessage), hasMore };
  }

  async getMessage(messageId: string): Promise<MessageRecord | null> {
    const row = this.stmt.messageById.get(messageId);
    return row ? fromRawMessage(row) : null;
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.batcher.append(input);
  }

  async markRead(conversationId: string, readerId: string, seq: number): Promise<ReadUpdate> {
    const readAt = now();
    return write(
      this.db.transaction((): ReadUpdate => {
        const row = this.stmt.conversationById.get(conversationId);
        if (!row) throw new Error(`conversation ${conversationId} not found`);
        const first = row.participant1Id === readerId;
        const otherId = first ? row.participant2Id : row.participant1Id;
        const cursor = first ? row.participant1LastReadSeq : row.participant2LastReadSeq;
        const target = Math.min(seq, row.lastSeq);
        if (target <= cursor) {
          const unreadCount = first ? row.participant1Unread : row.participant2Unread;
          return { seq: cursor, changed: false, readAt, unreadCount };
        }
        // Recounted, not decremented: the counter is set from the messages themselves.
        const unreadCount = this.stmt.countUnread.get(conversationId, target, otherId)?.n ?? 0;
        (first ? this.stmt.setCursor1 : this.stmt.setCursor2).run(
          target,
          unreadCount,
          readAt,
          conversationId,
          target,
        );
        this.stmt.markMessagesRead.run(readAt, readAt, conversationId, cursor, target, otherId);
        return { seq: target, changed: true, readAt, unreadCount };
      }),
    );
  }

  async unreadCounts(userId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const row of this.stmt.unreadCounts.all({ me: userId })) {
      if (row.n > 0) counts[row.id] = row.n;
    }
    return counts;
  }

  async peersOf(userId: string): Promise<string[]> {
    return this.stmt.peers.all({ me: userId }).map((row) => row.id);
  }

  async replaceConnections(userId: string, otherIds: readonly string[]): Promise<void> {
    const at = now();
    write(
      this.db.transaction(() => {
        this.stmt.ensureUser.run(userId, at, at);
        this.stmt.deleteConnections.run(userId, userId);
        for (const other of otherIds) {
          if (other === userId) continue;
          this.stmt.ensureUser.run(other, at, at);
          this.stmt.insertConnection.run(userId, other);
          this.stmt.insertConnection.run(other, userId);
        }
      }),
    );
  }

  async isConnected(userA: string, userB: string): Promise<boolean> {
    return this.stmt.isConnected.get(userA, userB) !== undefined;
  }

  async hasConnections(userId: string): Promise<boolean> {
    return this.stmt.hasConnections.get(userId) !== undefined;
  }

  async searchContacts(
    userId: string,
    query: string,
    limit: number,
    connectionsOnly: boolean,
  ): Promise<UserRecord[]> {
    const pattern = `${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if (connectionsOnly || (await this.hasConnections(userId))) {
      return this.stmt.searchConnections.all(userId, pattern, limit);
    }
    return this.stmt.searchUsers.all(userId, pattern, limit);
  }

  async close(): Promise<void> {
    this.batcher.flush();
    this.db.close();
  }
}
