/**
 * The SDK's public, non-wire types: options, state and events of `ChatClient`.
 * Wire types live in `protocol.ts`; nothing here is sent over the network.
 */
import type { ChatError } from './chat-error.js';
import type {
  Conversation,
  Message,
  MessageReadEvent,
  TypingEvent,
  UnreadCountResponse,
  User,
} from './protocol.js';

/**
 * Connection state of a `ChatClient`:
 * - `idle`: `connect()` not called yet;
 * - `connecting`: the first attempt is under way;
 * - `connected`: the socket is up (catch-up may still be running);
 * - `reconnecting`: the connection dropped or an attempt failed; retrying with backoff;
 * - `offline`: stopped by `disconnect()`; nothing runs until `connect()`;
 * - `error`: refused for good (bad or expired token and no `tokenProvider`, origin refused).
 */
export type ConnectionStatus =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'error';

/** Returns a fresh JWT for the signed-in user; called at connect, on `token_expired`, and shortly before expiry. */
export type TokenProvider = () => Promise<string> | string;

/** Where unsent messages are kept across reloads. Values are JSON strings. */
export interface OutboxStorage {
  get(key: string): Promise<string | null> | string | null;
  set(key: string, value: string): Promise<void> | void;
  remove(key: string): Promise<void> | void;
}

export interface ChatClientOptions {
  /** Base URL of the backend, e.g. `https://chat.example.com`. */
  url: string;
  /** A fixed JWT. Use `tokenProvider` instead when tokens expire. */
  token?: string;
  /** Called for a token at connect and whenever the current one expires. */
  tokenProvider?: TokenProvider;
  /** Outbox storage; defaults to localStorage in browsers and memory elsewhere. */
  storage?: OutboxStorage;
  /** Prefix of storage keys; the user id is appended, so accounts never share an outbox. Default `parley`. */
  storageKey?: string;
  /** Reconnect and resend backoff bounds in ms (with jitter). Defaults 500 and 10_000. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Messages fetched per page by `loadConversation()` and `loadEarlier()`. Default 50 (max 200). */
  pageSize?: number;
  /** How long to wait for a socket acknowledgement before retrying, in ms. Default 10_000. */
  ackTimeoutMs?: number;
  /** Socket.IO transports; default `['websocket', 'polling']` (WebSocket first, polling fallback). */
  transports?: Array<'websocket' | 'polling'>;
}

/** Delivery state of a message as the UI shows it. */
export type MessageStatus = 'pending' | 'sent' | 'failed';

/** A message in client state: stored (`sent`) or optimistic (`pending` / `failed`). */
export interface ClientMessage extends Omit<Message, 'id' | 'seq'> {
  /** Server id once stored; the clientMessageId while pending. */
  id: string;
  /** Server seq once stored; `null` while pending or failed. */
  seq: number | null;
  status: MessageStatus;
  /** Why it failed, when `status` is `failed`. */
  error?: ChatError;
}

/** What the client holds for one conversation. */
export interface ConversationState {
  conversation: Conversation;
  /** Messages ordered by seq, pending ones last in the order written. */
  messages: ClientMessage[];
  /** True when older messages exist on the server beyond `messages`. */
  hasMoreBefore: boolean;
  /** True while the other participant types. */
  otherTyping: boolean;
}

/** A snapshot of everything a UI renders. Replaced (never mutated) on every change. */
export interface ChatState {
  status: ConnectionStatus;
  me: User | null;
  /** Sorted by latest activity first. */
  conversations: Conversation[];
  /** Loaded conversations by id. */
  byId: Record<string, ConversationState>;
  /** Presence of every known user by id. */
  users: Record<string, User>;
  unreadTotal: number;
  /** Unread count per conversation id, including conversations not listed yet. */
  unreadByConversation: Record<string, number>;
  /** True when `loadMoreConversations()` can fetch older conversations. */
  hasMoreConversations: boolean;
}

/** Events of `ChatClient.on()`. Each handler returns nothing; `on()` returns the unsubscribe. */
export interface ChatClientEvents {
  /** Every stored message of a known conversation, exactly once, in seq order (own ones too). */
  message: (message: Message) => void;
  typing: (event: TypingEvent) => void;
  presence: (user: User) => void;
  read: (event: MessageReadEvent) => void;
  unread: (event: UnreadCountResponse) => void;
  status: (status: ConnectionStatus) => void;
  /** Failures that no caller awaits: refused connections, background catch-up, restored sends. */
  error: (error: ChatError) => void;
  /** A conversation that someone else started with the user. */
  conversation: (conversation: Conversation) => void;
}
