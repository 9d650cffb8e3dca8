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

/**
 * The indexed seq at or above `seq` that a walk down to it starts from, or null when there is
 * none below `lastSeq` (the walk then starts from the conversation's last message).
 */
export function anchorSeq(seq: number, lastSeq: number): number | null {
  const anchor = Math.ceil(seq / SEQ_STRIDE) * SEQ_STRIDE;
  return anchor <= lastSeq ? anchor : null;
}

/** The rowid of an indexed seq (`anchorSeq`): the partial index's own condition, verbatim. */
export const ANCHOR_SQL = `SELECT rowid FROM messages WHERE conversationId = ? AND seq = ? AND seq % ${SEQ_STRIDE} = 0`;

/**
 * `chain(r, seq, senderId, prev)`: the messages from the row whose rowid is the first parameter
 * down to seq the second (inclusive), newest first. Followed by a statement that reads `chain`.
 */
export const CHAIN_CTE = `
  WITH RECURSIVE chain(r, seq, senderId, prev) AS (
    SELECT rowid, seq, senderId, prevRowid FROM messages WHERE rowid = ?
    UNION ALL
    SELECT m.rowid, m.seq, m.senderId, m.prevRowid FROM chain JOIN messages m ON m.rowid = chain.prev
    WHERE chain.seq > ?
  )`;

/**
 * A page: the messages of seqs `low` to `high`, in no particular order (the caller sorts them: a
 * few dozen rows, where an ORDER BY would build a temporary B-tree). Parameters: the walk's start
 * and `low` (CHAIN_CTE), then `low` and `high`.
 */
export const PAGE_SQL = `${CHAIN_CTE}
  SELECT ${MESSAGE_COLUMNS} FROM messages WHERE rowid IN (SELECT r FROM chain WHERE seq BETWEEN ? AND ?)`;

/** Messages from `senderId` above a seq: the walk from the last message down to that seq. */
export const COUNT_ABOVE_SQL = `${CHAIN_CTE} SELECT COUNT(*) FROM chain WHERE seq > ? AND senderId = ?`;

/**
 * Marks the other participant's messages between two cursors read: a walk from the new cursor's
 * anchor down to the old one. Parameters: start and old cursor + 1, readAt, updatedAt, the old
 * cursor, the new one, the sender.
 */
export const MARK_READ_SQL = `${CHAIN_CTE}
  UPDATE messages SET isRead = 1, readAt = ?, updatedAt = ?
  WHERE rowid IN (SELECT r FROM chain WHERE seq > ? AND seq <= ? AND senderId = ?) AND isRead = 0`;
