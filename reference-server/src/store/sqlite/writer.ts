import Database from 'better-sqlite3';
import type { AppendResult, NewMessage, ProfileInput, ReadUpdate } from '../chat-store.js';
import { COUNT_ABOVE_SQL, MARK_READ_SQL, walk } from './chain.js';
import type { Walk } from './chain.js';
import { newMessageId } from './message-id.js';
import { fromRawMessage, MESSAGE_COLUMNS, storedMessage } from './rows.js';
import type { RawMessageRow } from './rows.js';

/** Every write of the store, as data: what the writer thread is handed (writer-wire.ts). */
export type WriteOp =
  | { kind: 'append'; input: NewMessage }
  | { kind: 'upsertUser'; profile: ProfileInput; at: string }
  | { kind: 'setLastSeen'; userId: string; at: string }
  | { kind: 'createConversation'; id: string; p1: string; p2: string; at: string }
  | { kind: 'markRead'; conversationId: string; readerId: string; seq: number; at: string }
  | { kind: 'replaceConnections'; userId: string; otherIds: readonly string[]; at: string }
  /** Operations only: lets a test make the writer's connection read-only or full. */
  | { kind: 'pragma'; source: string };

/** What each op gives back, by kind. */
export interface WriteResults {
  append: AppendResult;
  upsertUser: null;
  setLastSeen: null;
  createConversation: boolean;
  markRead: ReadUpdate;
  replaceConnections: null;
  pragma: unknown;
}

/** An op's failure as plain data (errors lose their `code` crossing threads). */
export interface WriteFailure {
  code: string | undefined;
  message: string;
}

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; failure: WriteFailure };

/** What an append needs of its conversation's row: kept by the writer once read (`known`). */
interface SeqState {
  lastSeq: number;
  /** The last message's rowid, which the next one points back at (chain.ts); null before one. */
  lastRowid: number | null;
  participant1Id: string;
}

/** A conversation as the current batch leaves it, written to its row once before COMMIT. */
interface Written extends SeqState {
  /** The batch's last message in it; null while every send of the batch was a duplicate. */
  lastId: string | null;
  /** Messages of the batch to each participant: their unread counters grow by as many. */
  toP1: number;
  toP2: number;
}

/** How many conversations the writer keeps the seq of (SqliteWriter.known): about 100 bytes each. */
const KNOWN_LIMIT = 10_000;

export function failureOf(error: unknown): WriteFailure {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : undefined,
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * The WAL's size, in frames (4 KB pages), at which it is copied back into the database and
 * started over. SQLite's default of 1,000 checkpointed every 20 or so small batches; 4,000 (16 MB
 * of WAL) writes 12-15% more messages a second (bench/store-writes.ts).
 */
export const WAL_RESTART_FRAMES = 4_000;

/**
 * With a checkpointer thread, the writer's own automatic checkpoint is only a backstop, for a
 * checkpointer that fell behind or failed: the WAL restarts at about WAL_RESTART_FRAMES before.
 */
export const WAL_BACKSTOP_FRAMES = 4 * WAL_RESTART_FRAMES;

/**
 * A connection of the writer's or the checkpointer's thread to a file that the store has created
 * and migrated: its COMMITs and checkpoints sync the WAL and the database as `synchronous` says.
 */
export function openFileConnection(
  path: string,
  synchronous: 'full' | 'normal',
): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * The writer's own connection (the writer thread's, and `bench/store-writes.ts --in-process`'s).
 */
export function openWriterConnection(
  path: string,
  synchronous: 'full' | 'normal',
  autocheckpointFrames = WAL_RESTART_FRAMES,
): Database.Database {
  const db = openFileConnection(path, synchronous);
  db.pragma('foreign_keys = ON');
  // SQLite's own checkpoints run inside the COMMIT that crosses the threshold, on this connection.
  // The writer thread raises it to WAL_BACKSTOP_FRAMES: its checkpointer copies the WAL back first.
  db.pragma(`wal_autocheckpoint = ${autocheckpointFrames}`);
  return db;
}

/**
 * Every write of the SQLite store, on one connection: `write()` writes a batch of ops in one
 * transaction (group commit: one fsync for all of them), and a bad op fails alone: an append is
 * one statement, which SQLite undoes by itself, and every other op runs in a savepoint of its
 * own. Only when SQLite rolls back the whole transaction (a full disk) does the batch fail as a
 * whole. Synchronous; the store runs it on a writer thread for a file database and in-process
 * for `:memory:`.
 */
export class SqliteWriter {
  private readonly stmt;
  private readonly runBatch: (ops: readonly WriteOp[]) => WriteOutcome[];
  /**
   * Each conversation's last seq and first participant as this connection wrote them, so that a
   * send does not read its conversation's row: this connection is the only one that writes them.
   * Everything here is forgotten when a transaction fails (it may have been rolled back) and when
   * another connection committed to the file (`data_version`, read at the start of every
   * transaction). At most `knownLimit` (KNOWN_LIMIT), the first kept dropped first.
   */
  private readonly known = new Map<string, SeqState>();
  private dataVersion: number | undefined = undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly knownLimit = KNOWN_LIMIT,
  ) {
    this.stmt = {
      // The unique index on (clientMessageId, senderId, conversationId) (migration 3) turns a
      // retry into a no-op; prevRowid chains the message to the one before it (chain.ts), and the
      // unique index on every 16th (conversationId, seq) makes a reused seq there fail loudly.
      // No RETURNING: the stored row is exactly what append() passes in (no triggers, and the
      // columns left out default to unread), so the message is built from the inputs. RETURNING
      // staged the row in a temporary table and handed back ten values: without it and without a
      // savepoint of its own, an append takes about a quarter fewer instructions
      // (docs/performance.md).
      insertMessage: db.prepare<
        [string, string, string, string, number, string, string, string, number | null]
      >(
        `
          INSERT INTO messages (id, conversationId, senderId, content, seq, clientMessageId, createdAt, updatedAt, prevRowid)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (clientMessageId, senderId, conversationId) DO NOTHING`,
      ),
      byClientId: db
        .prepare<[string, string, string], RawMessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversationId = ? AND senderId = ? AND clientMessageId = ?`,
        )
        .raw(true),
      // An array, not an object: better-sqlite3's row objects, spread into another, went through
      // V8's slow paths (map migrations, IC misses) on every call.
      seqOf: db
        .prepare<[string], [lastSeq: number, lastRowid: number | null, participant1Id: string]>(
          'SELECT lastSeq, lastRowid, participant1Id FROM conversations WHERE id = ?',
        )
        .raw(true),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      bump: db.prepare(`
        UPDATE conversations SET lastSeq = ?, lastRowid = ?, lastMessageId = ?, lastMessageAt = ?, activityAt = ?,
          updatedAt = ?, participant1Unread = participant1Unread + ?, participant2Unread = participant2Unread + ?
        WHERE id = ?`),
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
      setLastSeen: db.prepare('UPDATE users SET lastSeenAt = ? WHERE id = ?'),
      insertConversation: db.prepare(`
        INSERT INTO conversations (id, participant1Id, participant2Id, activityAt, createdAt, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (participant1Id, participant2Id) DO NOTHING`),
      // Arrays, not row objects, for the reason given at seqOf.
      readState: db
        .prepare<
          [string],
          [
            participant1Id: string,
            participant2Id: string,
            participant1LastReadSeq: number,
            participant2LastReadSeq: number,
            lastSeq: number,
            participant1Unread: number,
            participant2Unread: number,
            lastRowid: number | null,
          ]
        >(
          `SELECT participant1Id, participant2Id, participant1LastReadSeq, participant2LastReadSeq,
             lastSeq, participant1Unread, participant2Unread, lastRowid FROM conversations WHERE id = ?`,
        )
        .raw(true),
      setCursor1: db.prepare(
        'UPDATE conversations SET participant1LastReadSeq = ?, participant1Unread = ?, updatedAt = ? WHERE id = ? AND participant1LastReadSeq < ?',
      ),
      setCursor2: db.prepare(
        'UPDATE conversations SET participant2LastReadSeq = ?, participant2Unread = ?, updatedAt = ? WHERE id = ? AND participant2LastReadSeq < ?',
      ),
      // Only the range between the old cursor and the new one: everything below is read already.
      markMessagesRead: db.prepare<[Walk & { senderId: string; at: string }]>(MARK_READ_SQL),
      // From the last message down to the new cursor: as long as what is left unread.
      countUnread: db.prepare<[Walk & { senderId: string }], number>(COUNT_ABOVE_SQL).pluck(),
      deleteConnections: db.prepare('DELETE FROM connections WHERE userId = ? OR otherId = ?'),
      insertConnection: db.prepare(
        'INSERT INTO connections (userId, otherId) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
    };
    // Nested db.transaction() calls run as savepoints: one bad op fails alone, not the batch.
    const one = db.transaction((op: WriteOp, at: string, written: Map<string, Written>) =>
      this.apply(op, at, written),
    );
    this.runBatch = db.transaction((ops: readonly WriteOp[]): WriteOutcome[] => {
      // Opens the transaction's snapshot: another connection's commit after it would make this
      // one's first write fail (SQLITE_BUSY_SNAPSHOT), so `known` is right for the whole batch.
      const version = this.stmt.dataVersion.get();
      if (version !== this.dataVersion) {
        this.known.clear();
        this.dataVersion = version;
      }
      const at = new Date().toISOString();
      const written = new Map<string, Written>();
      const outcomes = ops.map((op): WriteOutcome => {
        try {
          // An append is one INSERT, which SQLite undoes by itself when it fails, and its
          // bookkeeping in `written` follows only once it has succeeded: no savepoint needed.
          if (op.kind === 'append') return { ok: true, value: this.append(op.input, at, written) };
          // Whatever reads a conversation row sees the sends of the batch before it.
          this.writeConversations(written, at);
          return { ok: true, value: one(op, at, written) };
        } catch (error) {
          // SQLITE_FULL, IOERR, BUSY and NOMEM can roll back the whole transaction, not just the
          // statement: everything before in the batch is gone, and the ops after it would run
          // (and commit) one by one outside it. The batch fails as a whole instead.
          if (!this.db.inTransaction) throw error;
          return { ok: false, failure: failureOf(error) };
        }
      });
      this.writeConversations(written, at);
      return outcomes;
    });
  }

  /**
   * Writes ops in the order given and answers each one. Consecutive ops share one transaction
   * (one COMMIT, one fsync); a pragma, which cannot run inside a transaction, runs alone between
   * them. Never throws: when a transaction itself fails (BEGIN or COMMIT: disk full, read-only,
   * I/O error), nothing of it is stored and each of its ops is answered with that failure.
   */
  write(ops: readonly WriteOp[]): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    let start = 0;
    for (let i = 0; i <= ops.length; i++) {
      const op = ops[i];
      if (op !== undefined && op.kind !== 'pragma') continue;
      // A loop, not push(...): a transaction of a few hundred thousand ops (a long stall's
      // backlog) would overflow the stack after COMMIT and answer stored ops as failed.
      if (i > start) {
        for (const outcome of this.transaction(ops.slice(start, i))) outcomes.push(outcome);
      }
      if (op !== undefined) outcomes.push(this.pragma(op.source));
      start = i + 1;
    }
    return outcomes;
  }

  /** One transaction for `run`; if BEGIN or COMMIT fails, each op gets that failure. */
  private transaction(run: readonly WriteOp[]): WriteOutcome[] {
    try {
      return this.runBatch(run);
    } catch (error) {
      this.known.clear();
      const failure = failureOf(error);
      return run.map(() => ({ ok: false, failure }));
    }
  }

  /**
   * Copies back what is left of the WAL once the checkpointer copied the rest, so that the next
   * transaction starts the WAL over (SQLite restarts it only for a writer that begins after the
   * whole WAL was copied back, and the checkpointer's copy always trails the latest COMMIT). A few
   * frames and two syncs. Whatever stops it (a reader on an older snapshot, the checkpointer's
   * own pass) leaves the frames for the next round or the backstop; a failing disk fails the next
   * COMMIT, which answers for it.
   */
  finishCheckpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Left to the next round, as above.
    }
  }

  /** How many conversations' seqs are kept (`known`), for tests and operations. */
  get knownConversations(): number {
    return this.known.size;
  }

  private pragma(source: string): WriteOutcome {
    try {
      return { ok: true, value: this.db.pragma(source, { simple: true }) };
    } catch (error) {
      return { ok: false, failure: failureOf(error) };
    }
  }

  private writeConversations(written: Map<string, Written>, at: string): void {
    for (const [id, c] of written) {
      if (c.lastId !== null)
        this.stmt.bump.run(c.lastSeq, c.lastRowid, c.lastId, at, at, at, c.toP1, c.toP2, id);
      if (!this.known.has(id) && this.known.size >= this.knownLimit) {
        this.known.delete(this.known.keys().next().value!);
      }
      this.known.set(id, {
        lastSeq: c.lastSeq,
        lastRowid: c.lastRowid,
        participant1Id: c.participant1Id,
      });
    }
    written.clear();
  }

  private apply(op: WriteOp, at: string, written: Map<string, Written>): unknown {
    const s = this.stmt;
    switch (op.kind) {
      case 'append':
        return this.append(op.input, at, written);
      case 'upsertUser':
        s.upsertUser.run({
          id: op.profile.id,
          name: op.profile.name ?? null,
          avatarUrl: op.profile.avatarUrl ?? null,
          setName: op.profile.name === undefined ? 0 : 1,
          setAvatar: op.profile.avatarUrl === undefined ? 0 : 1,
          now: op.at,
        });
        return null;
      case 'setLastSeen':
        s.setLastSeen.run(op.at, op.userId);
        return null;
      case 'createConversation':
        // The unique index on the pair decides who wins a race; the loser reads the winner's row.
        s.ensureUser.run(op.p1, op.at, op.at);
        s.ensureUser.run(op.p2, op.at, op.at);
        return s.insertConversation.run(op.id, op.p1, op.p2, op.at, op.at, op.at).changes === 1;
      case 'markRead':
        return this.markRead(op.conversationId, op.readerId, op.seq, op.at);
      case 'replaceConnections':
        s.ensureUser.run(op.userId, op.at, op.at);
        s.deleteConnections.run(op.userId, op.userId);
        for (const other of op.otherIds) {
          if (other === op.userId) continue;
          s.ensureUser.run(other, op.at, op.at);
          s.insertConnection.run(op.userId, other);
          s.insertConnection.run(other, op.userId);
        }
        return null;
      case 'pragma':
        throw new Error('a pragma never runs inside a transaction (write() runs it alone)');
    }
  }

  private append(input: NewMessage, at: string, written: Map<string, Written>): AppendResult {
    // seq is the conversation's last one, read from its row the first time (then kept in `known`)
    // and carried here from message to message; the row is written once per batch
    // (writeConversations).
    let conversation = written.get(input.conversationId);
    if (!conversation) {
      const state = this.known.get(input.conversationId);
      if (state) {
        const { lastSeq, lastRowid, participant1Id } = state;
        conversation = { lastSeq, lastRowid, participant1Id, lastId: null, toP1: 0, toP2: 0 };
      } else {
        const row = this.stmt.seqOf.get(input.conversationId);
        if (!row) throw new Error(`conversation ${input.conversationId} not found`);
        const [lastSeq, lastRowid, participant1Id] = row;
        conversation = { lastSeq, lastRowid, participant1Id, lastId: null, toP1: 0, toP2: 0 };
      }
      written.set(input.conversationId, conversation);
    }
    const id = newMessageId();
    const seq = conversation.lastSeq + 1;
    const { changes, lastInsertRowid } = this.stmt.insertMessage.run(
      id,
      input.conversationId,
      input.senderId,
      input.content,
      seq,
      input.clientMessageId,
      at,
      at,
      conversation.lastRowid,
    );
    if (changes === 1) {
      conversation.lastSeq = seq;
      conversation.lastRowid = Number(lastInsertRowid);
      conversation.lastId = id;
      if (input.senderId === conversation.participant1Id) conversation.toP2++;
      else conversation.toP1++;
      return { message: storedMessage(input, id, seq, at), duplicate: false };
    }
    const existing = this.stmt.byClientId.get(
      input.conversationId,
      input.senderId,
      input.clientMessageId,
    );
    if (!existing) throw new Error(`message ${input.clientMessageId} neither stored nor found`);
    return { message: fromRawMessage(existing), duplicate: true };
  }

  private markRead(conversationId: string, readerId: string, seq: number, at: string): ReadUpdate {
    const s = this.stmt;
    const row = s.readState.get(conversationId);
    if (!row) throw new Error(`conversation ${conversationId} not found`);
    const [p1, p2, p1Cursor, p2Cursor, lastSeq, p1Unread, p2Unread, lastRowid] = row;
    const first = p1 === readerId;
    const otherId = first ? p2 : p1;
    const cursor = first ? p1Cursor : p2Cursor;
    const target = Math.min(seq, lastSeq);
    if (target <= cursor) {
      return { seq: cursor, changed: false, readAt: at, unreadCount: first ? p1Unread : p2Unread };
    }
    // Recounted, not decremented: the counter is set from the messages themselves.
    // Both walk the conversation's chain (chain.ts): the count from its last message down to the
    // new cursor, the update from the new cursor's anchor down to the old one.
    const unreadCount =
      s.countUnread.get({
        ...walk(conversationId, lastRowid, target, lastSeq),
        senderId: otherId,
      }) ?? 0;
    (first ? s.setCursor1 : s.setCursor2).run(target, unreadCount, at, conversationId, target);
    s.markMessagesRead.run({
      ...walk(conversationId, lastRowid, cursor + 1, target),
      senderId: otherId,
      at,
    });
    return { seq: target, changed: true, readAt: at, unreadCount };
  }
}
