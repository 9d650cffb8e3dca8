import { Timers } from './backoff.js';
import type { ChatApi } from './chat-api.js';
import { ChatError } from './chat-error.js';
import { addStored, findConversation, setUnread, upsertConversation } from './chat-state.js';
import { LIMITS } from './protocol.js';
import type { Conversation, Message } from './protocol.js';
import type { ChatState, ClientMessage } from './types.js';

export interface SyncDeps {
  api: ChatApi;
  getState(): ChatState;
  update(reducer: (state: ChatState) => ChatState): void;
  pendingFor(conversationId: string): readonly ClientMessage[];
  /** A message reached the client for the first time (exactly once, in seq order). */
  onDelivered(message: Message): void;
  onError(error: ChatError): void;
  isConnected(): boolean;
  retryDelay(attempt: number): number;
}

const CATCH_UP_PAGE = LIMITS.maxPageSize;
const LIST_PAGE = 50;
const PARALLEL_FETCHES = 4;
/** Gap fetches in a row that a live message may overtake before the next waits for a backoff. */
const OVERTAKEN_ROUNDS = 3;
/**
 * Pages in a row whose read cursor is older than the client's that are asked for again at once.
 * On a consistent backend one is enough (the page was counted before a read that answered
 * first); a backend whose reads lag its writes (a replica) is asked again with a backoff.
 */
const STALE_ROUNDS = 1;

/** The highest seq of a conversation; `lastSeq` is additive, so older backends may lack it. */
export function lastSeqOf(conv: Conversation): number {
  return conv.lastSeq ?? conv.lastMessage?.seq ?? 0;
}

/**
 * Keeps every known conversation in step with the server by seq. Per conversation it knows the
 * highest seq delivered without a hole (`synced`); a message just above it is delivered, one
 * further up waits in a buffer while the hole is fetched with `afterSeq`, and one at or below it
 * is history (merged into the window, never delivered twice). Catch-up on connect is the same
 * gap fetch for every conversation that the refreshed list shows to be behind.
 */
export class ConversationSync {
  private readonly synced = new Map<string, number>();
  private readonly buffers = new Map<string, Map<number, Message>>();
  private readonly fetching = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  /** Stale pages in a row per conversation (STALE_ROUNDS); gone once a page is in step. */
  private readonly stale = new Map<string, number>();
  private readonly timers = new Timers();
  private nextCursor: string | null = null;
  private listed = false;
  private prefetching: Promise<void> | null = null;
  private active = true;

  constructor(private readonly deps: SyncDeps) {}

  start(): void {
    this.active = true;
  }

  stop(): void {
    this.active = false;
    this.prefetching = null;
    this.timers.clearAll();
    this.again.clear();
    this.stale.clear();
  }

  isTracked(id: string): boolean {
    return this.synced.has(id);
  }

  /**
   * Whether a conversation may have messages above those delivered in order: the state's last seq
   * is higher, a message waits behind a hole, or a gap fetch is running.
   */
  isBehind(id: string): boolean {
    const synced = this.synced.get(id);
    if (synced === undefined || this.buffers.has(id) || this.fetching.has(id)) return true;
    const conv = this.find(id);
    return conv !== undefined && lastSeqOf(conv) > synced;
  }

  /**
   * After a read of this user's, up to `seq` or the state's higher cursor: counts the other
   * participant's messages above the cursor from those the client holds, up to the last one
   * delivered in order. When it cannot (a hole, a gap fetch running, a message in that range that
   * the window lacks), or its count differs from `expected` (the server's answer to this client's
   * read), it fetches the gap instead, whose page brings the server's exact count.
   */
  settleRead(id: string, seq: number, meId: string, expected?: number): void {
    const cursor = this.find(id)?.lastReadSeq ?? seq;
    const top = this.synced.get(id);
    let count: number | undefined;
    if (top !== undefined && !this.buffers.has(id) && !this.fetching.has(id)) {
      const held = (this.deps.getState().byId[id]?.messages ?? []).filter(
        (m) => m.seq !== null && m.seq > cursor && m.seq <= top,
      );
      if (held.length === Math.max(0, top - cursor)) {
        count = held.filter((m) => m.senderId !== meId).length;
      }
    }
    if (count === undefined || (expected ?? count) !== count) void this.fetchGap(id);
    else this.deps.update((s) => setUnread(s, id, count));
  }

  private find(id: string): Conversation | undefined {
    return findConversation(this.deps.getState(), id);
  }

  /**
   * Learns a conversation from the server and refreshes its state. A conversation seen for the
   * first time starts at `fromSeq` (its last seq by default: history is not "new").
   */
  applyConversation(conv: Conversation, fromSeq = lastSeqOf(conv)): void {
    if (this.refresh(conv, fromSeq)) void this.fetchGap(conv.id);
  }

  /**
   * `applyConversation` without the fetch: whether the server's count is older than the client's
   * read cursor, so that a fresh page is what tells. The count is exact only for the seq we have
   * reached ourselves, and for a read cursor no older than ours: a list or page counted before a
   * read whose answer came first (they travel on different connections) still counts what that
   * read cleared.
   */
  private refresh(conv: Conversation, fromSeq: number): boolean {
    if (!this.synced.has(conv.id)) this.synced.set(conv.id, fromSeq);
    const cursor = this.find(conv.id)?.lastReadSeq ?? 0;
    this.deps.update((s) => upsertConversation(s, conv));
    if (lastSeqOf(conv) !== this.synced.get(conv.id)) return false;
    if (conv.lastReadSeq < cursor) return true;
    this.deps.update((s) => setUnread(s, conv.id, conv.unreadCount));
    return false;
  }

  /** A message from the socket (or an ack): delivered, buffered behind a gap, or a duplicate. */
  receive(message: Message): void {
    const id = message.conversationId;
    if (!this.synced.has(id)) {
      // Unknown conversation: start just below this message and fetch its metadata.
      this.synced.set(id, message.seq - 1);
      this.ingest(id, [message]);
      void this.fetchGap(id);
      return;
    }
    this.ingest(id, [message]);
  }

  /** Merges a batch of stored messages of one conversation (any order, duplicates allowed). */
  ingest(id: string, messages: readonly Message[]): void {
    const synced = this.synced.get(id);
    if (synced === undefined) return;
    const buffer = this.buffers.get(id) ?? new Map<number, Message>();
    const history: Message[] = [];
    for (const m of messages) {
      if (m.seq <= synced) history.push(m);
      else buffer.set(m.seq, m);
    }
    const delivered: Message[] = [];
    let top = synced;
    for (let next = buffer.get(top + 1); next; next = buffer.get(top + 1)) {
      buffer.delete(top + 1);
      delivered.push(next);
      top++;
    }
    this.synced.set(id, top);
    if (buffer.size > 0) this.buffers.set(id, buffer);
    else this.buffers.delete(id);
    const all = history.concat(delivered);
    if (all.length > 0) {
      this.deps.update((s) => addStored(s, id, all, this.deps.pendingFor(id)));
    }
    for (const m of delivered) this.deps.onDelivered(m);
    if (buffer.size > 0) void this.fetchGap(id);
  }

  /**
   * Fetches everything above `synced`, page by page, and refreshes the conversation. Concurrent
   * calls share one run; a call during a run makes it go round once more.
   */
  fetchGap(id: string): Promise<void> {
    const running = this.fetching.get(id);
    if (running) {
      this.again.add(id);
      return running;
    }
    const run = this.runGap(id).finally(() => this.fetching.delete(id));
    this.fetching.set(id, run);
    return run;
  }

  private async runGap(id: string): Promise<void> {
    try {
      let overtaken = 0;
      do {
        this.again.delete(id);
        for (;;) {
          if (!this.active) return;
          const afterSeq = this.synced.get(id) ?? 0;
          const page = await this.deps.api.getConversation(id, {
            afterSeq,
            limit: CATCH_UP_PAGE,
          });
          if (!this.active) return;
          this.ingest(id, page.messages);
          const stale = this.refresh(page.conversation, lastSeqOf(page.conversation));
          if (page.hasMore && page.messages.length > 0) continue;
          // A live message that came while the page was on its way leaves the page behind the
          // client, and its unread count unapplied: the count may still hold an older absolute
          // count (a read result's). Go round for a page in step; under a steady stream, later.
          if (lastSeqOf(page.conversation) < (this.synced.get(id) ?? 0)) {
            overtaken++;
            this.askAgain(id, overtaken <= OVERTAKEN_ROUNDS ? null : overtaken);
          } else if (stale) {
            // Not one request a round trip while a replica catches up: once more now, then later.
            const rounds = (this.stale.get(id) ?? 0) + 1;
            this.stale.set(id, rounds);
            this.askAgain(id, rounds <= STALE_ROUNDS ? null : rounds - STALE_ROUNDS - 1);
          } else this.stale.delete(id);
          break;
        }
      } while (this.again.has(id));
      this.failures.delete(id);
    } catch (error) {
      const err = ChatError.from(error);
      if (!this.active || err.code === 'cancelled') return;
      if (err.code === 'not_found') {
        this.synced.delete(id);
        this.buffers.delete(id);
        this.stale.delete(id);
        return;
      }
      this.deps.onError(err);
      if (!this.deps.isConnected()) return; // the next connect catches up anyway
      const attempt = this.failures.get(id) ?? 0;
      this.failures.set(id, attempt + 1);
      this.timers.set(() => void this.fetchGap(id), this.deps.retryDelay(attempt));
    }
  }

  /** Goes round `runGap` once more: at once (`attempt` null), or after that attempt's backoff. */
  private askAgain(id: string, attempt: number | null): void {
    if (attempt === null) this.again.add(id);
    else this.timers.set(() => void this.fetchGap(id), this.deps.retryDelay(attempt));
  }

  /**
   * Fetches the list's first page while the socket connects, so that it shows without waiting
   * for the socket's upgrade and CONNECT (two round trips). Only before the list was ever
   * fetched. Catch-up on connect still fetches the list afresh, after the socket has joined: it is
   * what finds messages stored between this fetch and the join, as after any reconnect. A failure
   * here is left for that fetch to report.
   */
  prefetch(): void {
    if (this.listed || this.prefetching) return;
    const run: Promise<void> = this.refreshList()
      .catch(() => undefined)
      .then(() => {
        if (this.prefetching === run) this.prefetching = null;
      });
    this.prefetching = run;
  }

  /**
   * Makes sure the list was fetched once: waits for a prefetch in flight, and fetches the list
   * if there was none or it failed.
   *
   * @throws {ChatError} from the REST call.
   */
  async ensureListed(): Promise<void> {
    if (this.prefetching) await this.prefetching;
    if (!this.listed) await this.refreshList();
  }

  /**
   * On every connect: refreshes the list, then fetches what each known conversation missed.
   * Never throws; failures go to `onError` and the next connect tries again.
   */
  async catchUp(): Promise<void> {
    let fresh = new Map<string, Conversation>();
    try {
      // Not after a prefetch still in flight but beside it: its older snapshot, if it lands last,
      // is merged (the state keeps the higher seqs), and this request does not wait for the list
      // to render first, so that it is done before a click right after it needs the connection.
      fresh = await this.refreshList();
    } catch (error) {
      const err = ChatError.from(error);
      if (err.code !== 'cancelled') this.deps.onError(err);
    }
    const behind = [...this.synced.entries()]
      .filter(([id, seq]) => {
        const conv = fresh.get(id);
        return !conv || lastSeqOf(conv) !== seq || this.buffers.has(id);
      })
      .map(([id]) => id);
    const workers = Array.from({ length: PARALLEL_FETCHES }, async () => {
      for (let id = behind.shift(); id !== undefined && this.active; id = behind.shift()) {
        await this.fetchGap(id);
      }
    });
    await Promise.all(workers);
  }

  /**
   * Fetches the first pages of the list, as many conversations as are listed already (at least
   * one page). A conversation new to a complete list was created while we were away: all of its
   * messages are delivered. One found beyond an incomplete list is history.
   *
   * @throws {ChatError} from the REST call.
   */
  async refreshList(): Promise<Map<string, Conversation>> {
    const want = Math.max(LIST_PAGE, this.deps.getState().conversations.length);
    const wasComplete = this.listed && this.nextCursor === null;
    const fresh = new Map<string, Conversation>();
    let cursor: string | null = null;
    do {
      const page = await this.deps.api.listConversations(cursor, LIST_PAGE);
      if (!this.active) return fresh;
      for (const conv of page.conversations) {
        fresh.set(conv.id, conv);
        this.applyConversation(conv, wasComplete ? 0 : lastSeqOf(conv));
      }
      cursor = page.nextCursor;
    } while (cursor !== null && fresh.size < want);
    this.setCursor(cursor);
    return fresh;
  }

  /**
   * Fetches the next page of older conversations.
   *
   * @throws {ChatError} from the REST call.
   */
  async loadMore(): Promise<boolean> {
    if (!this.listed) {
      await this.ensureListed();
      return this.nextCursor !== null;
    }
    if (this.nextCursor === null) return false;
    const page = await this.deps.api.listConversations(this.nextCursor, LIST_PAGE);
    for (const conv of page.conversations) this.applyConversation(conv);
    this.setCursor(page.nextCursor);
    return page.nextCursor !== null;
  }

  private setCursor(cursor: string | null): void {
    this.listed = true;
    this.nextCursor = cursor;
    const hasMore = cursor !== null;
    this.deps.update((s) =>
      s.hasMoreConversations === hasMore ? s : { ...s, hasMoreConversations: hasMore },
    );
  }
}
