import { ChatError } from './chat-error.js';
import { applyRead, setUnread, setWindow } from './chat-state.js';
import { ChatRuntime } from './chat-runtime.js';
import { LIMITS } from './protocol.js';
import type {
  Conversation,
  Message,
  MessageReadEvent,
  ReadResult,
  UnreadCountResponse,
  User,
} from './protocol.js';
import type { ChatClientEvents, ChatClientOptions, ChatState, ConversationState } from './types.js';

/**
 * The Parley chat client: one connection, the state a UI renders, and a durable outbox.
 * Constructing it touches neither the network nor storage; `connect()` starts everything and
 * `disconnect()` stops everything (no socket, no timer is left).
 *
 * @example
 * ```ts
 * const client = new ChatClient({ url: 'https://chat.example.com', tokenProvider: fetchToken });
 * client.subscribe((state) => render(state));
 * await client.connect();
 * ```
 */
export class ChatClient {
  private readonly rt: ChatRuntime;

  /**
   * @throws {ChatError} `bad_request` when `url` is not an absolute http(s) URL, or neither
   * `token` nor `tokenProvider` is given.
   */
  constructor(options: ChatClientOptions) {
    this.rt = new ChatRuntime(options);
  }

  /**
   * Connects, and resolves once connected and the first catch-up has run. Afterwards it
   * reconnects by itself (backoff with jitter, token refreshed when needed) until `disconnect()`.
   * Calling it again while connecting or connected returns the same promise.
   *
   * @throws {ChatError} `unauthorized` / `token_expired` / `forbidden` when refused for good,
   * `cancelled` when `disconnect()` comes first.
   * @example
   * ```ts
   * await client.connect();
   * console.log(client.getState().conversations);
   * ```
   */
  connect(): Promise<void> {
    return this.rt.start();
  }

  /**
   * Closes the connection and cancels every timer and request. Unsent messages stay in the outbox
   * for the next `connect()` or page load; the state is kept, with status `offline`.
   *
   * @example
   * ```ts
   * client.disconnect(); // a Node script can now exit by itself
   * ```
   */
  disconnect(): void {
    this.rt.stop();
  }

  /**
   * Listens to an event; returns the function that stops listening.
   *
   * @example
   * ```ts
   * const off = client.on('message', (m) => console.log(m.senderId, m.content));
   * off();
   * ```
   */
  on<E extends keyof ChatClientEvents>(event: E, handler: ChatClientEvents[E]): () => void {
    return this.rt.events.on(event, handler);
  }

  /**
   * Calls `listener` with the new snapshot after changes (at most once per microtask). It is not
   * called at once: read `getState()` for the current snapshot. Returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const unsubscribe = client.subscribe((s) => (badge.textContent = String(s.unreadTotal)));
   * ```
   */
  subscribe(listener: (state: ChatState) => void): () => void {
    return this.rt.store.subscribe(listener);
  }

  /**
   * The current snapshot. It is never mutated: compare by identity to skip work.
   *
   * @example
   * ```ts
   * const { status, conversations, unreadTotal } = client.getState();
   * ```
   */
  getState(): ChatState {
    return this.rt.store.get();
  }

  /**
   * The conversations, latest activity first (fetching the first page if none was fetched yet).
   *
   * @throws {ChatError} `network`, `unauthorized`, or another refusal of the backend.
   * @example
   * ```ts
   * const conversations = await client.getConversations();
   * ```
   */
  async getConversations(): Promise<Conversation[]> {
    await this.rt.sync.ensureListed();
    return this.rt.store.get().conversations;
  }

  /**
   * Fetches the next page of older conversations into the state; resolves `true` while more
   * remain.
   *
   * @throws {ChatError} `network`, `unauthorized`, or another refusal of the backend.
   * @example
   * ```ts
   * while (await client.loadMoreConversations()) {}
   * ```
   */
  loadMoreConversations(): Promise<boolean> {
    return this.rt.sync.loadMore();
  }

  /**
   * Starts, or finds, the conversation with a user (one per pair, whoever starts it).
   *
   * @throws {ChatError} `bad_request` (yourself, malformed id), `forbidden` (not a connection
   * where the backend requires one), `network`.
   * @example
   * ```ts
   * const conversation = await client.openConversation('user-42');
   * await client.loadConversation(conversation.id);
   * ```
   */
  async openConversation(userId: string): Promise<Conversation> {
    const conversation = await this.rt.api.createConversation(userId);
    this.rt.sync.applyConversation(conversation);
    return this.rt.conversation(conversation.id) ?? conversation;
  }

  /**
   * Loads the latest page of a conversation into `state.byId[id]` and keeps it live from then on.
   * When already loaded, it only makes sure nothing is missing.
   *
   * @throws {ChatError} `not_found` (no such conversation for this user), `network`.
   * @example
   * ```ts
   * const { messages, hasMoreBefore } = await client.loadConversation(conversationId);
   * ```
   */
  async loadConversation(conversationId: string): Promise<ConversationState> {
    const { api, sync } = this.rt;
    const loaded = this.rt.store.get().byId[conversationId] !== undefined;
    if (!loaded) {
      const page = await api.getConversation(conversationId, { limit: this.pageSize });
      sync.applyConversation(page.conversation);
      const pending = this.rt.sender?.pendingFor(conversationId) ?? [];
      this.rt.update((s) => setWindow(s, page.conversation, [], page.hasMore, pending));
      sync.ingest(conversationId, page.messages);
      // Messages delivered before the window opened sit above the page: fetch them as history.
      let top = page.messages.at(-1)?.seq ?? 0;
      while (top < (this.rt.conversation(conversationId)?.lastSeq ?? 0)) {
        const more = await api.getConversation(conversationId, {
          afterSeq: top,
          limit: LIMITS.maxPageSize,
        });
        sync.ingest(conversationId, more.messages);
        if (!more.hasMore || more.messages.length === 0) break;
        top = more.messages.at(-1)?.seq ?? top;
      }
    }
    // Just opened and in step with its first page, a gap fetch would ask for nothing: a request,
    // and a CORS preflight for its new query, each a round trip on the page's connection.
    if (loaded || sync.isBehind(conversationId)) await sync.fetchGap(conversationId);
    return this.rt.store.get().byId[conversationId] as ConversationState;
  }

  /**
   * Fetches one page of messages (ascending seq) and merges it into the state.
   *
   * @throws {ChatError} `bad_request` (bad cursor or limit), `not_found`, `network`.
   * @example
   * ```ts
   * const { messages, hasMore } = await client.getMessages(id, { beforeSeq: 101, limit: 50 });
   * ```
   */
  async getMessages(
    conversationId: string,
    query: { beforeSeq?: number; afterSeq?: number; limit?: number } = {},
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const page = await this.rt.api.getConversation(conversationId, query);
    this.rt.sync.applyConversation(page.conversation);
    this.rt.sync.ingest(conversationId, page.messages);
    return { messages: page.messages, hasMore: page.hasMore };
  }

  /**
   * Loads the page before the oldest loaded message; resolves `true` while more remain.
   *
   * @throws {ChatError} `not_found`, `network`.
   * @example
   * ```ts
   * if (scrolledToTop && client.getState().byId[id]?.hasMoreBefore) await client.loadEarlier(id);
   * ```
   */
  async loadEarlier(conversationId: string): Promise<boolean> {
    const loaded = this.rt.store.get().byId[conversationId];
    if (!loaded) return (await this.loadConversation(conversationId)).hasMoreBefore;
    const oldest = loaded.messages.find((m) => m.seq !== null)?.seq ?? null;
    if (oldest === null || oldest <= 1) return false;
    const page = await this.rt.api.getConversation(conversationId, {
      beforeSeq: oldest,
      limit: this.pageSize,
    });
    this.rt.sync.ingest(conversationId, page.messages);
    this.rt.update((s) => {
      const cs = s.byId[conversationId];
      if (!cs) return s;
      return {
        ...s,
        byId: { ...s.byId, [conversationId]: { ...cs, hasMoreBefore: page.hasMore } },
      };
    });
    return page.hasMore;
  }

  /**
   * Sends a message. It shows at once as `pending`, is written to the durable outbox, and is
   * retried with the same clientMessageId (never stored twice) until the backend stores it or
   * refuses it for good. Resolves with the stored message. Needs `connect()` to have been called;
   * it may still be connecting or offline, the message waits.
   *
   * @throws {ChatError} `bad_request` (empty content, or no `connect()` yet), `payload_too_large`
   * (over 4,000 characters), `forbidden` / `not_found` (refused by the backend), `cancelled`
   * (discarded). A refused message stays in the state as `failed`, for `retryMessage()` or
   * `discardMessage()`; the messages after it still go.
   * @example
   * ```ts
   * const stored = await client.sendMessage(conversationId, 'Hello!');
   * console.log(stored.seq);
   * ```
   */
  sendMessage(conversationId: string, content: string): Promise<Message> {
    this.rt.typing.local(conversationId, false);
    // Synchronous once connect() has identified the user, so the optimistic message shows at once.
    const sender = this.rt.sender;
    if (sender) return sender.send(conversationId, this.rt.meId, content);
    return this.rt.senderReady().then((s) => s.send(conversationId, this.rt.meId, content));
  }

  /**
   * Sends a `failed` message again, with the same clientMessageId, after those queued.
   *
   * @throws {ChatError} `not_found` when there is no such failed message; otherwise as
   * `sendMessage()`.
   * @example
   * ```ts
   * await client.retryMessage(message.conversationId, message.clientMessageId);
   * ```
   */
  async retryMessage(conversationId: string, clientMessageId: string): Promise<Message> {
    const sender = await this.rt.senderReady();
    const ours = sender
      .pendingFor(conversationId)
      .some((m) => m.clientMessageId === clientMessageId);
    if (!ours) throw new ChatError('not_found', 'no such message in this conversation');
    return sender.retry(clientMessageId);
  }

  /**
   * Removes a `failed` (or still queued) message from the outbox and the state; its
   * `sendMessage()` promise rejects with `cancelled`. A message already in flight is left alone.
   *
   * @example
   * ```ts
   * client.discardMessage(message.conversationId, message.clientMessageId);
   * ```
   */
  discardMessage(conversationId: string, clientMessageId: string): void {
    const sender = this.rt.sender;
    if (sender?.pendingFor(conversationId).some((m) => m.clientMessageId === clientMessageId)) {
      sender.discard(clientMessageId);
    }
  }

  /**
   * Tells the other participant that the user types. Call it on every keystroke: at most one
   * `true` goes out per 2 s, and `false` follows after 3 s of silence, on send, or when told.
   *
   * @example
   * ```ts
   * input.addEventListener('input', () => client.setTyping(id, input.value !== ''));
   * ```
   */
  setTyping(conversationId: string, isTyping: boolean): void {
    this.rt.typing.local(conversationId, isTyping);
  }

  /**
   * Marks a message and every earlier one from the other participant read (up to the latest when
   * `messageId` is omitted). Other tabs and the sender hear of it.
   *
   * @throws {ChatError} `forbidden` (your own message), `not_found`, `timeout`, `network`
   * (offline and no message of the other participant known).
   * @example
   * ```ts
   * await client.markAsRead(conversationId);
   * ```
   */
  async markAsRead(conversationId: string, messageId?: string): Promise<ReadResult> {
    const { connection, api } = this.rt;
    let result: ReadResult;
    if (connection.connected) {
      const payload = messageId ? { conversationId, messageId } : { conversationId };
      const fromAck = (ack: { ok: true } & ReadResult): ReadResult => ({
        conversationId,
        messageId: ack.messageId ?? messageId ?? null,
        seq: ack.seq,
        readAt: ack.readAt,
        unreadCount: ack.unreadCount,
      });
      const ack = await connection.markAsRead(
        payload,
        this.rt.options.ackTimeoutMs ?? 10_000,
        // The caller was told `timeout`, but the cursor did move: the state must show it.
        (late) => {
          if (late.ok) this.applyReadResult(fromAck(late));
        },
      );
      if (!ack.ok) throw ChatError.fromBody(ack.error);
      result = fromAck(ack);
    } else {
      const id = messageId ?? this.latestFromOther(conversationId);
      if (!id) throw new ChatError('network', 'offline, and no message to mark read');
      result = await api.markRead(id);
    }
    this.applyReadResult(result);
    return result;
  }

  /** Moves this user's read cursor in the state to what the server answered. */
  private applyReadResult(result: ReadResult): void {
    const { conversationId } = result;
    const me = this.rt.meId;
    const event: MessageReadEvent = { ...result, readerId: me };
    this.rt.update((s) => setUnread(applyRead(s, event, me), conversationId, result.unreadCount));
    // The answer counts what the server held when it handled the read, which may run ahead of (or
    // behind) what this client has merged, or lag a read of another tab that came first: unless
    // the client's own count agrees, a gap fetch brings both in step.
    this.rt.sync.settleRead(conversationId, result.seq, me, result.unreadCount);
  }

  /**
   * Asks the backend for the unread counts. The state keeps its own live copy
   * (`unreadTotal`, `unreadByConversation`), so a UI rarely needs this.
   *
   * @throws {ChatError} `network`, `unauthorized`, or another refusal of the backend.
   * @example
   * ```ts
   * const { total, byConversation } = await client.getUnreadCount();
   * ```
   */
  async getUnreadCount(): Promise<UnreadCountResponse> {
    const counts = await this.rt.api.unreadCount();
    for (const [id, n] of Object.entries(counts.byConversation)) {
      if (!this.rt.sync.isTracked(id)) this.rt.update((s) => setUnread(s, id, n));
    }
    return counts;
  }

  /**
   * Finds the users the signed-in user may start a conversation with, by name prefix.
   *
   * @throws {ChatError} `bad_request` (bad limit), `network`.
   * @example
   * ```ts
   * const users = await client.searchContacts('al', 10);
   * ```
   */
  async searchContacts(query: string, limit?: number): Promise<User[]> {
    const users = await this.rt.api.contacts(query, limit);
    const byId = Object.fromEntries(users.map((u) => [u.id, u]));
    this.rt.update((s) => ({ ...s, users: { ...s.users, ...byId } }));
    return users;
  }

  private get pageSize(): number {
    return Math.min(LIMITS.maxPageSize, Math.max(1, this.rt.options.pageSize ?? 50));
  }

  private latestFromOther(conversationId: string): string | undefined {
    const me = this.rt.meId;
    const window = this.rt.store.get().byId[conversationId]?.messages ?? [];
    const stored = window.filter((m) => m.status === 'sent' && m.senderId !== me);
    const last = stored.at(-1) ?? this.rt.conversation(conversationId)?.lastMessage;
    return last && last.senderId !== me ? last.id : undefined;
  }
}
