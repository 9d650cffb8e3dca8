/**
 * Jepsen-style checks of a chaos run. The history (what clients attempted, what was acked) is
 * compared with the SQLite file itself, read directly with better-sqlite3, never through the
 * server: the server could agree with its own mistakes.
 */
import Database from 'better-sqlite3';
import type { ChatClient, Message } from '../../sdk/src/index.js';

export interface StoredMessage {
  id: string;
  conversationId: string;
  senderId: string;
  content: string;
  seq: number;
  clientMessageId: string;
  isRead: number;
}

export interface StoredConversation {
  id: string;
  participant1Id: string;
  participant2Id: string;
  participant1LastReadSeq: number;
  participant2LastReadSeq: number;
  lastSeq: number;
  messages: StoredMessage[];
}

/**
 * The database as it is on disk: conversations with their messages in seq order. Both reads share
 * one read transaction, so they see one snapshot: the server may still be committing reads and
 * sends, and a cursor read before a later mark-as-read would otherwise disagree with the isRead
 * flags read after it.
 */
export function readDatabase(path: string): Map<string, StoredConversation> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.transaction(() => readSnapshot(db))();
  } finally {
    db.close();
  }
}

function readSnapshot(db: Database.Database): Map<string, StoredConversation> {
  const conversations = new Map<string, StoredConversation>();
  const rows = db
    .prepare<[], Omit<StoredConversation, 'messages'>>(
      `SELECT id, participant1Id, participant2Id, participant1LastReadSeq,
              participant2LastReadSeq, lastSeq FROM conversations`,
    )
    .all();
  for (const row of rows) conversations.set(row.id, { ...row, messages: [] });
  const messages = db
    .prepare<[], StoredMessage>(
      `SELECT id, conversationId, senderId, content, seq, clientMessageId, isRead
       FROM messages ORDER BY conversationId, seq`,
    )
    .all();
  for (const m of messages) conversations.get(m.conversationId)?.messages.push(m);
  return conversations;
}

/** Unread count of `userId` in a conversation, recounted from messages and read cursors. */
export function recountUnread(c: StoredConversation, userId: string): number {
  const cursor =
    c.participant1Id === userId ? c.participant1LastReadSeq : c.participant2LastReadSeq;
  return c.messages.filter((m) => m.senderId !== userId && m.seq > cursor).length;
}

/** What the clients did: every content they tried to send, and the acks they got. */
export interface History {
  /** content → sender and conversation; contents are unique per run. */
  attempted: Map<string, { senderId: string; conversationId: string }>;
  /** content → the stored message the ack carried. */
  acked: Map<string, Message>;
}

export interface Counts {
  attempted: number;
  acked: number;
  stored: number;
  /** Acked but missing from the database, or stored differently from the ack. */
  lost: number;
  /** One send stored more than once. */
  duplicated: number;
  /** Stored but never attempted by any client. */
  unexpected: number;
  /** Attempted, never acked (the SDK must retry every one until it is acked). */
  unacked: number;
  /** Conversations whose seqs are not 1..n, or whose lastSeq disagrees. */
  seqGaps: number;
  /** Messages whose isRead flag disagrees with the reader's cursor. */
  readFlagMismatches: number;
}

export function countAnomalies(
  db: Map<string, StoredConversation>,
  history: History,
): { counts: Counts; details: string[] } {
  const details: string[] = [];
  const stored = [...db.values()].flatMap((c) => c.messages);
  const byId = new Map(stored.map((m) => [m.id, m]));
  const byContent = new Map<string, StoredMessage[]>();
  for (const m of stored) byContent.set(m.content, [...(byContent.get(m.content) ?? []), m]);

  let lost = 0;
  for (const [content, ack] of history.acked) {
    const row = byId.get(ack.id);
    if (!row || row.seq !== ack.seq || row.content !== content) {
      lost++;
      details.push(`lost: ${content} (ack ${ack.id} seq ${ack.seq})`);
    }
  }
  let duplicated = 0;
  let unexpected = 0;
  for (const [content, rows] of byContent) {
    if (rows.length > 1) {
      duplicated += rows.length - 1;
      details.push(`duplicated x${rows.length}: ${content}`);
    }
    const attempt = history.attempted.get(content);
    if (
      !attempt ||
      rows.some(
        (r) => r.senderId !== attempt.senderId || r.conversationId !== attempt.conversationId,
      )
    ) {
      unexpected += rows.length;
      details.push(`unexpected: ${content}`);
    }
  }
  let seqGaps = 0;
  let readFlagMismatches = 0;
  for (const c of db.values()) {
    const seqs = c.messages.map((m) => m.seq);
    const gapless = seqs.every((s, i) => s === i + 1) && c.lastSeq === seqs.length;
    if (!gapless) {
      seqGaps++;
      details.push(`seq gap in ${c.id}: lastSeq ${c.lastSeq}, seqs ${seqs.join(',')}`);
    }
    for (const m of c.messages) {
      const readerCursor =
        m.senderId === c.participant1Id ? c.participant2LastReadSeq : c.participant1LastReadSeq;
      if ((m.isRead === 1) !== m.seq <= readerCursor) {
        readFlagMismatches++;
        details.push(`isRead ${m.isRead} for seq ${m.seq} with cursor ${readerCursor} in ${c.id}`);
      }
    }
  }
  const unacked = [...history.attempted.keys()].filter((c) => !history.acked.has(c)).length;
  return {
    counts: {
      attempted: history.attempted.size,
      acked: history.acked.size,
      stored: stored.length,
      lost,
      duplicated,
      unexpected,
      unacked,
      seqGaps,
      readFlagMismatches,
    },
    details,
  };
}

/**
 * Differences between a client's state and the database, for every conversation it has loaded:
 * stored messages (id and seq, none pending), read cursors, and the unread count.
 */
export function clientMismatches(
  db: Map<string, StoredConversation>,
  userId: string,
  client: ChatClient,
): string[] {
  const out: string[] = [];
  const state = client.getState();
  for (const [id, cs] of Object.entries(state.byId)) {
    const c = db.get(id);
    if (!c) {
      out.push(`${userId}: knows ${id}, the database does not`);
      continue;
    }
    const mine = cs.messages.map((m) => `${m.status}:${m.id}:${m.seq}`).join(' ');
    const theirs = c.messages.map((m) => `sent:${m.id}:${m.seq}`).join(' ');
    if (mine !== theirs) {
      out.push(
        `${userId} in ${id}: window of ${cs.messages.length}, database ${c.messages.length}`,
      );
    }
    const first = c.participant1Id === userId;
    const myCursor = first ? c.participant1LastReadSeq : c.participant2LastReadSeq;
    const otherCursor = first ? c.participant2LastReadSeq : c.participant1LastReadSeq;
    if (cs.conversation.lastReadSeq !== myCursor) {
      out.push(`${userId} in ${id}: lastReadSeq ${cs.conversation.lastReadSeq}, db ${myCursor}`);
    }
    if (cs.conversation.otherLastReadSeq !== otherCursor) {
      out.push(
        `${userId} in ${id}: otherLastReadSeq ${cs.conversation.otherLastReadSeq}, db ${otherCursor}`,
      );
    }
    const unread = state.unreadByConversation[id] ?? 0;
    const recount = recountUnread(c, userId);
    if (unread !== recount) out.push(`unread: ${userId} in ${id}: ${unread}, recount ${recount}`);
  }
  return out;
}
