import { Timers } from './backoff.js';
import { ChatError } from './chat-error.js';
import type { ChatClientErrorCode } from './chat-error.js';
import { reportHandlerError } from './emitter.js';
import type { Message } from './protocol.js';
import type { OutboxStorage } from './types.js';

/** One unsent message, as kept in storage (JSON). */
export interface OutboxEntry {
  clientMessageId: string;
  conversationId: string;
  senderId: string;
  content: string;
  createdAt: string;
  status: 'pending' | 'failed';
  error?: { code: ChatClientErrorCode; message: string };
}

export interface OutboxDeps {
  storage: OutboxStorage;
  key: string;
  /** Sends one entry; resolves with the stored message, throws `ChatError`. */
  transmit(entry: OutboxEntry): Promise<Message>;
  isConnected(): boolean;
  retryDelay(attempt: number): number;
  onSent(entry: OutboxEntry, message: Message): void;
  onFailed(entry: OutboxEntry, error: ChatError): void;
  /** The list of entries changed (the UI's pending and failed messages). */
  onChange(): void;
}

interface Wait {
  timer: ReturnType<typeof setTimeout>;
  resolve: () => void;
}

/**
 * The durable outbox. Entries are written to storage before the first attempt and removed only
 * once acked, so a reload or a crash resends them with the same clientMessageId (the backend
 * dedupes). Per conversation one entry is in flight at a time, in the order written; retryable
 * failures wait with backoff, non-retryable ones fail that entry alone.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private readonly running = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly waits = new Map<string, Wait>();
  private readonly timers = new Timers();
  private writes: Promise<void> = Promise.resolve();
  private generation = 0;
  private started = false;
  private loaded = false;

  constructor(private readonly deps: OutboxDeps) {}

  /** Entries in the order written (pending and failed). */
  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  /**
   * Reads what a previous page or process left in storage, keeping entries already in hand (after
   * it). Nothing is sent before it is done, even once started: a conversation's entries go in the
   * order written when the socket connects before a slow storage has answered.
   */
  async load(): Promise<void> {
    await this.writes;
    const stored = parse(await this.deps.storage.get(this.deps.key));
    const known = new Set(this.entries.map((e) => e.clientMessageId));
    const added = stored.filter((e) => !known.has(e.clientMessageId));
    if (added.length > 0) {
      this.entries = [...added, ...this.entries];
      this.deps.onChange();
    }
    this.loaded = true;
    this.kickAll();
  }

  add(entry: OutboxEntry): void {
    this.entries = [...this.entries, entry];
    this.write((map) => map.set(entry.clientMessageId, entry));
    this.deps.onChange();
    if (entry.status === 'pending') this.kick(entry.conversationId);
  }

  /** Puts a failed entry back at the end of the queue; `false` when there is no such entry. */
  retry(clientMessageId: string): boolean {
    const entry = this.entries.find((e) => e.clientMessageId === clientMessageId);
    if (!entry || entry.status !== 'failed') return false;
    const again: OutboxEntry = { ...entry, status: 'pending', error: undefined };
    this.entries = [...this.entries.filter((e) => e !== entry), again];
    this.write((map) => {
      map.delete(clientMessageId);
      map.set(clientMessageId, again);
    });
    this.deps.onChange();
    this.kick(again.conversationId);
    return true;
  }

  /** Removes an entry that is not in flight; returns it, or `undefined` when it cannot go. */
  discard(clientMessageId: string): OutboxEntry | undefined {
    const entry = this.entries.find((e) => e.clientMessageId === clientMessageId);
    if (!entry || this.inFlight.has(clientMessageId)) return undefined;
    this.remove(entry);
    return entry;
  }

  /** Starts (or, after a reconnect, restarts at once) the senders of every conversation. */
  start(): void {
    this.started = true;
    this.attempts.clear();
    for (const wait of [...this.waits.values()]) {
      this.timers.clear(wait.timer);
      wait.resolve();
    }
    this.kickAll();
  }

  /** Stops sending and cancels every timer; entries stay in storage. */
  stop(): void {
    this.started = false;
    this.generation++;
    this.timers.clearAll();
    this.waits.clear();
    this.running.clear();
  }

  private kickAll(): void {
    for (const id of new Set(this.entries.map((e) => e.conversationId))) this.kick(id);
  }

  private kick(conversationId: string): void {
    if (!this.started || !this.loaded || this.running.has(conversationId)) return;
    void this.work(conversationId, this.generation);
  }

  private async work(conversationId: string, generation: number): Promise<void> {
    this.running.add(conversationId);
    const alive = () => generation === this.generation;
    try {
      while (alive() && this.deps.isConnected()) {
        const entry = this.entries.find(
          (e) => e.conversationId === conversationId && e.status === 'pending',
        );
        if (!entry) return;
        this.inFlight.add(entry.clientMessageId);
        let message: Message | undefined;
        let failure: ChatError | undefined;
        try {
          message = await this.deps.transmit(entry);
        } catch (error) {
          failure = ChatError.from(error);
        } finally {
          this.inFlight.delete(entry.clientMessageId);
        }
        if (message) {
          // An ack means committed, even if the client stopped meanwhile: forget the entry.
          this.attempts.delete(conversationId);
          this.remove(entry);
          this.deps.onSent(entry, message);
          continue;
        }
        if (!alive()) return;
        const error = failure ?? new ChatError('internal', 'no ack');
        if (!error.retryable) {
          this.fail(entry, error);
          continue;
        }
        const attempt = this.attempts.get(conversationId) ?? 0;
        this.attempts.set(conversationId, attempt + 1);
        if (!this.deps.isConnected()) return; // start() runs again on the next connect
        const delay =
          error.retryAfter !== undefined ? error.retryAfter * 1000 : this.deps.retryDelay(attempt);
        await this.wait(conversationId, delay);
      }
    } finally {
      if (alive()) this.running.delete(conversationId);
    }
  }

  private wait(conversationId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.timers.set(() => {
        this.waits.delete(conversationId);
        resolve();
      }, ms);
      this.waits.set(conversationId, { timer, resolve });
    });
  }

  private fail(entry: OutboxEntry, error: ChatError): void {
    const failed: OutboxEntry = {
      ...entry,
      status: 'failed',
      error: { code: error.code, message: error.message },
    };
    this.entries = this.entries.map((e) => (e === entry ? failed : e));
    this.write((map) => {
      if (map.has(entry.clientMessageId)) map.set(entry.clientMessageId, failed);
    });
    this.deps.onChange();
    this.deps.onFailed(failed, error);
  }

  private remove(entry: OutboxEntry): void {
    this.entries = this.entries.filter((e) => e.clientMessageId !== entry.clientMessageId);
    this.write((map) => map.delete(entry.clientMessageId));
    this.deps.onChange();
  }

  /**
   * Read-modify-write of one entry at a time, serialized, so that two tabs sharing one
   * localStorage key do not erase each other's entries.
   */
  private write(change: (map: Map<string, OutboxEntry>) => void): void {
    const { storage, key } = this.deps;
    this.writes = this.writes
      .then(async () => {
        const map = new Map(parse(await storage.get(key)).map((e) => [e.clientMessageId, e]));
        change(map);
        if (map.size === 0) await storage.remove(key);
        else await storage.set(key, JSON.stringify([...map.values()]));
      })
      .catch(reportHandlerError);
  }
}

function parse(raw: string | null): OutboxEntry[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  const e = value as Partial<OutboxEntry> | null;
  return (
    !!e &&
    typeof e.clientMessageId === 'string' &&
    typeof e.conversationId === 'string' &&
    typeof e.content === 'string' &&
    (e.status === 'pending' || e.status === 'failed')
  );
}
