/**
 * Scenarios 1 and 2: send throughput with a window of acks in flight, and send→receive latency
 * under an open-loop offered rate. Each runs against Parley (synchronous=FULL, file database)
 * and against the bare relay, with the same generator.
 */
import { merge, percentiles } from '../lib/histogram.js';
import { sleep, startTargets, stopAll } from '../lib/processes.js';
import type { RunOptions, Targets } from '../lib/processes.js';
import type { ThreadReading, ThreadTimes } from '../lib/rpc.js';
import { compareRow, fmt } from '../lib/report.js';
import type { ScenarioResult } from '../lib/report.js';

function makePairs(count: number, prefix: string): Array<[string, string]> {
  return Array.from({ length: count }, (_, i) => [`${prefix}s${i}`, `${prefix}r${i}`]);
}

/** Splits pairs across generator processes, each pair whole in one process. */
function split<T>(items: T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, k) => items.filter((_, i) => i % parts === k));
}

interface Measured<T> {
  results: T[];
  serverCpuMs: number;
  /** Time the server's main thread was busy (event-loop utilization), within wallMs. */
  mainBusyMs: number;
  /** How late the main thread ran a 1 ms timer within wallMs: p99 and max, ms. */
  loopDelay: { p99: number; max: number };
  /** The server's threads within wallMs; null where the OS does not count them. */
  threads: ThreadTimes | null;
  wallMs: number;
}

/**
 * What the threads did between two readings: each other thread by its id, a thread started in
 * between from its start; one that ended in between is left out.
 */
function threadsSince(start: ThreadReading | null, end: ThreadReading | null): ThreadTimes | null {
  if (!start || !end) return null;
  let otherRunMs = 0;
  for (const [tid, runMs] of Object.entries(end.otherRunMs)) {
    otherRunMs += runMs - (start.otherRunMs[tid] ?? 0);
  }
  return {
    mainRunMs: end.mainRunMs - start.mainRunMs,
    mainWaitMs: end.mainWaitMs - start.mainWaitMs,
    otherRunMs,
  };
}

type Kind = 'parley' | 'relay' | 'normal';

async function measure<T>(
  kind: Kind,
  targets: Targets,
  pairs: Array<[string, string]>,
  method: string,
  args: { seconds: number; warmupMs: number } & Record<string, unknown>,
): Promise<Measured<T>> {
  const server = targets[kind]!;
  const gens = targets.gens;
  try {
    const parts = split(pairs, gens.length);
    await Promise.all(
      gens.map((g, k) =>
        g.call('setup', {
          url: server.url,
          kind: kind === 'normal' ? 'parley' : kind,
          pairs: parts[k],
        }),
      ),
    );
    const running = Promise.all(gens.map((g) => g.call<T>(method, args)));
    await sleep(args.warmupMs + 50);
    const cpu0 = await server.call<number>('cpu');
    const busy0 = await server.call<number>('busy');
    const threads0 = await server.call<ThreadReading | null>('threads');
    await server.call('loopDelay');
    const t0 = performance.now();
    await sleep(args.seconds * 1000);
    const cpu1 = await server.call<number>('cpu');
    const busy1 = await server.call<number>('busy');
    const threads1 = await server.call<ThreadReading | null>('threads');
    const loopDelay = await server.call<Measured<T>['loopDelay']>('loopDelay');
    const wallMs = performance.now() - t0;
    return {
      results: await running,
      serverCpuMs: cpu1 - cpu0,
      mainBusyMs: busy1 - busy0,
      loopDelay,
      threads: threadsSince(threads0, threads1),
      wallMs,
    };
  } finally {
    await Promise.all(gens.map((g) => g.call('closeAll')));
    // Let the server settle (presence goes offline after a 100 ms grace) before the next run.
    await sleep(500);
  }
}

/**
 * Runs Parley, the relay (and Parley with synchronous=NORMAL when asked) in turns, `rounds`
 * times, with the same generators: on a shared machine the load drifts, and turns spread the
 * drift over every target alike instead of handing it to whichever ran last.
 */
async function interleaved<T>(
  name: string,
  options: RunOptions,
  kinds: Kind[],
  rounds: number,
  run: (kind: Kind, targets: Targets) => Promise<Measured<T>>,
): Promise<Record<Kind, Measured<T>[]>> {
  const targets = await startTargets(name, options, 1, kinds.includes('normal'));
  const out: Record<Kind, Measured<T>[]> = { parley: [], relay: [], normal: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const kind of kinds) out[kind].push(await run(kind, targets));
    }
    return out;
  } finally {
    await stopAll([...targets.gens, targets.parley, targets.relay, targets.normal]);
  }
}

/**
 * The servers' threads, in the order given, as the messaging notes print them: how long the main
 * thread waited for a core (runnable, not running) and what the other threads ran. Empty where the
 * OS does not count threads.
 */
function threadsNote(...runs: Measured<unknown>[]): string {
  if (!runs.every((m) => m.threads)) return '';
  const each = (pick: (t: ThreadTimes) => number): string =>
    runs.map((m) => fmt.pct(pick(m.threads!), m.wallMs)).join(' / ');
  return (
    `server main thread waiting for a core ${each((t) => t.mainWaitMs)} of the time, ` +
    `other server threads (the writer, the checkpointer, V8's helpers) on a core ${each((t) => t.otherRunMs)}; `
  );
}

/** The servers' event-loop delays, in the order given, as the messaging notes print them. */
function loopDelayNote(...runs: Measured<unknown>[]): string {
  const each = (pick: (d: Measured<unknown>['loopDelay']) => number): string =>
    runs.map((m) => fmt.ms(pick(m.loopDelay))).join(' / ');
  return `server event-loop delay (a 1 ms timer's lateness, worst turn) p99 ${each((d) => d.p99)} ms, max ${each((d) => d.max)} ms; `;
}

/** Sums the rounds of one target: the results of every generator, CPU and wall time. */
function total<T>(runs: Measured<T>[]): Measured<T> {
  return {
    results: runs.flatMap((m) => m.results),
    serverCpuMs: runs.reduce((s, m) => s + m.serverCpuMs, 0),
    mainBusyMs: runs.reduce((s, m) => s + m.mainBusyMs, 0),
    // Percentiles do not add up across turns: the worst turn's.
    loopDelay: {
      p99: Math.max(...runs.map((m) => m.loopDelay.p99)),
      max: Math.max(...runs.map((m) => m.loopDelay.max)),
    },
    // Null as soon as one turn could not read them.
    threads: runs.reduce<ThreadTimes | null>(
      (sum, m) =>
        sum &&
        m.threads && {
          mainRunMs: sum.mainRunMs + m.threads.mainRunMs,
          mainWaitMs: sum.mainWaitMs + m.threads.mainWaitMs,
          otherRunMs: sum.otherRunMs + m.threads.otherRunMs,
        },
      { mainRunMs: 0, mainWaitMs: 0, otherRunMs: 0 },
    ),
    wallMs: runs.reduce((s, m) => s + m.wallMs, 0),
  };
}

interface ThroughputResult {
  acked: number;
  /** Acks that say `duplicate`: must stay 0, or the run measured retries instead of sends. */
  duplicates: number;
  delivered: number;
  errors: number;
  acks: string;
  cpuMs: number;
  wallMs: number;
}

export async function throughputScenario(options: RunOptions): Promise<ScenarioResult> {
  const pairCount = options.quick ? 10 : 100;
  const seconds = options.quick ? 0.5 : 10;
  const rounds = options.quick ? 1 : 3;
  const args = { seconds: seconds / rounds, window: 4, warmupMs: options.quick ? 200 : 1500 };
  const pairs = makePairs(pairCount, 'tp');
  const runs = await interleaved<ThroughputResult>(
    'throughput',
    options,
    ['parley', 'relay', 'normal'],
    rounds,
    (kind, targets) => measure(kind, targets, pairs, 'throughput', args),
  );
  // Delivered messages a second over the generators' own wall time: of a turn, or of all of them.
  const rate = (m: Measured<ThroughputResult>): number =>
    (m.results.reduce((sum, r) => sum + r.delivered, 0) * 1000) /
    m.results.reduce((sum, r) => sum + r.wallMs, 0);
  const summarize = (kind: Kind) => {
    const m = total(runs[kind]);
    const wall = m.results.reduce((s, r) => s + r.wallMs, 0);
    const errors = m.results.reduce((s, r) => s + r.errors, 0);
    const duplicates = m.results.reduce((s, r) => s + r.duplicates, 0);
    if (duplicates > 0) throw new Error(`${kind}: ${duplicates} sends were acked as duplicates`);
    const perSecond = rate(m);
    const genCpuMs = m.results.reduce((s, r) => s + r.cpuMs, 0);
    // Cores busy (CPU time over wall time) over messages a second: µs of CPU per message.
    const perMessageUs = (cpuMs: number): number => (cpuMs / m.wallMs / perSecond) * 1e6;
    const serverUs = perMessageUs(m.serverCpuMs);
    return {
      m,
      perSecond,
      serverUs,
      mainUs: m.threads ? perMessageUs(m.threads.mainRunMs) : undefined,
      machineUs: serverUs + (genCpuMs / wall / perSecond) * 1e6,
      errors,
      acks: percentiles(merge(m.results.map((r) => r.acks))),
      serverCpu: fmt.pct(m.serverCpuMs, m.wallMs),
      mainBusy: fmt.pct(m.mainBusyMs, m.wallMs),
      genCpu: m.results.map((r) => fmt.pct(r.cpuMs, r.wallMs)).join(' + '),
    };
  };
  const ours = summarize('parley');
  const base = summarize('relay');
  const normal = summarize('normal');
  const s = `1. throughput (${pairCount} pairs, window 4, ${seconds} s in ${rounds} turns)`;
  const ratio = ours.perSecond / base.perSecond;
  // Each turn's own rate and ratio (a Parley turn over the relay's turn right after it), so that a
  // reader sees how far the verdict moves within one run on a machine whose speed drifts.
  const byTurn = (kind: Kind): string => runs[kind].map((m) => fmt.int(rate(m))).join(' / ');
  const ratioByTurn = runs.parley
    .map((m, i) => `${(rate(m) / rate(runs.relay[i]!)).toFixed(2)}x`)
    .join(' / ');
  return {
    rows: [
      compareRow(s, 'delivered messages/s', ours.perSecond, base.perSecond, {
        format: fmt.int,
        goal: '≥ 0.9x relay',
        met: ratio >= 0.9,
      }),
      compareRow(
        s,
        'delivered messages/s with synchronous=NORMAL (no fsync per commit)',
        normal.perSecond,
        base.perSecond,
        { format: fmt.int },
      ),
      compareRow(s, 'server CPU per delivered message, µs', ours.serverUs, base.serverUs),
      ...(ours.mainUs !== undefined && base.mainUs !== undefined
        ? [
            compareRow(
              s,
              'server main thread CPU per delivered message, µs',
              ours.mainUs,
              base.mainUs,
            ),
          ]
        : []),
      compareRow(
        s,
        'server + generator CPU per delivered message, µs',
        ours.machineUs,
        base.machineUs,
      ),
      compareRow(s, 'ack p50 ms', ours.acks.p50, base.acks.p50),
      compareRow(s, 'ack p99 ms', ours.acks.p99, base.acks.p99),
    ],
    notes: [
      `Throughput: server CPU ${ours.serverCpu} of one core for Parley (FULL), ${base.serverCpu} for the relay, ${normal.serverCpu} for Parley (NORMAL); ` +
        `server main thread busy ${ours.mainBusy} / ${base.mainBusy} / ${normal.mainBusy} (event-loop utilization); ` +
        loopDelayNote(ours.m, base.m, normal.m) +
        threadsNote(ours.m, base.m, normal.m) +
        `generator CPU ${ours.genCpu} (Parley run), ${base.genCpu} (relay run), ${normal.genCpu} (NORMAL run). ` +
        `Refused sends: ${ours.errors} (Parley), ${base.errors} (relay). ` +
        `Delivered messages/s by turn: Parley ${byTurn('parley')}, relay ${byTurn('relay')}, NORMAL ${byTurn('normal')}; ` +
        `Parley over the relay by turn ${ratioByTurn}. ` +
        'Where the server and the generator keep every core busy (the relay does, on two cores), ' +
        'delivered messages/s can be at most the cores over the server + generator CPU a message ' +
        "takes: the inverse of that row's ratio bounds the throughput ratio on such a machine.",
    ],
  };
}

interface OpenLoopResult {
  sent: number;
  received: number;
  lost: number;
  errors: number;
  receipt: string;
  lag: string;
  cpuMs: number;
  wallMs: number;
}

export async function latencyScenario(options: RunOptions): Promise<ScenarioResult> {
  const users = options.quick ? 100 : 1000;
  // The goal's rate, and a fifth of it: latency below saturation says more than a queue's length.
  const rates = options.quick ? [500] : [5000, 1000];
  const seconds = options.quick ? 0.5 : 10;
  const rounds = options.quick ? 1 : 2;
  const pairs = makePairs(users / 2, 'lt');
  const rows: ScenarioResult['rows'] = [];
  const notes: string[] = [];
  for (const rate of rates) {
    const args = { seconds: seconds / rounds, rate, warmupMs: options.quick ? 200 : 1500 };
    // At the goal's rate, Parley with synchronous=NORMAL too: how much of the tail is the fsync.
    const withNormal = rate >= 5000 && !options.quick;
    const runs = await interleaved<OpenLoopResult>(
      `latency-${rate}`,
      options,
      withNormal ? ['parley', 'relay', 'normal'] : ['parley', 'relay'],
      rounds,
      (kind, targets) => measure(kind, targets, pairs, 'openloop', args),
    );
    const summarize = (kind: Kind) => {
      const m = total(runs[kind]);
      const r = m.results;
      return {
        m,
        receipt: percentiles(merge(r.map((x) => x.receipt))),
        lag: percentiles(merge(r.map((x) => x.lag))),
        lost: r.reduce((s, x) => s + x.lost, 0),
        errors: r.reduce((s, x) => s + x.errors, 0),
        sent: r.reduce((s, x) => s + x.sent, 0),
        serverCpu: fmt.pct(m.serverCpuMs, m.wallMs),
        mainBusy: fmt.pct(m.mainBusyMs, m.wallMs),
        genCpu: fmt.pct(
          r.reduce((s, x) => s + x.cpuMs, 0),
          r.reduce((s, x) => s + x.wallMs, 0),
        ),
      };
    };
    const ours = summarize('parley');
    const base = summarize('relay');
    // Each turn's own p99, so that a reader sees how far one figure moves within the run.
    const byTurn = (kind: Kind): string =>
      runs[kind]
        .map((m) => fmt.ms(percentiles(merge(m.results.map((x) => x.receipt))).p99))
        .join(' / ');
    const s = `2. latency (${fmt.int(users)} users, ${fmt.int(rate)} msg/s open loop, ${seconds} s in ${rounds} turns)`;
    // The goal is absolute, so the relay's own verdict goes beside ours: on a machine where the
    // relay misses it, no server built on this stack would meet it.
    const meets = (run: typeof ours): boolean => run.receipt.p99 <= 5 && run.lost === 0;
    const goal = (run: typeof ours) =>
      rate >= 5000 && !options.quick
        ? { goal: '≤ 5 ms', met: meets(run), baselineMet: meets(base) }
        : {};
    rows.push(
      compareRow(s, 'send→receive p50 ms', ours.receipt.p50, base.receipt.p50),
      compareRow(s, 'send→receive p99 ms', ours.receipt.p99, base.receipt.p99, goal(ours)),
      compareRow(s, 'send→receive p99.9 ms', ours.receipt.p999, base.receipt.p999),
      compareRow(s, 'send→receive max ms', ours.receipt.max, base.receipt.max),
    );
    const normal = withNormal ? summarize('normal') : undefined;
    if (normal) {
      const label = 'with synchronous=NORMAL (no fsync per commit)';
      rows.push(
        compareRow(s, `send→receive p50 ms ${label}`, normal.receipt.p50, base.receipt.p50),
        compareRow(
          s,
          `send→receive p99 ms ${label}`,
          normal.receipt.p99,
          base.receipt.p99,
          goal(normal),
        ),
      );
    }
    notes.push(
      `Latency at ${fmt.int(rate)} msg/s: not received within 5 s of the last send: ${fmt.int(ours.lost)} of ${fmt.int(ours.sent)} (Parley), ` +
        `${fmt.int(base.lost)} of ${fmt.int(base.sent)} (relay); refused: ${ours.errors} / ${base.errors}. ` +
        (normal
          ? `Parley with synchronous=NORMAL: ${fmt.int(normal.lost)} of ${fmt.int(normal.sent)} not received, server CPU ${normal.serverCpu}. `
          : '') +
        `Send→receive p99 by turn, ms: Parley ${byTurn('parley')}, relay ${byTurn('relay')}` +
        (normal ? `, NORMAL ${byTurn('normal')}` : '') +
        '. ' +
        `Server CPU ${ours.serverCpu} (Parley), ${base.serverCpu} (relay); server main thread busy ${ours.mainBusy} / ${base.mainBusy} (event-loop utilization); ` +
        loopDelayNote(ours.m, base.m) +
        threadsNote(ours.m, base.m) +
        `generator CPU ${ours.genCpu} / ${base.genCpu}; ` +
        `generator send lag (actual − scheduled send time) p99 ${fmt.ms(ours.lag.p99)} ms / ${fmt.ms(base.lag.p99)} ms, ` +
        'which is inside the latencies above.',
    );
  }
  return { rows, notes };
}
