import type Database from 'better-sqlite3';

/**
 * Versioned schema. A migration is never edited once released: add a new one. Each runs in its
 * own transaction and is recorded in `schema_migrations`.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT,
        avatarUrl TEXT,
        lastSeenAt TEXT,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL
      );
      CREATE INDEX users_name ON users (name COLLATE NOCASE);

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        participant1Id TEXT NOT NULL,
        participant2Id TEXT NOT NULL,
        participant1LastReadSeq INTEGER NOT NULL DEFAULT 0,
        participant2LastReadSeq INTEGER NOT NULL DEFAULT 0,
        lastSeq INTEGER NOT NULL DEFAULT 0,
        lastMessageId TEXT,
        lastMessageAt TEXT,
        activityAt TEXT NOT NULL,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL
      );
      CREATE UNIQUE INDEX conversations_pair ON conversations (participant1Id, participant2Id);
      CREATE INDEX conversations_p1_activity ON conversations (participant1Id, activityAt, id);
      CREATE INDEX conversations_p2_activity ON conversations (participant2Id, activityAt, id);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversationId TEXT NOT NULL REFERENCES conversations (id),
        senderId TEXT NOT NULL,
        content TEXT NOT NULL,
        seq INTEGER NOT NULL,
        clientMessageId TEXT NOT NULL,
        isRead INTEGER NOT NULL DEFAULT 0,
        readAt TEXT,
        createdAt TEXT NOT NULL,
        updatedAt TEXT NOT NULL
      );
      CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversationId, seq);
      CREATE UNIQUE INDEX messages_client_id ON messages (conversationId, senderId, clientMessageId);
      CREATE INDEX messages_sender_seq ON messages (conversationId, senderId, seq);

      CREATE TABLE connections (
        userId TEXT NOT NULL,
        otherId TEXT NOT NULL,
        PRIMARY KEY (userId, otherId)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'unread counters on conversations',
    // Each participant's unread count is kept on the conversation row, written with the batch
    // that stores the messages and with every read: a count is then one column, not an index
    // range, and messages lose an index that every insert paid for.
    sql: `
      ALTER TABLE conversations ADD COLUMN participant1Unread INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN participant2Unread INTEGER NOT NULL DEFAULT 0;
      UPDATE conversations SET
        participant1Unread = (SELECT COUNT(*) FROM messages m WHERE m.conversationId = conversations.id
          AND m.senderId = conversations.participant2Id AND m.seq > conversations.participant1LastReadSeq),
        participant2Unread = (SELECT COUNT(*) FROM messages m WHERE m.conversationId = conversations.id
          AND m.senderId = conversations.participant1Id AND m.seq > conversations.participant2LastReadSeq);
      DROP INDEX messages_sender_seq;
    `,
  },
  {
    version: 3,
    name: 'retry index led by clientMessageId',
    // The unique index that turns a retried send into a no-op led with conversationId: every send
    // of a batch dirtied a leaf page of its own conversation's part of it (a WAL frame each).
    // Led by clientMessageId, time-ordered ids (the SDK's UUIDv7s) land together at its right edge.
    // Lookups give all three columns, so any order serves them.
    sql: `
      DROP INDEX messages_client_id;
      CREATE UNIQUE INDEX messages_client_id ON messages (clientMessageId, senderId, conversationId);
    `,
  },
  {
    version: 4,
    name: 'messages chained by conversation',
    // The index on (conversationId, seq) put every send of a batch on a leaf page of its own
    // conversation's part of it: a WAL frame a conversation a COMMIT, about half of what the
    // writer spent on a send in large batches (docs/performance.md). Each message now points at
    // the one before it in its conversation (prevRowid), the conversation at its last (lastRowid),
    // and every 16th message is indexed (SEQ_STRIDE in chain.ts, which reads them).
    sql: `
      ALTER TABLE messages ADD COLUMN prevRowid INTEGER;
      ALTER TABLE conversations ADD COLUMN lastRowid INTEGER;
      UPDATE messages SET prevRowid = (SELECT p.rowid FROM messages p
        WHERE p.conversationId = messages.conversationId AND p.seq = messages.seq - 1);
      UPDATE conversations SET lastRowid = (SELECT m.rowid FROM messages m
        WHERE m.conversationId = conversations.id AND m.seq = conversations.lastSeq);
      CREATE UNIQUE INDEX messages_conversation_seq_sparse ON messages (conversationId, seq)
        WHERE seq % 16 = 0;
      DROP INDEX messages_conversation_seq;
    `,
  },
];

/** Where `migrate` says what it does: a pino logger fits. */
export interface MigrationLog {
  info(details: object, message: string): void;
}

/**
 * Applies the migrations that the file has not had yet, each in its own transaction, and returns
 * how many. On a file that already has a schema each one is logged before it starts and when it is
 * done, with its duration: an index rebuild on millions of messages makes a start take seconds.
 */
export function migrate(db: Database.Database, log?: MigrationLog): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, appliedAt TEXT NOT NULL)`);
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((row) => row.version),
  );
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, appliedAt) VALUES (?, ?, ?)',
  );
  const pending = MIGRATIONS.filter((migration) => !applied.has(migration.version));
  // A new file gets every migration in a few milliseconds: one line, not one per migration.
  const upgrading = applied.size > 0;
  for (const migration of pending) {
    const details = { migration: migration.version, name: migration.name };
    if (upgrading) log?.info(details, 'applying database migration');
    const start = performance.now();
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    const ms = Math.round(performance.now() - start);
    if (upgrading) log?.info({ ...details, ms }, 'applied database migration');
  }
  if (!upgrading && pending.length > 0) {
    log?.info({ version: pending.at(-1)!.version }, 'created database schema');
  }
  return pending.length;
}
