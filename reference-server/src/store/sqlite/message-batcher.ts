import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AppendResult, NewMessage } from '../chat-store.js';
import { MESSAGE_COLUMNS, toMessage } from './rows.js';
import { storageFailure } from './storage-failure.js';
import type { MessageRow } from './rows.js';

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
  private readonly bump;
  private readonly writeBatch;

  constructor(db: Database.Database) {
    // seq comes from the conversation row in the same statement, so it can never be reused; the
    // unique index on (conversationId, senderId, clientMessageId) turns a retry into a no-op.
    this.insert = db.prepare<[string, string, string, string, string, string, string], MessageRow>(`
      INSERT INTO messages (id, conversationId, senderId, content, seq, clientMessageId, createdAt, updatedAt)
      SELECT ?, id, ?, ?, lastSeq + 1, ?, ?, ? FROM conversations WHERE id = ?
      ON CONFLICT (conversationId, senderId, clientMessageId) DO NOTHING
      RETURNING ${MESSAGE_COLUMNS}`);
    this.byClientId = db.prepare<[string, string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversationId = ? AND senderId = ? AND clientMessageId = ?`,
    );
    this.bump = db.prepare(`
      UPDATE conversations SET lastSeq = ?, lastMessageId = ?, lastMessageAt = ?, activityAt = ?, updatedAt = ?
      WHERE id = ?`);
    const one = db.transaction((input: NewMessage, at: string): AppendResult => {
      const row = this.insert.get(
        randomUUID(),
        input.senderId,
        input.content,
        input.clientMessageId,
        at,
        at,
        input.conversationId,
      );
      if (row) {
        this.bump.run(row.seq, row.id, at, at, at, input.conversationId);
        return { message: toMessage(row), duplicate: false };
      }
      const existing = this.byClientId.get(
        input.conversationId,
        input.senderId,
        input.clientMessageId,
      );
      if (!existing) throw new Error(`conversation ${input.conversationId} not found`);
      return { message: toMessage(existing), duplicate: true };
    });
    // Nested db.transaction() calls run as savepoints: one bad item fails alone, not the batch.
    this.writeBatch = db.transaction((batch: Pending[]) => {
      const at = new Date().toISOString();
      return batch.map((item) => {
        try {
          return { ok: true as const, result: one(item.input, at) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
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
