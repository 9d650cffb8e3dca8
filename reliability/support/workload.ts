/**
 * The chaos workload: N real SDK clients in a ring (user i talks with i-1 and i+1), each sending,
 * reading, marking read and reconnecting at random while faults are injected around them.
 */
import { api, signToken } from '../../reference-server/test/support.js';
import { ChatClient, memoryStorage } from '../../sdk/src/index.js';
import type { Conversation, UnreadCountResponse } from '../../sdk/src/index.js';
import { clientMismatches, countAnomalies, readDatabase, recountUnread } from './checker.js';
import type { Counts, History } from './checker.js';
import type { Random } from './random.js';
import { sleep, until } from './scale.js';

export interface WorkloadOptions {
  /** Where the clients connect (the server, or a proxy in front of it). */
  clientUrl: string;
  /** Where setup and checks go (the server itself). */
  serverUrl: string;
  clients: number;
  random: Random;
  /** Prefix of user ids, so that runs on one database never mix. */
  prefix: string;
}

export interface WorkloadStats {
  sends: number;
  refusedSends: number;
  reads: number;
  failedReads: number;
  fetches: number;
  failedFetches: number;
  reconnects: number;
}

const MAX_IN_FLIGHT = 8;
const noop = (): void => undefined;

export class Workload {
  readonly users: string[];
  readonly clients: ChatClient[] = [];
  readonly conversations: Conversation[] = [];
  readonly history: History = { attempted: new Map(), acked: new Map() };
  readonly stats: WorkloadStats = {
    sends: 0,
    refusedSends: 0,
    reads: 0,
    failedReads: 0,
    fetches: 0,
    failedFetches: 0,
    reconnects: 0,
  };
  /** Why reads, fetches and sends failed, by error code (failures are expected under faults). */
  readonly errors: Record<string, number> = {};
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly mine = new Map<string, string[]>();
  private running = false;

  constructor(private readonly options: WorkloadOptions) {
    this.users = Array.from({ length: options.clients }, (_, i) => `${options.prefix}-u${i}`);
  }

  /** Creates the ring of conversations, connects every client and loads its conversations. */
  async setUp(): Promise<void> {
    const { users } = this;
    const pairs = users.length === 2 ? [[0, 1]] : users.map((_, i) => [i, (i + 1) % users.length]);
    for (const [a, b] of pairs) {
      const res = await api<{ conversation: Conversation }>(
        this.options.serverUrl,
        signToken(users[a!]!),
        'POST',
        '/chat/conversations',
        { userId: users[b!] },
      );
      if (res.status !== 201 && res.status !== 200) throw new Error(`setup: ${res.status}`);
      this.conversations.push(res.body.conversation);
    }
    for (const user of users) {
      const ids = this.conversations
        .filter((c) => c.participant1Id === user || c.participant2Id === user)
        .map((c) => c.id);
      this.mine.set(user, ids);
      const client = new ChatClient({
        url: this.options.clientUrl,
        tokenProvider: () => signToken(user, { name: user }),
        storage: memoryStorage(),
        reconnectDelayMs: 50,
        reconnectDelayMaxMs: 1000,
        ackTimeoutMs: 3000,
        transports: ['websocket'],
      });
      this.clients.push(client);
      await client.connect();
      for (const id of ids) await client.loadConversation(id);
    }
  }

  /** Every client acts at random until `ms` have passed. */
  async run(ms: number): Promise<void> {
    this.running = true;
    const deadline = Date.now() + ms;
    await Promise.all(
      this.clients.map(async (client, i) => {
        const user = this.users[i]!;
        let n = 0;
        while (this.running && Date.now() < deadline) {
          await sleep(this.options.random.int(40, 250));
          await this.act(client, user, () => `${user}#${++n}`);
        }
      }),
    );
    this.running = false;
  }

  private async act(client: ChatClient, user: string, nextContent: () => string): Promise<void> {
    const { random } = this.options;
    const conversationId = random.pick(this.mine.get(user)!);
    const roll = random.next();
    if (roll < 0.65) {
      if ([...this.inFlight.keys()].filter((k) => k.startsWith(`${user}#`)).length >= MAX_IN_FLIGHT)
        return;
      const content = nextContent();
      this.history.attempted.set(content, { senderId: user, conversationId });
      this.stats.sends++;
      const sending = client.sendMessage(conversationId, content).then(
        (message) => void this.history.acked.set(content, message),
        (error: unknown) => {
          this.stats.refusedSends++;
          this.count('send', error);
        },
      );
      this.inFlight.set(content, sending);
      void sending.finally(() => this.inFlight.delete(content));
    } else if (roll < 0.85) {
      this.stats.reads++;
      client.markAsRead(conversationId).catch((error: unknown) => {
        this.stats.failedReads++;
        this.count('read', error);
      });
    } else if (roll < 0.96) {
      this.stats.fetches++;
      const afterSeq = random.int(0, 20);
      client.getMessages(conversationId, { afterSeq, limit: 20 }).catch((error: unknown) => {
        this.stats.failedFetches++;
        this.count('fetch', error);
      });
    } else {
      this.stats.reconnects++;
      client.disconnect();
      await sleep(random.int(0, 300));
      client.connect().catch(noop);
    }
  }

  private count(what: string, error: unknown): void {
    const key = `${what}:${(error as { code?: string }).code ?? 'unknown'}`;
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  /** Waits until every attempted send has settled (the SDK retries until acked). */
  async settle(ms: number): Promise<void> {
    await until(() => this.inFlight.size === 0, `${this.inFlight.size} sends to settle`, ms, 100);
  }

  /**
   * Waits until every client agrees with the database, then returns the counts and every
   * remaining difference (client state, server unread answers, recounts).
   */
  async check(dbPath: string, ms: number): Promise<{ counts: Counts & Extra; details: string[] }> {
    let clientDiffs: string[] = [];
    try {
      await until(
        () => {
          const db = readDatabase(dbPath);
          clientDiffs = this.clients.flatMap((c, i) => clientMismatches(db, this.users[i]!, c));
          return clientDiffs.length === 0;
        },
        'clients to agree with the database',
        ms,
        250,
      );
    } catch {
      // Reported below as stateMismatches.
    }
    const db = readDatabase(dbPath);
    const { counts, details } = countAnomalies(db, this.history);
    // The server's unread answers against a recount of the file. Clients may still be marking
    // reads (a catch-up after the last reconnect), so a snapshot can be a step behind the server:
    // compare until both agree in a quiet moment, and report what still differs at the end.
    let unreadDiffs: string[] = [];
    try {
      await until(
        async () => {
          unreadDiffs = await this.unreadDiffs(dbPath);
          return unreadDiffs.length === 0;
        },
        'server unread answers to match a recount',
        10_000,
        250,
      );
    } catch {
      // Reported below as unreadMismatches.
    }
    await sleep(1000); // read results and gap fetches still in flight settle first
    const settled = readDatabase(dbPath);
    clientDiffs = this.clients.flatMap((c, i) => clientMismatches(settled, this.users[i]!, c));
    return {
      counts: {
        ...counts,
        stateMismatches: clientDiffs.length,
        unreadMismatches: unreadDiffs.length,
      },
      details: [...details, ...clientDiffs, ...unreadDiffs],
    };
  }

  /** Each user's unread answer from the server against a recount of the database, read after it. */
  private async unreadDiffs(dbPath: string): Promise<string[]> {
    const answers = new Map<string, UnreadCountResponse>();
    for (const user of this.users) {
      const res = await api<UnreadCountResponse>(
        this.options.serverUrl,
        signToken(user),
        'GET',
        '/chat/unread-count',
      );
      answers.set(user, res.body);
    }
    const db = readDatabase(dbPath);
    const diffs: string[] = [];
    for (const user of this.users) {
      for (const id of this.mine.get(user)!) {
        const recount = recountUnread(db.get(id)!, user);
        const answer = answers.get(user)!.byConversation[id] ?? 0;
        if (answer !== recount)
          diffs.push(`${user} in ${id}: server ${answer}, recount ${recount}`);
      }
    }
    return diffs;
  }

  stop(): void {
    this.running = false;
    for (const client of this.clients) client.disconnect();
  }
}

/** What every chaos run must end with: nothing lost, doubled or out of step. */
export const CLEAN_COUNTS = {
  lost: 0,
  duplicated: 0,
  unexpected: 0,
  unacked: 0,
  seqGaps: 0,
  readFlagMismatches: 0,
  stateMismatches: 0,
  unreadMismatches: 0,
} as const;

export interface Extra {
  /** (client, conversation) pairs whose state differs from the database after settling. */
  stateMismatches: number;
  /** (user, conversation) pairs whose server unread count differs from the recount. */
  unreadMismatches: number;
}
