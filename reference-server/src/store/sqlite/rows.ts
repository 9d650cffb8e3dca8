import type {
  ConversationRecord,
  ConversationView,
  MessageRecord,
  NewMessage,
} from '../chat-store.js';

/** The columns of a ConversationRecord, in the order of RawConversationRow. */
export const CONVERSATION_COLUMNS =
  'id, participant1Id, participant2Id, participant1LastReadSeq, participant2LastReadSeq, lastSeq, lastMessageId, lastMessageAt, createdAt, updatedAt';

/** A conversation read with `.raw()` (CONVERSATION_COLUMNS). */
export type RawConversationRow = [
  id: string,
  participant1Id: string,
  participant2Id: string,
  participant1LastReadSeq: number,
  participant2LastReadSeq: number,
  lastSeq: number,
  lastMessageId: string | null,
  lastMessageAt: string | null,
  createdAt: string,
  updatedAt: string,
];

/**
 * One row of the view query, read with `.raw()`, in the order CONVERSATION_VIEW_SQL selects: the
 * conversation, the reader's unread count, the other user's id and profile (u*), then the last
 * message (m*, all null when there is none).
 */
export type RawConversationViewRow = [
  ...RawConversationRow,
  unreadCount: number,
  otherId: string,
  uName: string | null,
  uAvatarUrl: string | null,
  uLastSeenAt: string | null,
  mId: string | null,
  mSenderId: string | null,
  mContent: string | null,
  mSeq: number | null,
  mClientMessageId: string | null,
  mIsRead: number | null,
  mReadAt: string | null,
  mCreatedAt: string | null,
  mUpdatedAt: string | null,
];

export const MESSAGE_COLUMNS =
  'id, conversationId, senderId, content, seq, clientMessageId, isRead, readAt, createdAt, updatedAt';

/**
 * Selects the conversations of @ids (a JSON array of ids) as seen by @me, with @me's unread count
 * kept on the row; ids of conversations @me takes no part in are left out. One statement for a
 * whole list page instead of one per row; rows come in no promised order.
 */
export const CONVERSATION_VIEW_SQL = `
  SELECT c.id, c.participant1Id, c.participant2Id, c.participant1LastReadSeq,
    c.participant2LastReadSeq, c.lastSeq, c.lastMessageId, c.lastMessageAt, c.createdAt, c.updatedAt,
    CASE WHEN c.participant1Id = @me THEN c.participant1Unread ELSE c.participant2Unread END,
    CASE WHEN c.participant1Id = @me THEN c.participant2Id ELSE c.participant1Id END,
    u.name, u.avatarUrl, u.lastSeenAt,
    m.id, m.senderId, m.content, m.seq, m.clientMessageId, m.isRead, m.readAt, m.createdAt,
    m.updatedAt
  FROM json_each(@ids) j
  -- CROSS JOIN keeps the ids as the outer loop: one primary-key lookup each, not a scan of
  -- every conversation of @me through the participant indexes.
  CROSS JOIN conversations c ON c.id = j.value
  LEFT JOIN users u ON u.id = CASE WHEN c.participant1Id = @me THEN c.participant2Id ELSE c.participant1Id END
  LEFT JOIN messages m ON m.id = c.lastMessageId
  WHERE c.participant1Id = @me OR c.participant2Id = @me`;

/** Unread counts of every conversation of @me with something unread: one column per row. */
export const UNREAD_COUNTS_SQL = `
  SELECT id, participant1Unread AS n FROM conversations
    WHERE participant1Id = @me AND participant1Unread > 0
  UNION ALL
  SELECT id, participant2Unread AS n FROM conversations
    WHERE participant2Id = @me AND participant2Unread > 0`;

/** A message read with `.raw()`: the values of MESSAGE_COLUMNS, in that order. */
export type RawMessageRow = [
  id: string,
  conversationId: string,
  senderId: string,
  content: string,
  seq: number,
  clientMessageId: string,
  isRead: number,
  readAt: string | null,
  createdAt: string,
  updatedAt: string,
];

/**
 * Messages are read as arrays (`.raw()`) and built as one object literal each: for a page of 50,
 * about 60 µs instead of the 100 µs that better-sqlite3 takes to build row objects.
 */
export function fromRawMessage(r: RawMessageRow): MessageRecord {
  return {
    id: r[0],
    conversationId: r[1],
    senderId: r[2],
    content: r[3],
    seq: r[4],
    clientMessageId: r[5],
    isRead: r[6] === 1,
    readAt: r[7],
    createdAt: r[8],
    updatedAt: r[9],
  };
}

/**
 * The message that an append stores, built from its inputs instead of read back (the writer), and
 * rebuilt the same way on the main thread from the id, seq and time the writer thread returns.
 */
export function storedMessage(
  input: NewMessage,
  id: string,
  seq: number,
  at: string,
): MessageRecord {
  return {
    id,
    conversationId: input.conversationId,
    senderId: input.senderId,
    content: input.content,
    seq,
    clientMessageId: input.clientMessageId,
    isRead: false,
    readAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Built from an array, like messages: better-sqlite3's row objects go through V8's slow paths
 * (map migrations, inline-cache misses) on every read; about 46k instructions a conversation read
 * before (docs/performance.md).
 */
export function fromRawConversation(
  r: RawConversationRow | RawConversationViewRow,
): ConversationRecord {
  return {
    id: r[0],
    participant1Id: r[1],
    participant2Id: r[2],
    participant1LastReadSeq: r[3],
    participant2LastReadSeq: r[4],
    lastSeq: r[5],
    lastMessageId: r[6],
    lastMessageAt: r[7],
    createdAt: r[8],
    updatedAt: r[9],
  };
}

/**
 * Built as object literals from the row's values, like messages: better-sqlite3's row objects of
 * 24 columns took ~160 µs for a list page of 20, the arrays ~90 µs.
 */
export function toView(r: RawConversationViewRow): ConversationView {
  return {
    conversation: fromRawConversation(r),
    otherUser: { id: r[11], name: r[12], avatarUrl: r[13], lastSeenAt: r[14] },
    lastMessage:
      r[15] === null
        ? null
        : {
            id: r[15],
            conversationId: r[0],
            senderId: r[16] as string,
            content: r[17] as string,
            seq: r[18] as number,
            clientMessageId: r[19] as string,
            isRead: r[20] === 1,
            readAt: r[21],
            createdAt: r[22] as string,
            updatedAt: r[23] as string,
          },
    unreadCount: r[10],
  };
}
