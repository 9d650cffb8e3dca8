/**
 * Write throughput of the SQLite store alone, without HTTP or Socket.IO: appends in batches (one
 * event-loop turn each, so one group commit each) spread over many conversations, on a file
 * database. The figure the send path cannot exceed, and the one to watch when the store changes.
 * Run: node --import tsx bench/store-writes.ts [--sync full|normal] [--batch 100] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../reference-server/src/index.js';

const { values } = parseArgs({
  options: {
    sync: { type: 'string', default: 'full' },
    batch: { type: 'string', default: '100' },
    conversations: { type: 'string', default: '200' },
    messages: { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '3' },
  },
});
const batch = Number(values.batch);
const count = Number(values.conversations);
const perRound = Number(values.messages);

const dir = mkdtempSync(join(tmpdir(), 'parley-store-writes-'));
const store = new SqliteStore({
  path: join(dir, 'chat.db'),
  synchronous: values.sync === 'normal' ? 'normal' : 'full',
});
const conversations: string[] = [];
for (let i = 0; i < count; i++) {
  conversations.push((await store.getOrCreateConversation(`a${i}`, `b${i}`)).conversation.id);
}

let sent = 0;
async function round(messages: number): Promise<number> {
  const t0 = performance.now();
  for (let done = 0; done < messages; done += batch) {
    const appends = [];
    for (let j = 0; j < batch; j++, sent++) {
      const c = sent % count;
      appends.push(
        store.appendMessage({
          conversationId: conversations[c]!,
          senderId: sent % 2 ? `a${c}` : `b${c}`,
          content: `message ${sent}, of about the length of a short chat line`,
          clientMessageId: `k${sent}`,
        }),
      );
    }
    await Promise.all(appends);
  }
  return (messages * 1000) / (performance.now() - t0);
}

await round(perRound / 2); // warm-up
const rates: number[] = [];
for (let i = 0; i < Number(values.rounds); i++) rates.push(await round(perRound));
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `synchronous=${values.sync}, batches of ${batch} over ${count} conversations: ` +
    `${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')} appends/s ` +
    `(rounds of ${perRound.toLocaleString('en-US')}; the database grows from round to round)`,
);
