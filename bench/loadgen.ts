/**
 * A load generator process: real socket.io-client connections, driven over IPC by the
 * orchestrator. Senders and recipients of a pair live in the same process, so that send and
 * receipt are timed on one clock. Modes: `throughput` (closed loop, a window of sends in flight
 * per sender), `openloop` (sends on a fixed schedule; latency runs from the scheduled time, so a
 * stall of the server or of this process shows up instead of being absorbed), `idle` (many
 * connected sockets, over several 127.0.0.x source addresses).
 */
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { relayConversationId } from './relay.js';
import { encode, newHistogram, recordMs } from './lib/histogram.js';
import { cpuMs, serve } from './lib/rpc.js';
import { benchToken } from './lib/tokens.js';

type Kind = 'parley' | 'relay';

interface WireMessage {
  senderId: string;
  clientMessageId: string;
}
interface Pair {
  sender: Socket;
  recipient: Socket;
  senderId: string;
  recipientId: string;
  conversationId: string;
}

let pairs: Pair[] = [];
/**
 * Numbers every run of this process: client message ids must never repeat across runs, or the
 * reference server would (rightly) answer them as retries, without storing or delivering them.
 */
let runNo = 0;
let idle: Socket[] = [];
/** Called for every `message` a recipient receives (not the sender's own echo). */
let onDelivered: (message: WireMessage) => void = () => undefined;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function connect(
  url: string,
  kind: Kind,
  userId: string,
  localAddress?: string,
  token?: string,
): Promise<Socket> {
  const socket = io(url, {
    auth: kind === 'parley' ? { token: token ?? benchToken(userId) } : { userId },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
    ...(localAddress ? { localAddress } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(new Error(`${userId}: ${error.message} ${JSON.stringify(error.data ?? '')}`));
    });
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

async function createConversation(url: string, from: string, to: string): Promise<string> {
  const res = await fetch(`${url}/chat/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${benchToken(from)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: to }),
  });
  if (!res.ok) throw new Error(`POST /chat/conversations: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { conversation: { id: string } }).conversation.id;
}

async function setup(args: { url: string; kind: Kind; pairs: Array<[string, string]> }) {
  pairs = await pool(args.pairs, 16, async ([senderId, recipientId]) => {
    const conversationId =
      args.kind === 'parley'
        ? await createConversation(args.url, senderId, recipientId)
        : relayConversationId(senderId, recipientId);
    const [sender, recipient] = await Promise.all([
      connect(args.url, args.kind, senderId),
      connect(args.url, args.kind, recipientId),
    ]);
    recipient.on('message', (message: WireMessage) => {
      if (message.senderId !== recipientId) onDelivered(message);
    });
    return { sender, recipient, senderId, recipientId, conversationId };
  });
  return { pairs: pairs.length };
}

const CONTENT = 'benchmark message: a typical short chat line of about sixty chars';

async function throughput(args: { seconds: number; window: number; warmupMs: number }) {
  const acks = newHistogram();
  let measuring = false;
  let running = true;
  let acked = 0;
  let delivered = 0;
  let errors = 0;
  let duplicates = 0;
  onDelivered = () => {
    if (measuring) delivered++;
  };
  let n = 0;
  const run = `${process.pid}.${++runNo}`;
  const loops: Array<Promise<void>> = [];
  for (const pair of pairs) {
    for (let w = 0; w < args.window; w++) {
      loops.push(
        new Promise<void>((done) => {
          const send = (): void => {
            if (!running) return done();
            const started = performance.now();
            pair.sender.emit(
              'sendMessage',
              {
                conversationId: pair.conversationId,
                content: CONTENT,
                clientMessageId: `t${run}-${n++}`,
              },
              (ack: { ok: boolean; duplicate?: boolean }) => {
                if (ack.duplicate) duplicates++;
                if (measuring) {
                  if (ack.ok) {
                    acked++;
                    recordMs(acks, performance.now() - started);
                  } else errors++;
                }
                send();
              },
            );
          };
          send();
        }),
      );
    }
  }
  await sleep(args.warmupMs);
  measuring = true;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await sleep(args.seconds * 1000);
  measuring = false;
  const wallMs = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  running = false;
  await Promise.race([Promise.all(loops), sleep(10_000)]);
  onDelivered = () => undefined;
  return { acked, delivered, errors, duplicates, acks: encode(acks), cpuMs: cpu, wallMs };
}

async function openloop(args: { seconds: number; rate: number; warmupMs: number }) {
  const receipt = newHistogram();
  const lag = newHistogram();
  const total = Math.round(((args.seconds * 1000 + args.warmupMs) * args.rate) / 1000);
  const warmup = Math.round((args.warmupMs * args.rate) / 1000);
  const scheduled = new Float64Array(total);
  const interval = 1000 / args.rate;
  let received = 0;
  let errors = 0;
  const run = `o${process.pid}.${++runNo}-`;
  onDelivered = (message) => {
    if (!message.clientMessageId.startsWith(run)) return;
    const i = Number(message.clientMessageId.slice(run.length));
    received++;
    if (i >= warmup) recordMs(receipt, performance.now() - scheduled[i]!);
  };
  const t0 = performance.now() + 50;
  for (let i = 0; i < total; i++) scheduled[i] = t0 + i * interval;
  let next = 0;
  let cpu0 = 0;
  let tMeasure = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && scheduled[next]! <= now) {
        const i = next++;
        if (i === warmup) {
          cpu0 = cpuMs();
          tMeasure = now;
        }
        if (i >= warmup) recordMs(lag, now - scheduled[i]!);
        const pair = pairs[i % pairs.length]!;
        pair.sender.emit(
          'sendMessage',
          { conversationId: pair.conversationId, content: CONTENT, clientMessageId: `${run}${i}` },
          (ack: { ok: boolean }) => {
            if (!ack.ok) errors++;
          },
        );
      }
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const cpu = cpuMs() - cpu0;
  const wallMs = performance.now() - tMeasure;
  // Bounded drain: whatever has not arrived 5 s after the last send counts as lost.
  for (let waited = 0; received < total && waited < 5000; waited += 20) await sleep(20);
  onDelivered = () => undefined;
  return {
    sent: total,
    received,
    lost: total - received,
    errors,
    receipt: encode(receipt),
    lag: encode(lag),
    cpuMs: cpu,
    wallMs,
  };
}

async function connectIdle(args: {
  url: string;
  kind: Kind;
  count: number;
  prefix: string;
  localAddresses: string[];
  concurrency: number;
}) {
  const users = Array.from({ length: args.count }, (_, i) => `${args.prefix}${i}`);
  const tokens = args.kind === 'parley' ? users.map((u) => benchToken(u)) : [];
  let failed = 0;
  let firstError = '';
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const sockets = await pool(users, args.concurrency, async (userId) => {
    const i = Number(userId.slice(args.prefix.length));
    try {
      return await connect(
        args.url,
        args.kind,
        userId,
        args.localAddresses[i % args.localAddresses.length],
        tokens[i],
      );
    } catch (error) {
      failed++;
      firstError ||= String((error as Error).message);
      return null;
    }
  });
  const ms = performance.now() - t0;
  idle.push(...sockets.filter((s): s is Socket => s !== null));
  return { connected: idle.length, failed, firstError, ms, cpuMs: cpuMs() - cpu0 };
}

function closeAll(): void {
  for (const p of pairs) {
    p.sender.close();
    p.recipient.close();
  }
  for (const s of idle) s.close();
  pairs = [];
  idle = [];
}

serve({
  setup,
  throughput,
  openloop,
  connectIdle,
  stillConnected: () => idle.filter((s) => s.connected).length,
  closeAll,
  exit: () => {
    closeAll();
    setTimeout(() => process.exit(0), 100);
  },
});
