/**
 * Scenario 4: reads over a large history. A million messages in 10,000 conversations (the
 * reader takes part in 200 of them, one of which holds 100,000 messages), read over HTTP with
 * autocannon: one connection for latency, ten for throughput. The baseline is bare node:http
 * answering the very same bytes from memory: what the HTTP stack costs without Parley.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { newHistogram, percentiles, recordMs } from '../lib/histogram.js';
import type { Percentiles } from '../lib/histogram.js';
import { startServer, stopAll } from '../lib/processes.js';
import type { RunOptions } from '../lib/processes.js';
import { compareRow, fmt } from '../lib/report.js';
import type { Row, ScenarioResult } from '../lib/report.js';
import { cpuMs } from '../lib/rpc.js';
import type { Worker } from '../lib/rpc.js';
import { conversationIdOf, seedCached } from '../lib/seed.js';
import type { ConversationSpec, SeedSpec } from '../lib/seed.js';
import { benchToken } from '../lib/tokens.js';

const ME = 'h-me';

function historySpec(quick: boolean): { spec: SeedSpec; deep: number; total: number } {
  const total = quick ? 20_000 : 1_000_000;
  const count = quick ? 200 : 10_000;
  const mine = quick ? 20 : 200;
  const deep = quick ? 5_000 : 100_000;
  const each = Math.floor((total - deep) / (count - 1));
  let extra = total - deep - each * (count - 1);
  const conversations: ConversationSpec[] = [];
  const users = new Map<string, string>([[ME, 'Reader']]);
  for (let i = 0; i < count; i++) {
    const messages = i === 0 ? deep : each + (extra-- > 0 ? 1 : 0);
    const [a, b] = i < mine ? [ME, `h-u${i}`] : [`h-v${i}`, `h-w${i}`];
    users.set(a, `User ${a}`);
    users.set(b, `User ${b}`);
    conversations.push({ a, b, messages, unreadForA: i < mine ? 20 : 0 });
  }
  return {
    spec: { users: [...users].map(([id, name]) => ({ id, name })), conversations },
    deep,
    total,
  };
}

/** Seconds of the same requests before each measured run, on both servers. */
const WARMUP_S = 2;

interface Load {
  requests: number;
  non2xx: number;
  perSecond: number;
  latency: Percentiles;
  cpuMs: number;
  wallMs: number;
}

async function load(
  url: string,
  path: string,
  token: string,
  connections: number,
  quick: boolean,
  seconds = 5,
): Promise<Load> {
  const histogram = newHistogram();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const instance = autocannon({
    url: `${url}${path}`,
    connections,
    headers: { authorization: `Bearer ${token}` },
    ...(quick ? { amount: 40 } : { duration: seconds }),
  });
  // autocannon's own histogram has 1 ms resolution: record the exact times into ours.
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 300) recordMs(histogram, ms);
  });
  const result = await instance;
  const wallMs = performance.now() - t0;
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    perSecond: (result.requests.total * 1000) / wallMs,
    latency: percentiles(histogram),
    cpuMs: cpuMs() - cpu0,
    wallMs,
  };
}

export async function historyScenario(options: RunOptions): Promise<ScenarioResult> {
  const { spec, deep, total } = historySpec(options.quick);
  const path = join(
    tmpdir(),
    'parley-bench-cache',
    `history-${options.quick ? 'quick' : 'full'}-v3.db`,
  );
  const t0 = performance.now();
  const seeded = await seedCached(path, spec);
  const seedNote = seeded
    ? `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`
    : 'reused from an earlier run';
  const token = benchToken(ME);
  const deepId = conversationIdOf(0);
  const endpoints: Array<[string, string]> = [
    ['latest page of 50', `/chat/conversations/${deepId}?limit=50`],
    [
      'page of 50 by beforeSeq (deep)',
      `/chat/conversations/${deepId}?limit=50&beforeSeq=${deep / 2}`,
    ],
    ['unread count', '/chat/unread-count'],
    ['conversation list (20)', '/chat/conversations?limit=20'],
  ];
  let parley: (Worker & { url: string }) | undefined;
  let bare: (Worker & { url: string }) | undefined;
  const rows: Row[] = [];
  const notes: string[] = [];
  const coldNotes: string[] = [];
  try {
    [parley, bare] = await Promise.all([
      startServer('parley', ['--db', path, '--sync', 'full'], options, 'history'),
      startServer('static', [], options),
    ]);
    const bodies = new Map<string, string>();
    for (const [, endpoint] of endpoints) {
      const res = await fetch(`${parley.url}${endpoint}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${body}`);
      await bare.call('setBody', { path: endpoint, body });
      bodies.set(endpoint, body);
    }
    // Unmeasured: V8 compiles the request path and SQLite's pages come into the cache first. Every
    // route is warmed before any is measured: V8's background compilation goes on for seconds
    // after a start, and on two cores it takes CPU from the first route measured.
    if (!options.quick) {
      for (const [label, endpoint] of endpoints) {
        const cold = await load(parley.url, endpoint, token, 1, options.quick, WARMUP_S);
        await load(bare.url, endpoint, token, 1, options.quick, WARMUP_S);
        coldNotes.push(`${label} ${fmt.ms(cold.latency.p50)} / ${fmt.ms(cold.latency.p99)}`);
      }
    }
    for (const [label, endpoint] of endpoints) {
      const body = bodies.get(endpoint)!;
      const s = `4. history (${fmt.int(total)} messages): ${label}`;
      const one = {
        ours: await load(parley.url, endpoint, token, 1, options.quick),
        base: await load(bare.url, endpoint, token, 1, options.quick),
      };
      rows.push(
        compareRow(s, 'p50 ms (1 connection)', one.ours.latency.p50, one.base.latency.p50),
        compareRow(s, 'p99 ms (1 connection)', one.ours.latency.p99, one.base.latency.p99, {
          goal: '≤ 2 ms',
          met: one.ours.latency.p99 <= 2,
          baselineMet: one.base.latency.p99 <= 2,
        }),
      );
      // autocannon runs last at least a second each: --quick keeps to one connection.
      if (options.quick) continue;
      const sc0 = await parley.call<number>('cpu');
      const w0 = performance.now();
      const ten = await load(parley.url, endpoint, token, 10, options.quick);
      const serverCpu = fmt.pct((await parley.call<number>('cpu')) - sc0, performance.now() - w0);
      const tenBase = await load(bare.url, endpoint, token, 10, options.quick);
      rows.push(
        compareRow(s, 'requests/s (10 connections)', ten.perSecond, tenBase.perSecond, {
          format: fmt.int,
        }),
        compareRow(s, 'p99 ms (10 connections)', ten.latency.p99, tenBase.latency.p99),
      );
      const errors = one.ours.non2xx + ten.non2xx;
      notes.push(
        `History, ${label}: ${fmt.int(Buffer.byteLength(body))}-byte answer; server CPU ${serverCpu} and autocannon CPU ${fmt.pct(ten.cpuMs, ten.wallMs)} at 10 connections` +
          (errors ? `; ${errors} non-2xx answers` : ''),
      );
    }
  } finally {
    await stopAll([parley, bare]);
  }
  notes.unshift(
    `History database: ${fmt.int(total)} messages in ${fmt.int(spec.conversations.length)} conversations, ${seedNote} (${path}).` +
      (options.quick
        ? ''
        : ` Before the measured runs, ${WARMUP_S} s of each route in turn at one connection, on both servers, not measured (JIT and page cache); ` +
          `Parley's p50 / p99 in those warm-ups, the first on a fresh server, ms: ${coldNotes.join(', ')}.`),
  );
  return { rows, notes };
}
