/**
 * The SDK's public, non-wire types: options, state and events of `ChatClient`.
 * Wire types live in `protocol.ts`; nothing here is sent over the network.
 */
import type { ChatError } from './chat-error.js';
import type { Conversation, Message, MessageReadEvent, TypingEvent, User } from './protocol.js';

/** Connection state of a `ChatClient`. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'error';

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
  /** Prefix of storage keys (several accounts on one origin). Default `parley`. */
  storageKey?: string;
  /** Reconnect backoff bounds in ms. Defaults 500 and 10_000. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Message window size kept per conversation. Default 200. */
  pageSize?: number;
  /** Socket.IO transports; default `['websocket']` with polling fallback. */
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
}

/** Events of `ChatClient.on()`. Each handler returns nothing; `on()` returns the unsubscribe. */
export interface ChatClientEvents {
  message: (message: Message) => void;
  typing: (event: TypingEvent) => void;
  presence: (user: User) => void;
  read: (event: MessageReadEvent) => void;
  unread: (event: { total: number; byConversation: Record<string, number> }) => void;
  status: (status: ConnectionStatus) => void;
  error: (error: ChatError) => void;
  conversation: (conversation: Conversation) => void;
}
