/**
 * Send throughput of the reference server with synchronous=FULL and NORMAL: 50 pairs of users,
 * each sender keeping 4 sends in flight for a fixed time on a file database.
 * Run: node --import tsx bench/durability.ts [--seconds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createChatServer } from '../reference-server/src/index.js';
import {
  api,
  connectSocket,
  signToken,
  TEST_JWT_SECRET,
} from '../reference-server/test/support.js';
import type { TestSocket } from '../reference-server/test/support.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, pairs: { type: 'string', default: '50' } },
});
const seconds = Number(values.seconds);
const pairs = Number(values.pairs);

async function run(
  synchronous: 'full' | 'normal',
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const server = await createChatServer({
    port: 0,
    db: join(dir, 'chat.db'),
    synchronous,
    jwtSecret: TEST_JWT_SECRET,
    logLevel: 'silent',
    rateLimits: { messages: 0, requests: 0, handshakes: 0 },
  });
  const senders: Array<{ socket: TestSocket; conversationId: string }> = [];
  for (let i = 0; i < pairs; i++) {
    const token = signToken(`s${i}`);
    const res = await api<{ conversation: { id: string } }>(
      server.url,
      token,
      'POST',
      '/chat/conversations',
      { userId: `r${i}` },
    );
    senders.push({
      socket: await connectSocket(server.url, token),
      conversationId: res.body.conversation.id,
    });
  }
  const latencies: number[] = [];
  let acked = 0;
  let running = true;
  const loops = senders.flatMap(({ socket, conversationId }, i) =>
    Array.from({ length: 4 }, (_, w) => {
      let n = 0;
      return (async () => {
        while (running) {
          const started = performance.now();
          const clientMessageId = `${i}-${w}-${n++}`;
          await new Promise<void>((resolve) =>
            socket.emit(
              'sendMessage',
              { conversationId, content: 'benchmark message', clientMessageId },
              () => resolve(),
            ),
          );
          latencies.push(performance.now() - started);
          acked++;
        }
      })();
    }),
  );
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const total = acked;
  await Promise.all(loops);
  for (const s of senders) s.socket.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: total / seconds, p50: at(0.5), p99: at(0.99) };
}

const full = await run('full');
const normal = await run('normal');
const row = (name: string, r: typeof full): string =>
  `| ${name} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`;
console.log(`${pairs} senders x 4 in flight, ${seconds} s each, file database in ${tmpdir()}\n`);
console.log('| synchronous | acked sends/s | ack p50 ms | ack p99 ms |\n| --- | --- | --- | --- |');
console.log(row('FULL', full));
console.log(row('NORMAL', normal));
console.log(`\nFULL / NORMAL = ${(full.perSecond / normal.perSecond).toFixed(2)}`);
