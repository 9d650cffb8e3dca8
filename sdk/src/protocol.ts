/**
 * The wire contract between a Parley backend and its clients: DTOs, error codes, ack shapes and
 * the Socket.IO event maps. This is the only copy of a wire type in the repository: the reference
 * server imports it with `import type`, the SDK and the widget build on it.
 *
 * Everything is JSON. Times are ISO-8601 UTC strings with milliseconds. Conversation and message
 * ids are UUIDs; user ids are opaque strings (1 to 128 characters) chosen by the host app.
 */

/** ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-23T22:41:07.123Z`. */
export type IsoTime = string;

/** A user as the chat sees them. Profiles come from JWT claims or the admin API. */
export interface User {
  id: string;
  name: string | null;
  avatarUrl: string | null;
  online: boolean;
  lastSeenAt: IsoTime | null;
}

/** A stored message. `seq` is 1, 2, 3, … per conversation, with no gap. */
export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  content: string;
  seq: number;
  clientMessageId: string;
  isRead: boolean;
  readAt: IsoTime | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/** A one-to-one conversation, seen from the caller's side. */
export interface Conversation {
  id: string;
  participant1Id: string;
  participant2Id: string;
  otherUser: User;
  lastMessage: Message | null;
  lastMessageAt: IsoTime | null;
  /** Messages from the other participant that the caller has not read. */
  unreadCount: number;
  /** The highest seq that the caller has read. */
  lastReadSeq: number;
  /** The highest seq that the other participant has read (read receipts). */
  otherLastReadSeq: number;
  /** The highest seq stored in the conversation (0 when empty). Additive to the contract. */
  lastSeq: number;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/** Every error code a Parley backend answers with, and the HTTP status that goes with it. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const;

export type ChatErrorCode = keyof typeof ERROR_STATUS;

/** The one error shape on the wire: REST bodies (`{ error }`), acks and `connect_error` data. */
export interface ErrorBody {
  code: ChatErrorCode;
  message: string;
  /** Seconds to wait before retrying, with `rate_limited`. */
  retryAfter?: number;
}

export interface ErrorResponse {
  error: ErrorBody;
}

export type AckFailure = { ok: false; error: ErrorBody };
/** A socket acknowledgement: `{ ok: true, ...payload }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | AckFailure;
export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;

// --- REST -------------------------------------------------------------------------------------

export interface ListConversationsResponse {
  conversations: Conversation[];
  nextCursor: string | null;
}

export interface ConversationPageResponse {
  conversation: Conversation;
  messages: Message[];
  hasMore: boolean;
}

export interface CreateConversationRequest {
  userId: string;
}

export interface ConversationResponse {
  conversation: Conversation;
}

export interface UnreadCountResponse {
  total: number;
  byConversation: Record<string, number>;
}

export interface ReadResult {
  conversationId: string;
  messageId: string | null;
  seq: number;
  readAt: IsoTime;
  unreadCount: number;
}

export interface ContactsResponse {
  users: User[];
}

export interface HealthResponse {
  ok: true;
  version: string;
}

// --- Socket.IO payloads -----------------------------------------------------------------------

export type SendMessagePayload =
  | { conversationId: string; content: string; clientMessageId: string }
  | { toUserId: string; content: string; clientMessageId: string };

export interface TypingPayload {
  conversationId: string;
  isTyping: boolean;
}

export interface MarkAsReadPayload {
  conversationId: string;
  messageId?: string;
}

export interface TypingEvent {
  conversationId: string;
  userId: string;
  isTyping: boolean;
}

export interface MessageReadEvent {
  conversationId: string;
  readerId: string;
  messageId: string | null;
  seq: number;
  readAt: IsoTime;
}

export interface OnlineEvent {
  userId: string;
}

export interface OfflineEvent {
  userId: string;
  lastSeenAt: IsoTime;
}

/** Sent just before the server itself closes a socket (token expiry, shutdown). Additive. */
export interface SessionEndEvent {
  code: 'token_expired' | 'shutdown';
  message: string;
}

export interface SendMessageAck {
  message: Message;
  /** True when this clientMessageId was already stored: the ack carries the original. */
  duplicate?: boolean;
}

export interface ClientToServerEvents {
  join: (callback: AckCallback<{ userId: string }>) => void;
  sendMessage: (payload: SendMessagePayload, callback: AckCallback<SendMessageAck>) => void;
  typing: (payload: TypingPayload, callback: AckCallback) => void;
  markAsRead: (payload: MarkAsReadPayload, callback: AckCallback<ReadResult>) => void;
}

export interface ServerToClientEvents {
  message: (message: Message) => void;
  typing: (event: TypingEvent) => void;
  messageRead: (event: MessageReadEvent) => void;
  online: (event: OnlineEvent) => void;
  offline: (event: OfflineEvent) => void;
  conversation: (conversation: Conversation) => void;
  sessionEnd: (event: SessionEndEvent) => void;
}

/** Limits of the contract, shared so that clients can check before they send. */
export const LIMITS = {
  maxContentLength: 4000,
  maxClientMessageIdLength: 64,
  maxUserIdLength: 128,
  maxNameLength: 100,
  maxPageSize: 200,
  typingExpiryMs: 6000,
} as const;
