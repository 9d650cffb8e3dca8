/**
 * How a conversation's messages are found (migration 4). There is no index on
 * (conversationId, seq): each send would write a leaf page of its own conversation's part of it,
 * one WAL frame a conversation a COMMIT, about half of what the writer spent on a send in large
 * batches (docs/performance.md). Instead each message points at the one before it in its
 * conversation (`prevRowid`), the conversation's row at its last (`lastRowid`), and every
 * SEQ_STRIDE-th message is indexed (`messages_conversation_seq_sparse`). Seqs are 1, 2, 3, … with
 * no gap (contract.md), so any seq is at most SEQ_STRIDE - 1 steps back from the indexed one at or
 * above it, or from the conversation's last message.
 */

import { MESSAGE_COLUMNS } from './rows.js';

/** Every SEQ_STRIDE-th seq of a conversation is indexed; the migration's index says 16 too. */
export const SEQ_STRIDE = 16;

/** What a walk down a conversation's chain needs: the named parameters of the statements below. */
export type Walk = {
  conversationId: string;
  /** The indexed seq at or above `high`, where the walk starts if that message exists. */
  anchor: number;
  /** Where it starts otherwise: the conversation's last message (null: it has none). */
  lastRowid: number | null;
  /** The seqs wanted, inclusive; the walk stops at `low`. */
  low: number;
  high: number;
};

/** The walk over seqs `low` to `high` of a conversation whose last message is `lastRowid`. */
export function walk(
  conversationId: string,
  lastRowid: number | null,
  low: number,
  high: number,
): Walk {
  const anchor = Math.ceil(high / SEQ_STRIDE) * SEQ_STRIDE;
  return { conversationId, anchor, lastRowid, low, high };
}

/** The rowid of an indexed seq: the partial index's own condition, verbatim. */
export const ANCHOR_SQL = `SELECT rowid FROM messages WHERE conversationId = @conversationId AND seq = @anchor AND seq % ${SEQ_STRIDE} = 0`;

/**
 * `chain(r, seq, senderId, prev)`: the messages from the anchor (or, above the last indexed seq,
 * the last message) down to seq `low` (inclusive), newest first. Followed by a statement that
 * reads `chain`, with a `Walk` for its parameters.
 */
export const CHAIN_CTE = `
  WITH RECURSIVE chain(r, seq, senderId, prev) AS (
    SELECT rowid, seq, senderId, prevRowid FROM messages
    WHERE rowid = COALESCE((${ANCHOR_SQL}), @lastRowid)
    UNION ALL
    SELECT m.rowid, m.seq, m.senderId, m.prevRowid FROM chain JOIN messages m ON m.rowid = chain.prev
    WHERE chain.seq > @low
  )`;

/**
 * A page: the messages of seqs `low` to `high`, in no particular order (the caller sorts them: a
 * few dozen rows, where an ORDER BY would build a temporary B-tree).
 */
export const PAGE_SQL = `${CHAIN_CTE}
  SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE rowid IN (SELECT r FROM chain WHERE seq BETWEEN @low AND @high)`;

/** How many messages from `senderId` are above seq `low` (a walk from the last message). */
export const COUNT_ABOVE_SQL = `${CHAIN_CTE}
  SELECT COUNT(*) FROM chain WHERE seq > @low AND senderId = @senderId`;

/** Marks the messages from `senderId` of seqs `low` to `high` read at `at`. */
export const MARK_READ_SQL = `${CHAIN_CTE}
  UPDATE messages SET isRead = 1, readAt = @at, updatedAt = @at
  WHERE rowid IN (SELECT r FROM chain WHERE seq BETWEEN @low AND @high AND senderId = @senderId)
    AND isRead = 0`;
