/**
 * One server under test in its own process, driven by the orchestrator over IPC:
 * `--kind parley` (the reference server via createChatServer, every rate limit off),
 * `--kind relay` (the bare Socket.IO baseline) or `--kind static` (bare node:http answering
 * registered bodies: the HTTP baseline). Reports its CPU time and its memory after a full GC.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance as nodePerformance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createChatServer } from '../reference-server/src/index.js';
import { attachRelay } from './relay.js';
import { cpuMs, serve } from './lib/rpc.js';
import type { ThreadReading } from './lib/rpc.js';
import { BENCH_JWT_SECRET } from './lib/tokens.js';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'parley' },
    db: { type: 'string', default: ':memory:' },
    sync: { type: 'string', default: 'full' },
    origins: { type: 'string', default: '' },
    widget: { type: 'string' },
  },
});

let url: string;
let close: () => Promise<void>;
const bodies = new Map<string, string>();

if (values.kind === 'parley') {
  const server = await createChatServer({
    port: 0,
    host: '127.0.0.1',
    db: values.db,
    synchronous: values.sync === 'normal' ? 'normal' : 'full',
    jwtSecret: BENCH_JWT_SECRET,
    logLevel: 'silent',
    origins: values.origins ? values.origins.split(',') : [],
    rateLimits: { messages: 0, requests: 0, handshakes: 0, typing: 0 },
    // Runs follow each other: presence of the last run's users should settle at once.
    offlineGraceMs: 100,
    ...(values.widget ? { widgetBundlePath: values.widget } : {}),
  });
  url = server.url;
  close = () => server.close();
} else {
  const http = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  const io = values.kind === 'relay' ? attachRelay(http) : undefined;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((resolve) => {
      if (io) io.close(() => resolve());
      else http.close(() => resolve());
      http.closeAllConnections();
    });
}

/**
 * Time on a core and time waiting for one, in ms, of the main thread (whose id is the process's)
 * and time on a core of each other thread (a writer thread, V8's helpers, libuv's pool), from
 * Linux's per-thread scheduler counters. Null where they cannot be read (another OS, a kernel
 * without schedstats).
 */
function threadTimes(): ThreadReading | null {
  const times: ThreadReading = { mainRunMs: 0, mainWaitMs: 0, otherRunMs: {} };
  let mainRead = false;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8');
      } catch {
        continue; // The thread ended while we listed them.
      }
      const [runNs = 0, waitNs = 0] = stat.split(' ').map(Number);
      if (Number(tid) === process.pid) {
        times.mainRunMs = runNs / 1e6;
        times.mainWaitMs = waitNs / 1e6;
        mainRead = true;
      } else {
        times.otherRunMs[tid] = runNs / 1e6;
      }
    }
  } catch {
    return null;
  }
  // No schedstat files (a kernel without them): no reading, rather than zeros that look like one.
  return mainRead ? times : null;
}

const gc = (globalThis as { gc?: () => void }).gc;
// How late the main thread's event loop runs a 1 ms timer: a long task (a batch of acks, a
// scavenge) holds up every socket behind it. The histogram holds the intervals between the
// timer's runs (1 ms and up), in nanoseconds.
const LOOP_RESOLUTION_MS = 1;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();

serve(
  {
    cpu: () => cpuMs(),
    threads: () => threadTimes(),
    // Milliseconds the main thread's event loop has been busy (not waiting for I/O) so far: CPU
    // above counts every thread, this only the one that serves the sockets.
    busy: () => nodePerformance.eventLoopUtilization().active,
    // The event loop's delay since the last call: how much later than 1 ms the timer ran, in ms.
    loopDelay: () => {
      const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
      const delay = { p99: late(loopDelay.percentile(99)), max: late(loopDelay.max) };
      loopDelay.reset();
      return delay;
    },
    memory: () => {
      for (let i = 0; i < 3; i++) gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      return { heapUsed, rss, gc: gc !== undefined };
    },
    setBody: ({ path, body }: { path: string; body: string }) => void bodies.set(path, body),
    exit: async () => {
      await close();
      setImmediate(() => process.exit(0));
    },
  },
  { url, pid: process.pid },
);
