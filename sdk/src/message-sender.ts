import { ChatError } from './chat-error.js';
import type { Connection } from './connection.js';
import { entryToClientMessage } from './message-window.js';
import { Outbox } from './outbox.js';
import type { OutboxEntry } from './outbox.js';
import { LIMITS } from './protocol.js';
import type { Message } from './protocol.js';
import type { ClientMessage, OutboxStorage } from './types.js';
import { timeOrderedId } from './uuid.js';

export interface SenderDeps {
  storage: OutboxStorage;
  storageKey: string;
  connection: Connection;
  ackTimeoutMs: number;
  retryDelay(attempt: number): number;
  /** The stored message came back in an ack. */
  onSent(message: Message): void;
  /** A refusal nobody awaits (a message restored from storage). */
  onUnclaimedFailure(error: ChatError): void;
  /** The outbox changed: optimistic messages appeared, failed or went. */
  onPendingChange(): void;
}

interface Waiter {
  resolve(message: Message): void;
  reject(error: ChatError): void;
}

/**
 * Optimistic sending on top of the durable outbox: turns entries into `pending`/`failed` client
 * messages and settles each `sendMessage()` promise when its entry is acked or refused.
 */
export class MessageSender {
  private readonly outbox: Outbox;
  private readonly waiters = new Map<string, Waiter>();
  private readonly views = new Map<string, { entry: OutboxEntry; view: ClientMessage }>();

  constructor(private readonly deps: SenderDeps) {
    this.outbox = new Outbox({
      storage: deps.storage,
      key: deps.storageKey,
      transmit: (entry) => this.transmit(entry),
      isConnected: () => deps.connection.connected,
      retryDelay: deps.retryDelay,
      onSent: (entry, message) => {
        deps.onSent(message);
        this.settle(entry.clientMessageId, (w) => w.resolve(message));
      },
      onFailed: (entry, error) => {
        if (!this.settle(entry.clientMessageId, (w) => w.reject(error))) {
          deps.onUnclaimedFailure(error);
        }
      },
      onChange: () => this.changed(),
    });
  }

  /** Restores what a previous page or process left unsent. */
  load(): Promise<void> {
    return this.outbox.load();
  }

  /** (Re)starts sending, at once; called on every connect. */
  start(): void {
    this.outbox.start();
  }

  stop(): void {
    this.outbox.stop();
  }

  /**
   * Queues a message; resolves when stored.
   *
   * @throws {ChatError} `bad_request` for empty content, `payload_too_large` over the limit (the
   * message is kept as `failed`), or the backend's non-retryable refusal.
   */
  send(conversationId: string, senderId: string, content: string): Promise<Message> {
    if (content.trim() === '') {
      return Promise.reject(new ChatError('bad_request', 'a message cannot be empty'));
    }
    const entry: OutboxEntry = {
      clientMessageId: timeOrderedId(),
      conversationId,
      senderId,
      content,
      createdAt: new Date().toISOString(),
      status: 'pending',
    };
    if (content.length > LIMITS.maxContentLength) {
      const error = new ChatError(
        'payload_too_large',
        `a message has at most ${LIMITS.maxContentLength} characters`,
      );
      this.outbox.add({
        ...entry,
        status: 'failed',
        error: { code: error.code, message: error.message },
      });
      return Promise.reject(error);
    }
    const settled = this.wait(entry.clientMessageId);
    this.outbox.add(entry);
    return settled;
  }

  /**
   * Sends a failed message again with its clientMessageId, after the ones queued.
   *
   * @throws {ChatError} `not_found` when no such failed message exists, or as `send`.
   */
  retry(clientMessageId: string): Promise<Message> {
    const settled = this.wait(clientMessageId);
    if (!this.outbox.retry(clientMessageId)) {
      this.settle(clientMessageId, () => undefined);
      return Promise.reject(new ChatError('not_found', 'no failed message with that id'));
    }
    return settled;
  }

  /** Drops a failed or queued message; one already in flight cannot be taken back. */
  discard(clientMessageId: string): boolean {
    const entry = this.outbox.discard(clientMessageId);
    if (!entry) return false;
    this.settle(clientMessageId, (w) =>
      w.reject(new ChatError('cancelled', 'the message was discarded')),
    );
    return true;
  }

  /** The optimistic messages of one conversation, in the order written. */
  pendingFor(conversationId: string): ClientMessage[] {
    return this.outbox
      .list()
      .filter((e) => e.conversationId === conversationId)
      .map((entry) => this.view(entry));
  }

  /** Whether any message is still waiting to be stored. */
  get hasPending(): boolean {
    return this.outbox.list().some((e) => e.status === 'pending');
  }

  private async transmit(entry: OutboxEntry): Promise<Message> {
    const ack = await this.deps.connection.sendMessage(
      {
        conversationId: entry.conversationId,
        content: entry.content,
        clientMessageId: entry.clientMessageId,
      },
      this.deps.ackTimeoutMs,
    );
    if (!ack.ok) throw ChatError.fromBody(ack.error);
    return ack.message;
  }

  private wait(clientMessageId: string): Promise<Message> {
    return new Promise((resolve, reject) => {
      this.waiters.set(clientMessageId, { resolve, reject });
    });
  }

  private settle(clientMessageId: string, fn: (waiter: Waiter) => void): boolean {
    const waiter = this.waiters.get(clientMessageId);
    if (!waiter) return false;
    this.waiters.delete(clientMessageId);
    fn(waiter);
    return true;
  }

  /** One view object per entry version, so that unchanged messages keep their identity. */
  private view(entry: OutboxEntry): ClientMessage {
    const cached = this.views.get(entry.clientMessageId);
    if (cached?.entry === entry) return cached.view;
    const error = entry.error ? new ChatError(entry.error.code, entry.error.message) : undefined;
    const view = entryToClientMessage(entry, error);
    this.views.set(entry.clientMessageId, { entry, view });
    return view;
  }

  private changed(): void {
    const ids = new Set(this.outbox.list().map((e) => e.clientMessageId));
    for (const id of this.views.keys()) if (!ids.has(id)) this.views.delete(id);
    this.deps.onPendingChange();
  }
}
