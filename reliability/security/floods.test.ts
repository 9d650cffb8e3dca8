/**
 * Floods: one client sending 1,000 events a second is rate-limited while the other users' p99
 * stays within 2x of normal; unauthenticated handshakes from another address (5,000 in CI, 10,000
 * with CHAOS_SOAK=1) do not starve real users; oversize frames close only the offender's socket,
 * without memory growth.
 *
 * The server runs in its own process, the attacker in another, and this process measures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, request, signToken } from '../../reference-server/test/support.js';
import type { TestSocket } from '../../reference-server/test/support.js';
import { report } from '../support/report.js';
import { percentile, scaled, sleep } from '../support/scale.js';
import { ServerUnderTest } from '../support/server-under-test.js';

const FLOODER = fileURLToPath(new URL('../support/flooder.ts', import.meta.url));
const HANDSHAKES = scaled(5_000, 10_000);
const OVERSIZE = scaled(200, 2000);
/** Latencies below this are noise on a shared 2-core machine: the 2x ratio applies above it. */
const FLOOR_MS = 20;
const PAIRS = 16;
/**
 * How long the normal and the attacked latencies are each measured. A stall of the shared machine
 * delays the one send in flight of every pair at once: 16 samples, which in 4 s (~1,200 samples)
 * were above 1% and set the p99 by themselves (seen once in CI: 157 ms against a p50 of 2.3 ms).
 * In 8 s (~2,400 samples) one stall is under 1%; a flood that really slows everyone is not.
 */
const MEASURE_MS = 8000;
/** The flood outlasts the measurement: it starts 500 ms before and ends 500 ms after. */
const FLOOD_MS = MEASURE_MS + 1000;

function attack(mode: string, options: object): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    // At the lowest priority: a real attacker's CPU is not the server's, and on a shared 2-core
    // machine the flooder would otherwise slow the server by competing for the cores.
    const child = spawn(
      'nice',
      ['-n', '19', process.execPath, '--import', 'tsx', FLOODER, mode, JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(line) as Record<string, number>);
      else reject(new Error(`flooder exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

interface Pair {
  sender: TestSocket;
  conversationId: string;
}

/** Every pair sends one message every `everyMs` for `ms`; returns the ack latencies. */
async function measure(pairs: Pair[], ms: number, everyMs = 50): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + ms;
  let n = 0;
  await Promise.all(
    pairs.map(async ({ sender, conversationId }) => {
      while (Date.now() < end) {
        const id = `m-${process.hrtime.bigint()}-${n++}`;
        const start = performance.now();
        const ack = await request<{ ok: boolean }>(sender, 'sendMessage', {
          conversationId,
          content: id,
          clientMessageId: id,
        });
        if (ack.ok) latencies.push(performance.now() - start);
        await sleep(everyMs);
      }
    }),
  );
  return latencies;
}

describe('floods', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-floods-'));
  let server: ServerUnderTest;
  const sockets: TestSocket[] = [];
  const pairs: Pair[] = [];
  let baseline: number[] = [];

  beforeAll(async () => {
    server = await ServerUnderTest.start({ db: join(dir, 'chat.db') });
    // 16 pairs at 20 messages a second each (the per-user limit) give ~2,400 samples in 8 s: a
    // p99 then rests on ~24 samples, not on the 3 worst of ~300, so that one stall of the shared
    // machine is not read as the flood's doing (MEASURE_MS).
    for (let i = 0; i < PAIRS; i++) {
      const { body } = await api<{ conversation: { id: string } }>(
        server.url,
        signToken(`s${i}`),
        'POST',
        '/chat/conversations',
        { userId: `r${i}` },
      );
      const sender = await connectSocket(server.url, signToken(`s${i}`));
      sockets.push(sender, await connectSocket(server.url, signToken(`r${i}`)));
      pairs.push({ sender, conversationId: body.conversation.id });
    }
    await measure(pairs, 1000); // warm-up
    baseline = await measure(pairs, MEASURE_MS);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('1,000 sendMessage a second from one user: rate-limited, others within 2x of normal', async () => {
    const { body } = await api<{ conversation: { id: string } }>(
      server.url,
      signToken('mallory'),
      'POST',
      '/chat/conversations',
      { userId: 'r0' },
    );
    const flooding = attack('events', {
      url: server.url,
      token: signToken('mallory'),
      conversationId: body.conversation.id,
      rate: 1000,
      ms: FLOOD_MS,
    });
    await sleep(500);
    const underAttack = await measure(pairs, MEASURE_MS);
    const flood = await flooding;
    const base = percentile(baseline, 99);
    const attacked = percentile(underAttack, 99);
    report('flood-events', {
      baselineP50: percentile(baseline, 50),
      baselineP99: base,
      attackP50: percentile(underAttack, 50),
      attackP99: attacked,
      samples: [baseline.length, underAttack.length],
      flood,
    });
    expect(flood.perSecond).toBeGreaterThanOrEqual(900);
    expect(flood.rate_limited ?? 0).toBeGreaterThan(flood.emitted! * 0.8);
    // 20 a second with bursts of 40: in the flood and the second it waits for answers, at most
    // 40 + 20 a second get through (230 in 9.5 s), and a margin of 50.
    expect(flood.ok ?? 0).toBeLessThanOrEqual(40 + 20 * (FLOOD_MS / 1000 + 0.5) + 50);
    expect(attacked).toBeLessThanOrEqual(2 * Math.max(base, FLOOR_MS));
  });

  it(`${HANDSHAKES} unauthenticated handshakes from another address do not starve real users`, async () => {
    const before = server.rssKb();
    const storm = attack('handshakes', {
      url: server.url,
      count: HANDSHAKES,
      concurrency: 50,
      localAddress: '127.0.0.2',
    });
    let done = false;
    void storm.finally(() => (done = true));
    await sleep(300);
    const connects: number[] = [];
    const failures: string[] = [];
    const latencies: number[] = [];
    while (!done) {
      const start = performance.now();
      await connectSocket(server.url, signToken(`visitor-${connects.length}`)).then(
        (s) => {
          connects.push(performance.now() - start);
          s.close();
        },
        (e: { data?: { code: string } }) => failures.push(e.data?.code ?? 'error'),
      );
      latencies.push(...(await measure(pairs, 300)));
    }
    const result = await storm;
    const base = percentile(baseline, 99);
    report('flood-handshakes', {
      storm: result,
      handshakesPerSecond: Math.round((HANDSHAKES / result.ms!) * 1000),
      realConnects: connects.length,
      realConnectFailures: failures,
      realConnectP99: percentile(connects, 99),
      baselineP99: base,
      stormP99: percentile(latencies, 99),
      rssKb: [before, server.rssKb()],
    });
    expect(failures).toEqual([]);
    expect(connects.length).toBeGreaterThan(0);
    expect(result.accepted ?? 0).toBe(0);
    expect(percentile(connects, 99)).toBeLessThan(2000);
    // Handshakes cost the server real work (TCP, HTTP upgrade, WebSocket): "not starved" is
    // every real connect succeeding, promptly, and messages within 4x of normal.
    expect(percentile(latencies, 99)).toBeLessThanOrEqual(4 * Math.max(base, FLOOR_MS));
  });

  it(`${OVERSIZE} oversize frames close only the offenders' sockets, without memory growth`, async () => {
    const victim = await connectSocket(server.url, signToken('s0'));
    sockets.push(victim);
    const before = server.rssKb();
    let closed = 0;
    for (let i = 0; i < OVERSIZE; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          // Each batch from its own loopback address, so that the handshake limit (per IP) is not
          // what closes them.
          const offender = await connectSocket(server.url, signToken('s0'), {
            localAddress: `127.0.1.${1 + ((i / 20) % 250)}`,
          });
          const gone = new Promise<void>((resolve) => offender.once('disconnect', () => resolve()));
          // No ack: the server closes the socket before it could answer.
          (offender.emit as (event: string, payload: unknown) => void)('sendMessage', {
            conversationId: pairs[0]!.conversationId,
            content: 'x'.repeat(100_000),
            clientMessageId: `big-${i}`,
          });
          await Promise.race([gone, sleep(5000)]);
          if (!offender.connected) closed++;
          offender.close();
        }),
      );
    }
    await sleep(1000);
    const after = server.rssKb();
    // The same user's other sockets, and everyone else, carry on.
    const ack = await request<{ ok: boolean }>(victim, 'sendMessage', {
      conversationId: pairs[0]!.conversationId,
      content: 'still here',
      clientMessageId: 'still-here',
    });
    report('oversize-frames', {
      frames: OVERSIZE,
      closed,
      rssKb: [before, after],
      growthKb: after - before,
    });
    expect(closed).toBe(OVERSIZE);
    expect(ack.ok).toBe(true);
    expect(victim.connected).toBe(true);
    expect(after - before).toBeLessThan(64 * 1024);
  });
});
