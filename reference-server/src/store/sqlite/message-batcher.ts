import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { AppendResult, NewMessage } from '../chat-store.js';
import { fromRawMessage, MESSAGE_COLUMNS } from './rows.js';
import { storageFailure } from './storage-failure.js';
import type { RawMessageRow } from './rows.js';

/** A conversation as the current batch leaves it, written to its row once at the end. */
interface Written {
  lastSeq: number;
  participant1Id: string;
  /** The batch's last message in it; null while every send of the batch was a duplicate. */
  lastId: string | null;
  /** Messages of the batch to each participant: their unread counters grow by as many. */
  toP1: number;
  toP2: number;
}

interface Pending {
  input: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: every append that arrives in one event-loop turn is written in one transaction,
 * flushed from `setImmediate`, so that one fsync (synchronous=FULL) covers the whole batch.
 * Promises settle only after COMMIT returns: an ack never runs ahead of the disk.
 */
export class MessageBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly insert;
  private readonly byClientId;
  private readonly conversation;
  private readonly bump;
  private readonly writeBatch;

  constructor(db: Database.Database) {
    // The unique index on (conversationId, senderId, clientMessageId) turns a retry into a no-op,
    // and the one on (conversationId, seq) makes a reused seq fail loudly instead of being stored.
    this.insert = db
      .prepare<[string, string, string, string, number, string, string, string], RawMessageRow>(
        `
        INSERT INTO messages (id, conversationId, senderId, content, seq, clientMessageId, createdAt, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (conversationId, senderId, clientMessageId) DO NOTHING
        RETURNING ${MESSAGE_COLUMNS}`,
      )
      .raw(true);
    this.byClientId = db
      .prepare<[string, string, string], RawMessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversationId = ? AND senderId = ? AND clientMessageId = ?`,
      )
      .raw(true);
    this.conversation = db.prepare<[string], { lastSeq: number; participant1Id: string }>(
      'SELECT lastSeq, participant1Id FROM conversations WHERE id = ?',
    );
    this.bump = db.prepare(`
      UPDATE conversations SET lastSeq = ?, lastMessageId = ?, lastMessageAt = ?, activityAt = ?,
        updatedAt = ?, participant1Unread = participant1Unread + ?, participant2Unread = participant2Unread + ?
      WHERE id = ?`);
    const one = db.transaction(
      (input: NewMessage, at: string, written: Map<string, Written>): AppendResult => {
        // seq is the conversation's last one, read once per batch and carried here from message
        // to message; the conversation row is written once per batch (see writeBatch).
        let conversation = written.get(input.conversationId);
        if (!conversation) {
          const row = this.conversation.get(input.conversationId);
          if (!row) throw new Error(`conversation ${input.conversationId} not found`);
          conversation = { ...row, lastId: null, toP1: 0, toP2: 0 };
          written.set(input.conversationId, conversation);
        }
        const row = this.insert.get(
          // Time-ordered (UUIDv7): the primary-key index grows at its right edge instead of
          // touching a random page for every message.
          uuidv7(),
          input.conversationId,
          input.senderId,
          input.content,
          conversation.lastSeq + 1,
          input.clientMessageId,
          at,
          at,
        );
        if (row) {
          const message = fromRawMessage(row);
          conversation.lastSeq = message.seq;
          conversation.lastId = message.id;
          if (input.senderId === conversation.participant1Id) conversation.toP2++;
          else conversation.toP1++;
          return { message, duplicate: false };
        }
        const existing = this.byClientId.get(
          input.conversationId,
          input.senderId,
          input.clientMessageId,
        );
        if (!existing) throw new Error(`message ${input.clientMessageId} neither stored nor found`);
        return { message: fromRawMessage(existing), duplicate: true };
      },
    );
    // Nested db.transaction() calls run as savepoints: one bad item fails alone, not the batch.
    this.writeBatch = db.transaction((batch: Pending[]) => {
      const at = new Date().toISOString();
      const written = new Map<string, Written>();
      const outcomes = batch.map((item) => {
        try {
          return { ok: true as const, result: one(item.input, at, written) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      for (const [id, c] of written) {
        if (c.lastId !== null) this.bump.run(c.lastSeq, c.lastId, at, at, at, c.toP1, c.toP2, id);
      }
      return outcomes;
    });
  }

  append(input: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes whatever is queued now (also called at shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let outcomes;
    try {
      outcomes = this.writeBatch(batch);
    } catch (error) {
      // COMMIT failed (disk full, read-only, I/O error): nothing of the batch is acked.
      const failure = storageFailure(error);
      for (const item of batch) item.reject(failure);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.result);
      else item.reject(storageFailure(outcome.error));
    });
  }
}
