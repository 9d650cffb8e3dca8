/**
 * Scenario 3: many idle authenticated sockets. Server heap and RSS per connection (after a full
 * GC, before and after), and the time to connect them all, over several 127.0.0.x source
 * addresses so that no single address runs out of ephemeral ports.
 */
import { execFileSync } from 'node:child_process';
import { sleep, startTargets, stopAll } from '../lib/processes.js';
import type { RunOptions, Targets } from '../lib/processes.js';
import { compareRow, fmt } from '../lib/report.js';
import type { ScenarioResult } from '../lib/report.js';

interface Memory {
  heapUsed: number;
  rss: number;
}
interface IdleResult {
  connected: number;
  failed: number;
  firstError: string;
  ms: number;
  cpuMs: number;
}

/** The per-process open-file limit: every socket is a descriptor on both sides. */
function fileLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

const ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

export async function connectionsScenario(options: RunOptions): Promise<ScenarioResult> {
  const wanted = options.quick ? 100 : 20_000;
  const limit = fileLimit();
  // The server holds one descriptor per socket plus its own (database, listener, pipes).
  const count = Math.min(wanted, limit - 150);
  const generators = Math.max(1, Math.ceil(count / (limit - 150)), options.quick ? 1 : 2);
  const run = async (kind: 'parley' | 'relay', targets: Targets) => {
    const server = targets[kind];
    const gens = targets.gens;
    try {
      const before = await server.call<Memory>('memory');
      const cpu0 = await server.call<number>('cpu');
      const t0 = performance.now();
      const per = Math.ceil(count / generators);
      const results = await Promise.all(
        gens.map((g, k) =>
          g.call<IdleResult>(
            'connectIdle',
            {
              url: server.url,
              kind,
              count: Math.min(per, count - k * per),
              prefix: `idle${k}-`,
              localAddresses: ADDRESSES,
              concurrency: 64,
            },
            300_000,
          ),
        ),
      );
      const ms = performance.now() - t0;
      const cpu = (await server.call<number>('cpu')) - cpu0;
      await sleep(options.quick ? 200 : 2000); // let presence and handshake garbage settle
      const after = await server.call<Memory>('memory');
      const connected = results.reduce((s, r) => s + r.connected, 0);
      const still = (await Promise.all(gens.map((g) => g.call<number>('stillConnected')))).reduce(
        (s, n) => s + n,
        0,
      );
      return {
        connected,
        still,
        failed: results.reduce((s, r) => s + r.failed, 0),
        firstError: results.map((r) => r.firstError).find(Boolean) ?? '',
        ms,
        heapPer: (after.heapUsed - before.heapUsed) / Math.max(1, connected),
        rssPer: (after.rss - before.rss) / Math.max(1, connected),
        serverCpu: fmt.pct(cpu, ms),
        genCpu: results.map((r) => fmt.pct(r.cpuMs, r.ms)).join(' + '),
      };
    } finally {
      await Promise.all(gens.map((g) => g.call('closeAll')));
      await server.stop();
    }
  };
  const targets = await startTargets('connections', options, generators);
  let ours: Awaited<ReturnType<typeof run>>;
  let base: typeof ours;
  try {
    ours = await run('parley', targets);
    base = await run('relay', targets);
  } finally {
    await stopAll([...targets.gens, targets.parley, targets.relay]);
  }
  const s = `3. connections (${count.toLocaleString('en-US')} idle sockets)`;
  const notes = [
    `Connections: ${ours.connected} connected (${ours.still} still connected at the end, ${ours.failed} failed) for Parley, ` +
      `${base.connected} (${base.still}, ${base.failed}) for the relay, from ${ADDRESSES.join(', ')} through ${generators} generator process(es), 64 handshakes in flight each. ` +
      `Server CPU while connecting ${ours.serverCpu} (Parley), ${base.serverCpu} (relay); generator CPU ${ours.genCpu} / ${base.genCpu}. ` +
      `Heap per connection in bytes: ${Math.round(ours.heapPer)} (Parley), ${Math.round(base.heapPer)} (relay).`,
  ];
  if (count < wanted) {
    notes.push(
      `Only ${count.toLocaleString('en-US')} of ${wanted.toLocaleString('en-US')} sockets: this machine's open-file limit is ${limit} per process and cannot be raised here; per-connection figures do not depend on the count.`,
    );
  }
  if (ours.firstError || base.firstError) {
    notes.push(`First connect error: ${ours.firstError || base.firstError}`);
  }
  return {
    rows: [
      compareRow(s, 'server heap per connection', ours.heapPer, base.heapPer, {
        format: fmt.kb,
        goal: '≤ 8 KB',
        met: ours.heapPer <= 8 * 1024,
        baselineMet: base.heapPer <= 8 * 1024,
      }),
      compareRow(s, 'server RSS per connection', ours.rssPer, base.rssPer, { format: fmt.kb }),
      compareRow(s, 'time to connect all, s', ours.ms / 1000, base.ms / 1000, {
        format: (v) => v.toFixed(2),
      }),
    ],
    notes,
  };
}
