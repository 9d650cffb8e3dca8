/**
 * Scenarios 1 and 2: send throughput with a window of acks in flight, and send→receive latency
 * under an open-loop offered rate. Each runs against Parley (synchronous=FULL, file database)
 * and against the bare relay, with the same generator.
 */
import { merge, percentiles } from '../lib/histogram.js';
import { sleep, startTargets, stopAll } from '../lib/processes.js';
import type { RunOptions, Targets } from '../lib/processes.js';
import { fmt } from '../lib/report.js';
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
  wallMs: number;
}

async function measure<T>(
  kind: 'parley' | 'relay' | 'normal',
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
    const t0 = performance.now();
    await sleep(args.seconds * 1000);
    const cpu1 = await server.call<number>('cpu');
    const wallMs = performance.now() - t0;
    return { results: await running, serverCpuMs: cpu1 - cpu0, wallMs };
  } finally {
    await Promise.all(gens.map((g) => g.call('closeAll')));
    // The next run must not share the CPU with this server's shutdown.
    await server.stop();
  }
}

/**
 * Runs Parley then the relay (then Parley with synchronous=NORMAL when asked), each with its own
 * server process and the same generators.
 */
async function both<R>(
  name: string,
  options: RunOptions,
  run: (kind: 'parley' | 'relay' | 'normal', targets: Targets) => Promise<R>,
  withNormal = false,
): Promise<[R, R, R | undefined]> {
  const targets = await startTargets(name, options, 1, withNormal);
  try {
    const ours = await run('parley', targets);
    const base = await run('relay', targets);
    const normal = withNormal ? await run('normal', targets) : undefined;
    return [ours, base, normal];
  } finally {
    await stopAll([...targets.gens, targets.parley, targets.relay]);
  }
}

interface ThroughputResult {
  acked: number;
  delivered: number;
  errors: number;
  acks: string;
  cpuMs: number;
  wallMs: number;
}

export async function throughputScenario(options: RunOptions): Promise<ScenarioResult> {
  const pairCount = options.quick ? 10 : 100;
  const args = {
    seconds: options.quick ? 0.5 : 10,
    window: 4,
    warmupMs: options.quick ? 200 : 2000,
  };
  const pairs = makePairs(pairCount, 'tp');
  const run = async (kind: 'parley' | 'relay' | 'normal', targets: Targets) => {
    const m = await measure<ThroughputResult>(kind, targets, pairs, 'throughput', args);
    const wall = m.results[0]!.wallMs;
    const delivered = m.results.reduce((s, r) => s + r.delivered, 0);
    const errors = m.results.reduce((s, r) => s + r.errors, 0);
    return {
      perSecond: (delivered * 1000) / wall,
      errors,
      acks: percentiles(merge(m.results.map((r) => r.acks))),
      serverCpu: fmt.pct(m.serverCpuMs, m.wallMs),
      genCpu: m.results.map((r) => fmt.pct(r.cpuMs, r.wallMs)).join(' + '),
    };
  };
  const [ours, base, normal] = await both('throughput', options, run, true);
  const s = `1. throughput (${pairCount} pairs, window 4, ${args.seconds} s)`;
  const ratio = ours.perSecond / base.perSecond;
  return {
    rows: [
      {
        scenario: s,
        metric: 'delivered messages/s',
        ours: fmt.int(ours.perSecond),
        baseline: fmt.int(base.perSecond),
        ratio: fmt.ratio(ours.perSecond, base.perSecond),
        goal: '≥ 0.9x relay',
        met: ratio >= 0.9 ? 'yes' : 'no',
      },
      {
        scenario: s,
        metric: 'delivered messages/s with synchronous=NORMAL (no fsync per commit)',
        ours: fmt.int(normal!.perSecond),
        baseline: fmt.int(base.perSecond),
        ratio: fmt.ratio(normal!.perSecond, base.perSecond),
        goal: '',
        met: '—',
      },
      ackRow(s, 'ack p50 ms', ours.acks.p50, base.acks.p50),
      ackRow(s, 'ack p99 ms', ours.acks.p99, base.acks.p99),
    ],
    notes: [
      `Throughput: server CPU ${ours.serverCpu} of one core for Parley (FULL), ${base.serverCpu} for the relay, ${normal!.serverCpu} for Parley (NORMAL); ` +
        `generator CPU ${ours.genCpu} (Parley run), ${base.genCpu} (relay run), ${normal!.genCpu} (NORMAL run). ` +
        `Refused sends: ${ours.errors} (Parley), ${base.errors} (relay).`,
    ],
  };
}

function ackRow(scenario: string, metric: string, ours: number, base: number) {
  return {
    scenario,
    metric,
    ours: fmt.ms(ours),
    baseline: fmt.ms(base),
    ratio: fmt.ratio(ours, base),
    goal: '',
    met: '—',
  };
}

interface OpenLoopResult {
  offered: number;
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
  const rate = options.quick ? 500 : 5000;
  const args = { seconds: options.quick ? 0.5 : 10, rate, warmupMs: options.quick ? 200 : 2000 };
  const pairs = makePairs(users / 2, 'lt');
  const run = async (kind: 'parley' | 'relay' | 'normal', targets: Targets) => {
    const m = await measure<OpenLoopResult>(kind, targets, pairs, 'openloop', args);
    const r = m.results;
    return {
      receipt: percentiles(merge(r.map((x) => x.receipt))),
      lag: percentiles(merge(r.map((x) => x.lag))),
      lost: r.reduce((s, x) => s + x.lost, 0),
      errors: r.reduce((s, x) => s + x.errors, 0),
      offered: r.reduce((s, x) => s + x.offered, 0),
      serverCpu: fmt.pct(m.serverCpuMs, m.wallMs),
      genCpu: r.map((x) => fmt.pct(x.cpuMs, x.wallMs)).join(' + '),
    };
  };
  const [ours, base] = await both('latency', options, run);
  const s = `2. latency (${users.toLocaleString('en-US')} users, ${rate.toLocaleString('en-US')} msg/s open loop, ${args.seconds} s)`;
  const row = (metric: string, a: number, b: number, goal = '', met = '—') => ({
    scenario: s,
    metric,
    ours: fmt.ms(a),
    baseline: fmt.ms(b),
    ratio: fmt.ratio(a, b),
    goal,
    met,
  });
  return {
    rows: [
      row('send→receive p50 ms', ours.receipt.p50, base.receipt.p50),
      row(
        'send→receive p99 ms',
        ours.receipt.p99,
        base.receipt.p99,
        '≤ 5 ms',
        ours.receipt.p99 <= 5 ? 'yes' : 'no',
      ),
      row('send→receive p99.9 ms', ours.receipt.p999, base.receipt.p999),
      row('send→receive max ms', ours.receipt.max, base.receipt.max),
    ],
    notes: [
      `Latency: ${ours.offered.toLocaleString('en-US')} messages offered per run; not received within 5 s: ` +
        `${ours.lost} (Parley), ${base.lost} (relay); refused: ${ours.errors} / ${base.errors}. ` +
        `Server CPU ${ours.serverCpu} (Parley), ${base.serverCpu} (relay); generator CPU ${ours.genCpu} / ${base.genCpu}; ` +
        `generator send lag (actual − scheduled send time) p99 ${fmt.ms(ours.lag.p99)} ms / ${fmt.ms(base.lag.p99)} ms, ` +
        `which is inside the latencies above.`,
    ],
  };
}
