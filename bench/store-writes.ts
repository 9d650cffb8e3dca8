/**
 * Write throughput of the SQLite store alone, without HTTP or Socket.IO: appends in batches (one
 * event-loop turn each, so one group commit each) spread over many conversations, on a file
 * database. The figure the send path cannot exceed, and the one to watch when the store changes.
 * Run: node --import tsx bench/store-writes.ts [--sync full|normal] [--batch 100] [--rounds 3]
 *
 * Wall-clock rates move with whatever else the machine runs; the CPU per append moves less.
 * `--in-process` hands each batch straight to the store's writer (SqliteWriter) on a connection
 * of this thread, without the writer thread: that is what to count instructions of, which do not
 * move at all. Under `valgrind --tool=callgrind`, run it with `--rounds 1 --messages 10000` and
 * with `--messages 20000`: a run warms up with half a round first, so the difference between the
 * two is 15,000 appends, without the start-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SqliteStore } from '../reference-server/src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../reference-server/src/store/chat-store.js';
import { migrate } from '../reference-server/src/store/sqlite/migrations.js';
import { openWriterConnection, SqliteWriter } from '../reference-server/src/store/sqlite/writer.js';

const { values } = parseArgs({
  options: {
    sync: { type: 'string', default: 'full' },
    batch: { type: 'string', default: '100' },
    conversations: { type: 'string', default: '200' },
    messages: { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '3' },
    'in-process': { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const count = Number(values.conversations);
const perRound = Number(values.messages);
const synchronous = values.sync === 'normal' ? 'normal' : 'full';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-writes-'));
const path = join(dir, 'chat.db');

/** Creates the conversations; then writes one batch of appends and waits for all of them. */
interface Target {
  createConversation(a: string, b: string): Promise<string>;
  appendAll(appends: NewMessage[]): Promise<void>;
  close(): Promise<void>;
}

function storeTarget(): Target {
  const store = new SqliteStore({ path, synchronous });
  return {
    createConversation: async (a, b) => (await store.getOrCreateConversation(a, b)).conversation.id,
    appendAll: async (appends) => {
      await Promise.all(appends.map((input) => store.appendMessage(input)));
    },
    close: () => store.close(),
  };
}

async function inProcessTarget(): Promise<Target> {
  // The file as the store leaves it (WAL, migrated), without starting a writer thread, which a
  // bundle could not find; then the connection the writer thread would have.
  const setup = new Database(path);
  setup.pragma('journal_mode = WAL');
  migrate(setup);
  setup.close();
  const db = openWriterConnection(path, synchronous);
  const writer = new SqliteWriter(db);
  const at = new Date().toISOString();
  let created = 0;
  return {
    createConversation: async (p1, p2) => {
      const id = `conversation-${++created}`;
      writer.write([{ kind: 'createConversation', id, p1, p2, at }]);
      return id;
    },
    appendAll: async (appends) => {
      const outcomes = writer.write(appends.map((input) => ({ kind: 'append', input })));
      const failed = outcomes.find((o) => !o.ok);
      if (failed) throw new Error(`append failed: ${JSON.stringify(failed)}`);
    },
    close: async () => {
      db.close();
    },
  };
}

const target = values['in-process'] ? await inProcessTarget() : storeTarget();
const conversations: string[] = [];
for (let i = 0; i < count; i++) {
  conversations.push(await target.createConversation(`a${i}`, `b${i}`));
}

let sent = 0;
/** CPU of the whole process (every thread) per append, in µs, of each round. */
const cpuPer: number[] = [];
async function round(messages: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let done = 0; done < messages; done += batch) {
    const appends: NewMessage[] = [];
    for (let j = 0; j < batch; j++, sent++) {
      const c = sent % count;
      appends.push({
        conversationId: conversations[c]!,
        senderId: sent % 2 ? `a${c}` : `b${c}`,
        content: `message ${sent}, of about the length of a short chat line`,
        clientMessageId: `k${sent}`,
      });
    }
    await target.appendAll(appends);
  }
  const cpu = process.cpuUsage(cpu0);
  cpuPer.push((cpu.user + cpu.system) / messages);
  return (messages * 1000) / (performance.now() - t0);
}

await round(perRound / 2); // warm-up
cpuPer.length = 0;
const rates: number[] = [];
for (let i = 0; i < Number(values.rounds); i++) rates.push(await round(perRound));
await target.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `synchronous=${values.sync}, batches of ${batch} over ${count} conversations` +
    `${values['in-process'] ? ', in-process' : ''}: ` +
    `${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')} appends/s, ` +
    `${cpuPer.map((c) => c.toFixed(1)).join(', ')} µs of CPU each ` +
    `(rounds of ${perRound.toLocaleString('en-US')}; the database grows from round to round)`,
);
