import type { Message, User } from '@parley/sdk/protocol';

/**
 * The storage interface of the chat rules. Only implementations of this interface know SQL; the
 * interface is async so that an engine with network round-trips (Postgres) can implement it too.
 */

/** A stored profile: the wire's `User` without presence, which lives in memory. */
export type UserRecord = Omit<User, 'online'>;

/** A stored message is exactly the wire's `Message`: one shape, defined in the protocol. */
export type MessageRecord = Message;

export interface ConversationRecord {
  id: string;
  participant1Id: string;
  participant2Id: string;
  participant1LastReadSeq: number;
  participant2LastReadSeq: number;
  lastSeq: number;
  lastMessageId: string | null;
  lastMessageAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A conversation with what a list row needs, seen by one participant. */
export interface ConversationView {
  conversation: ConversationRecord;
  otherUser: UserRecord;
  lastMessage: MessageRecord | null;
  unreadCount: number;
}

export interface ConversationCursor {
  activityAt: string;
  id: string;
}

export interface MessagePageQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

export interface NewMessage {
  conversationId: string;
  senderId: string;
  content: string;
  clientMessageId: string;
}

export interface AppendResult {
  message: MessageRecord;
  duplicate: boolean;
}

export interface ReadUpdate {
  /** The reader's cursor after the update (never lower than before). */
  seq: number;
  /** True when the cursor moved. */
  changed: boolean;
  readAt: string;
  /** Unread messages left for the reader in this conversation. */
  unreadCount: number;
}

export interface ProfileInput {
  id: string;
  name?: string | null;
  avatarUrl?: string | null;
}

export interface ChatStore {
  /** Inserts the user or updates the given fields (undefined fields are left as they are). */
  upsertUser(profile: ProfileInput): Promise<void>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  setLastSeen(userId: string, at: string): Promise<void>;

  /** The one conversation of a pair, created when missing; `created` tells which. */
  getOrCreateConversation(
    userA: string,
    userB: string,
  ): Promise<{ conversation: ConversationRecord; created: boolean }>;
  /** The conversation, or null when it does not exist or the user takes no part in it. */
  getConversation(conversationId: string, userId: string): Promise<ConversationRecord | null>;
  getConversationView(conversationId: string, userId: string): Promise<ConversationView | null>;
  listConversationViews(
    userId: string,
    limit: number,
    after: ConversationCursor | null,
  ): Promise<{ views: ConversationView[]; next: ConversationCursor | null }>;

  listMessages(
    conversationId: string,
    query: MessagePageQuery,
  ): Promise<{ messages: MessageRecord[]; hasMore: boolean }>;
  getMessage(messageId: string): Promise<MessageRecord | null>;
  /** Commits the message (or finds the one with the same sender and clientMessageId). */
  appendMessage(input: NewMessage): Promise<AppendResult>;

  /** Moves the reader's cursor forward to `seq` and marks the other's messages up to it read. */
  markRead(conversationId: string, readerId: string, seq: number): Promise<ReadUpdate>;
  /** Unread counts of every conversation of the user that has any. */
  unreadCounts(userId: string): Promise<Record<string, number>>;

  /** Users who share a conversation or a connection with the user. */
  peersOf(userId: string): Promise<string[]>;
  replaceConnections(userId: string, otherIds: readonly string[]): Promise<void>;
  isConnected(userA: string, userB: string): Promise<boolean>;
  hasConnections(userId: string): Promise<boolean>;
  searchContacts(
    userId: string,
    query: string,
    limit: number,
    connectionsOnly: boolean,
  ): Promise<UserRecord[]>;

  /**
   * Resolves once the store can take writes, and rejects when it never will (a file database's
   * writer thread could not open it). `createChatServer()` waits for it before it listens.
   * Optional: a store without it is taken as ready.
   */
  ready?(): Promise<void>;
  /**
   * Why the store can take no more writes, once that is for good (its writer thread ended); null
   * while it can. `GET /health` answers 500 with it. Optional: a store without it is healthy.
   */
  failure?(): Error | null;

  /** Waits for every write already accepted to commit, then closes. */
  close(): Promise<void>;
}
