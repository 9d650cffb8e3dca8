import type {
  ConversationRecord,
  ConversationView,
  MessageRecord,
  UserRecord,
} from '../chat-store.js';

export type ConversationRow = ConversationRecord & {
  activityAt: string;
  participant1Unread: number;
  participant2Unread: number;
};

/** One row of the view query: the conversation, its last message (m_*) and the other user (u_*). */
export interface ConversationViewRow extends ConversationRow {
  unreadCount: number;
  otherId: string;
  u_name: string | null;
  u_avatarUrl: string | null;
  u_lastSeenAt: string | null;
  m_id: string | null;
  m_senderId: string | null;
  m_content: string | null;
  m_seq: number | null;
  m_clientMessageId: string | null;
  m_isRead: number | null;
  m_readAt: string | null;
  m_createdAt: string | null;
  m_updatedAt: string | null;
}

export const MESSAGE_COLUMNS =
  'id, conversationId, senderId, content, seq, clientMessageId, isRead, readAt, createdAt, updatedAt';

/**
 * Selects the conversations of @ids (a JSON array of ids) as seen by @me, with @me's unread count
 * kept on the row; ids of conversations @me takes no part in are left out. One statement for a
 * whole list page instead of one per row; rows come in no promised order.
 */
export const CONVERSATION_VIEW_SQL = `
  SELECT c.*,
    CASE WHEN c.participant1Id = @me THEN c.participant2Id ELSE c.participant1Id END AS otherId,
    CASE WHEN c.participant1Id = @me THEN c.participant1Unread ELSE c.participant2Unread END AS unreadCount,
    u.name AS u_name, u.avatarUrl AS u_avatarUrl, u.lastSeenAt AS u_lastSeenAt,
    m.id AS m_id, m.senderId AS m_senderId, m.content AS m_content, m.seq AS m_seq,
    m.clientMessageId AS m_clientMessageId, m.isRead AS m_isRead, m.readAt AS m_readAt,
    m.createdAt AS m_createdAt, m.updatedAt AS m_updatedAt
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

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    participant1Id: row.participant1Id,
    participant2Id: row.participant2Id,
    participant1LastReadSeq: row.participant1LastReadSeq,
    participant2LastReadSeq: row.participant2LastReadSeq,
    lastSeq: row.lastSeq,
    lastMessageId: row.lastMessageId,
    lastMessageAt: row.lastMessageAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toView(row: ConversationViewRow): ConversationView {
  const otherUser: UserRecord = {
    id: row.otherId,
    name: row.u_name,
    avatarUrl: row.u_avatarUrl,
    lastSeenAt: row.u_lastSeenAt,
  };
  const lastMessage: MessageRecord | null =
    row.m_id === null
      ? null
      : {
          id: row.m_id,
          conversationId: row.id,
          senderId: row.m_senderId as string,
          content: row.m_content as string,
          seq: row.m_seq as number,
          clientMessageId: row.m_clientMessageId as string,
          isRead: row.m_isRead === 1,
          readAt: row.m_readAt,
          createdAt: row.m_createdAt as string,
          updatedAt: row.m_updatedAt as string,
        };
  return {
    conversation: toConversation(row),
    otherUser,
    lastMessage,
    unreadCount: row.unreadCount,
  };
}
