import { backoffDelay, Timers } from './backoff.js';
import { ChatApi } from './chat-api.js';
import { ChatError } from './chat-error.js';
import {
  applyRead,
  findConversation,
  setPending,
  setPresence,
  setTyping,
  setUnread,
} from './chat-state.js';
import { Connection } from './connection.js';
import { ConversationSync } from './conversation-sync.js';
import { Emitter } from './emitter.js';
import { decodeClaims } from './jwt.js';
import { MessageSender } from './message-sender.js';
import { defaultStorage } from './outbox-storage.js';
import type { Conversation, Message, MessageReadEvent, TypingEvent, User } from './protocol.js';
import { RestClient } from './rest-client.js';
import { bindServerEvents } from './server-events.js';
import type { ServerEventHandlers } from './server-events.js';
import { StateStore } from './state-store.js';
import { TokenSource } from './token-source.js';
import { TypingTracker } from './typing.js';
import type { ChatClientEvents, ChatClientOptions, ChatState, ConnectionStatus } from './types.js';

/** Failures of the token provider that a later attempt may not meet. */
const PASSING: ReadonlySet<string> = new Set(['network', 'timeout', 'internal', 'rate_limited']);

/** An absolute http: or https: URL: the REST calls are made from it, so nothing relative works. */
function isHttpUrl(url: unknown): boolean {
  try {
    return typeof url === 'string' && /^https?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * The wiring behind `ChatClient`: connection, catch-up, outbox, typing and state, and the
 * reactions to server events. `ChatClient` is the documented facade over it.
 */
export class ChatRuntime {
  readonly tokens: TokenSource;
  readonly rest: RestClient;
  readonly api: ChatApi;
  readonly store = new StateStore();
  readonly events = new Emitter<ChatClientEvents>();
  readonly connection: Connection;
  readonly sync: ConversationSync;
  readonly typing: TypingTracker;
  sender: MessageSender | null = null;
  private ready: Promise<MessageSender> | null = null;
  private firstSync: { resolve(): void; reject(error: ChatError): void } | null = null;
  private connecting: Promise<void> | null = null;
  private readonly timers = new Timers();

  constructor(readonly options: ChatClientOptions) {
    if (!isHttpUrl(options.url)) {
      throw new ChatError(
        'bad_request',
        `url must be an absolute http(s) URL, not ${JSON.stringify(options.url)}`,
      );
    }
    this.tokens = new TokenSource(options.token, options.tokenProvider);
    this.rest = new RestClient(options.url, this.tokens);
    this.api = new ChatApi(this.rest);
    this.connection = new Connection({
      url: options.url,
      tokens: this.tokens,
      transports: options.transports ?? ['websocket', 'polling'],
      baseDelayMs: options.reconnectDelayMs ?? 500,
      maxDelayMs: options.reconnectDelayMaxMs ?? 10_000,
      bind: (socket) => bindServerEvents(socket, this.handlers),
      onConnect: () => this.onConnect(),
      onStatus: (status) => this.setStatus(status),
      onError: (error, fatal) => this.fail(error, fatal),
    });
    this.sync = new ConversationSync({
      api: this.api,
      getState: () => this.store.get(),
      update: (reducer) => this.update(reducer),
      pendingFor: (id) => this.sender?.pendingFor(id) ?? [],
      onDelivered: (message) => this.delivered(message),
      onError: (error) => this.events.emit('error', error),
      isConnected: () => this.connection.connected,
      retryDelay: (attempt) => this.retryDelay(attempt),
    });
    this.typing = new TypingTracker(
      (id, isTyping) => this.connection.typing(id, isTyping),
      (id, isTyping) => this.update((s) => setTyping(s, id, isTyping)),
    );
  }

  get meId(): string {
    return this.store.get().me?.id ?? '';
  }

  /** See `ChatClient.connect()`. */
  start(): Promise<void> {
    if (this.connecting) return this.connecting;
    const connecting = new Promise<void>((resolve, reject) => {
      this.firstSync = { resolve, reject };
    });
    this.connecting = connecting;
    connecting.catch(() => undefined);
    this.setStatus('connecting');
    this.sync.start();
    // With a token in hand (a `token` given and not expired), the socket and the list's request
    // go out within this call, not after the caller's task (a widget's first render); the outbox
    // loads beside them and sends nothing until it has (Outbox.load).
    const early = this.ready ? null : this.tokens.usable;
    if (early !== null) {
      this.startNetwork();
      this.ready = this.loaded(this.identify(early));
    }
    const ready = (this.ready ??= this.prepare(connecting));
    ready.then(
      () => {
        if (early === null && this.connecting === connecting) this.startNetwork();
      },
      (error: unknown) => {
        const err = ChatError.from(error, 'unauthorized');
        if (err.code === 'cancelled') return; // stop() already settled everything
        if (this.ready === ready) this.ready = null;
        if (this.connecting !== connecting) return; // stopped, or started again, meanwhile
        this.connection.stop(); // started early, before the outbox's storage failed
        this.fail(err, true);
        this.setStatus('error');
      },
    );
    return connecting;
  }

  /** See `ChatClient.disconnect()`. */
  stop(): void {
    this.timers.clearAll();
    // A first token still being retried is abandoned: the next connect() starts it afresh.
    if (!this.sender) this.ready = null;
    this.connection.stop();
    this.tokens.stop();
    this.sender?.stop();
    this.sync.stop();
    this.typing.stop();
    this.rest.abortAll();
    this.firstSync?.reject(new ChatError('cancelled', 'disconnect() was called'));
    this.firstSync = null;
    this.connecting = null;
    this.setStatus('offline');
  }

  /** The sender, once the user and the outbox are known. */
  async senderReady(): Promise<MessageSender> {
    if (!this.ready) throw new ChatError('bad_request', 'call connect() first');
    return this.ready;
  }

  conversation(id: string): Conversation | undefined {
    return findConversation(this.store.get(), id);
  }

  retryDelay(attempt: number): number {
    return backoffDelay(
      attempt,
      this.options.reconnectDelayMs ?? 500,
      this.options.reconnectDelayMaxMs ?? 10_000,
    );
  }

  /** Every state change goes through here, so that `unread` fires whenever the counts move. */
  update(reducer: (state: ChatState) => ChatState): void {
    const before = this.store.update(reducer);
    const after = this.store.get();
    if (after.unreadByConversation !== before.unreadByConversation) {
      this.events.emit('unread', {
        total: after.unreadTotal,
        byConversation: after.unreadByConversation,
      });
    }
  }

  private readonly handlers: ServerEventHandlers = {
    message: (message: Message) => this.sync.receive(message),
    typing: (event: TypingEvent) => {
      if (event.userId === this.meId) return;
      this.typing.received(event.conversationId, event.isTyping);
      this.events.emit('typing', event);
    },
    messageRead: (event: MessageReadEvent) => {
      this.update((s) => applyRead(s, event, this.meId));
      this.events.emit('read', event);
      // A read on another tab or device: counted from what the client holds, or fetched.
      if (event.readerId === this.meId) {
        this.sync.settleRead(event.conversationId, event.seq, this.meId);
      }
    },
    online: ({ userId }) => this.presence(userId, true, undefined),
    offline: ({ userId, lastSeenAt }) => this.presence(userId, false, lastSeenAt),
    conversation: (conversation: Conversation) => {
      this.sync.applyConversation(conversation);
      this.events.emit('conversation', conversation);
    },
  };

  /**
   * The first token, which names the user and so the outbox. A provider that fails for a passing
   * reason (its backend unreachable or erroring) is asked again with backoff until `stop()`.
   */
  private async firstToken(connecting: Promise<void>): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tokens.get();
      } catch (error) {
        const err = ChatError.from(error);
        if (!PASSING.has(err.code) || !this.tokens.canRefresh) throw err;
        if (this.connecting !== connecting)
          throw new ChatError('cancelled', 'disconnect() was called');
        this.events.emit('error', err);
        this.setStatus('reconnecting');
        await this.timers.sleep(this.retryDelay(attempt));
      }
    }
  }

  /** Opens the socket and asks for the first page of the list beside it. */
  private startNetwork(): void {
    this.connection.start();
    this.sync.prefetch();
  }

  private async prepare(connecting: Promise<void>): Promise<MessageSender> {
    return this.loaded(this.identify(await this.firstToken(connecting)));
  }

  /**
   * The sender once its outbox has been read from storage.
   *
   * @throws {ChatError} `internal` when the storage cannot be read.
   */
  private async loaded(sender: MessageSender): Promise<MessageSender> {
    try {
      await sender.load();
    } catch (error) {
      const reason = ChatError.from(error).message;
      throw new ChatError(
        'internal',
        `the outbox's storage (the \`storage\` option) could not be read: ${reason}`,
        { cause: error },
      );
    }
    return sender;
  }

  /** Names the user from the first token and builds the sender of their outbox (not loaded yet). */
  private identify(token: string): MessageSender {
    const claims = decodeClaims(token) ?? {};
    const me: User = {
      id: claims.sub ?? '',
      name: claims.name ?? null,
      avatarUrl: claims.picture ?? null,
      online: false,
      lastSeenAt: null,
    };
    this.update((s) => ({ ...s, me }));
    const sender = new MessageSender({
      storage: this.options.storage ?? defaultStorage(),
      storageKey: `${this.options.storageKey ?? 'parley'}:outbox:${me.id}`,
      connection: this.connection,
      ackTimeoutMs: this.options.ackTimeoutMs ?? 10_000,
      retryDelay: (attempt) => this.retryDelay(attempt),
      onSent: (message) => this.sync.receive(message),
      onUnclaimedFailure: (error) => this.events.emit('error', error),
      onPendingChange: () => this.refreshPending(),
    });
    this.sender = sender;
    return sender;
  }

  private onConnect(): void {
    this.tokens.start();
    this.sender?.start();
    void this.sync.catchUp().then(() => {
      this.firstSync?.resolve();
      this.firstSync = null;
    });
  }

  private delivered(message: Message): void {
    const id = message.conversationId;
    if (message.senderId !== this.meId) {
      if (this.typing.isRemoteTyping(id)) this.typing.received(id, false);
      if (message.seq > (this.conversation(id)?.lastReadSeq ?? 0)) {
        this.update((s) => setUnread(s, id, (s.unreadByConversation[id] ?? 0) + 1));
      }
    }
    this.events.emit('message', message);
  }

  private presence(userId: string, online: boolean, lastSeenAt: string | undefined): void {
    const known = this.store.get().users[userId];
    const user: User = {
      id: userId,
      name: known?.name ?? null,
      avatarUrl: known?.avatarUrl ?? null,
      online,
      lastSeenAt: lastSeenAt ?? known?.lastSeenAt ?? null,
    };
    this.update((s) => setPresence(s, user));
    this.events.emit('presence', user);
  }

  private refreshPending(): void {
    const sender = this.sender;
    if (!sender) return;
    for (const id of Object.keys(this.store.get().byId)) {
      this.update((s) => setPending(s, id, sender.pendingFor(id)));
    }
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.store.get().status === status) return;
    this.update((s) => ({
      ...s,
      status,
      me: s.me ? { ...s.me, online: status === 'connected' } : s.me,
    }));
    this.events.emit('status', status);
  }

  /** Reports an error; one that ends the connection for good also rejects `connect()`. */
  private fail(error: ChatError, fatal: boolean): void {
    if (error.code === 'cancelled') return;
    if (fatal) {
      // Given up for good: reject a pending connect(), and let a later connect() start afresh.
      this.firstSync?.reject(error);
      this.firstSync = null;
      this.connecting = null;
    }
    this.events.emit('error', error);
  }
}
