import type { Conversation, User } from '@parley/sdk/protocol';
import type { ConversationView, UserRecord } from '../store/chat-store.js';

/** Store records to wire DTOs (messages are stored in their wire shape): presence joins here. */
export function toUser(record: UserRecord, online: boolean): User {
  return {
    id: record.id,
    name: record.name,
    avatarUrl: record.avatarUrl,
    online,
    lastSeenAt: record.lastSeenAt,
  };
}

export function toConversation(view: ConversationView, me: string, online: boolean): Conversation {
  const c = view.conversation;
  const first = c.participant1Id === me;
  return {
    id: c.id,
    participant1Id: c.participant1Id,
    participant2Id: c.participant2Id,
    otherUser: toUser(view.otherUser, online),
    lastMessage: view.lastMessage,
    lastMessageAt: c.lastMessageAt,
    unreadCount: view.unreadCount,
    lastReadSeq: first ? c.participant1LastReadSeq : c.participant2LastReadSeq,
    otherLastReadSeq: first ? c.participant2LastReadSeq : c.participant1LastReadSeq,
    lastSeq: c.lastSeq,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
