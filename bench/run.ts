/**
 * `npm run bench`: measures the reference server and the client bundles, each figure beside a
 * baseline measured in the same run, and writes docs/benchmarks.md.
 *
 *   npm run bench                      all scenarios, full size (about 10 minutes), writes the docs
 *   npm run bench -- --quick           tiny sizes, under a minute: proves the harness works (CI)
 *   npm run bench -- --only history,client
 *   npm run bench -- --profile         servers under --cpu-prof; summaries in .tmp/bench-profiles
 *   npm run bench -- --out FILE        write the Markdown there instead
 *
 * Only loopback addresses are loaded. Every phase is bounded: a watchdog ends the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { profileSummaries } from './lib/profile.js';
import type { RunOptions } from './lib/processes.js';
import { table } from './lib/report.js';
import { prebuildWorkers } from './lib/rpc.js';
import type { Row, ScenarioResult } from './lib/report.js';

const root = fileURLToPath(new URL('../', import.meta.url));
process.chdir(root);

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

// Loaded on demand: playwright, rollup and autocannon take seconds to import on a busy machine.
const scenarios: Record<string, (o: RunOptions) => Promise<ScenarioResult>> = {
  throughput: async (o) => (await import('./scenarios/messaging.js')).throughputScenario(o),
  latency: async (o) => (await import('./scenarios/messaging.js')).latencyScenario(o),
  connections: async (o) => (await import('./scenarios/connections.js')).connectionsScenario(o),
  history: async (o) => (await import('./scenarios/history.js')).historyScenario(o),
  client: async (o) => (await import('./scenarios/client.js')).clientScenario(o),
};
const selected = values.only ? values.only.split(',') : Object.keys(scenarios);
for (const name of selected) {
  if (!scenarios[name]) throw new Error(`--only: no scenario ${name} (${Object.keys(scenarios)})`);
}

const quick = values.quick;
const watchdog = setTimeout(
  () => {
    console.error(`bench: watchdog: over ${quick ? 58 : 40 * 60} s, stopping`);
    process.exit(2);
  },
  quick ? 58_000 : 40 * 60_000,
);
watchdog.unref();

const tmp = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const profileDir = values.profile ? join(root, '.tmp/bench-profiles') : undefined;
if (profileDir) {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
}
const options: RunOptions = { quick, profileDir, tmp };
// Bundled into the repository's .tmp/ so that the bundles resolve node_modules as the sources do.
if (!profileDir)
  await prebuildWorkers(join(root, '.tmp/bench-build'), ['server-runner.ts', 'loadgen.ts']);

const version = (pkg: string): string => {
  try {
    return (
      JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
};
const chromiumVersion = (): string => {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'not found';
  }
};
const sqliteVersion = (): string => {
  const db = new Database(':memory:');
  const v = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  return v;
};
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

const started = new Date();
const loadBefore = load();
const rows: Row[] = [];
const notes: string[] = [];
const failures: string[] = [];
for (const name of selected) {
  const t0 = performance.now();
  console.log(`bench: ${name}…`);
  try {
    const result = await scenarios[name]!(options);
    rows.push(...result.rows);
    notes.push(...result.notes);
    console.log(table(result.rows));
    for (const note of result.notes) console.log(`  ${note}`);
  } catch (error) {
    failures.push(`${name}: ${(error as Error).stack ?? String(error)}`);
    console.error(`bench: ${name} failed:`, error);
  }
  console.log(
    `bench: ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${load()}`,
  );
}
const loadAfter = load();

const command = `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const cpu = cpus();
const markdown = `# Benchmarks

Written by \`${command}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick: tiny sizes, proves the harness only, says nothing about speed)' : ''}.
Each figure stands beside a baseline measured in the same run; compare the ratios, not the
absolute numbers, across machines.

- Baseline for sockets: \`bench/relay.ts\`, a bare Socket.IO relay (no auth, validation or
  storage: receive, emit to the recipient's and the sender's rooms, ack) with the reference
  server's transport settings. Baseline for HTTP: bare \`node:http\` answering the same bytes
  from memory. Baseline for the client: socket.io-client and lit alone, a hand-written page
  doing the same requests with \`innerHTML\`, and for the message list alone the same messages
  written as paragraphs with \`innerHTML\`.
- Goals (issue #6): throughput's is a ratio to the relay; the others are absolute (milliseconds,
  bytes), so the \`met\` column gives the baseline's own verdict beside ours, \`no (baseline: no)\`
  where this machine keeps the bare stack from the goal too.
- The server under test runs in its own process (\`bench/server-runner.ts\`, every rate limit
  off, SQLite file with WAL and \`synchronous=FULL\`); the load comes from separate processes
  (\`bench/loadgen.ts\`) with real socket.io-client connections over loopback. Latency is timed
  from the scheduled send time to receipt on the other client (open loop), with percentiles
  from HDR histograms; HTTP is driven by autocannon.
- Machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()};
  load average (1, 5, 15 min) ${loadBefore} at the start and ${loadAfter} at the end — the
  machine was shared with other work, which is why only same-run ratios mean anything.
- Versions: Node ${process.version}, socket.io ${version('socket.io')}, socket.io-client ${version('socket.io-client')},
  express ${version('express')}, better-sqlite3 ${version('better-sqlite3')} (SQLite ${sqliteVersion()}),
  autocannon ${version('autocannon')}, ${chromiumVersion()}.

${table(rows)}

${notes.map((n) => `- ${n}`).join('\n')}
${failures.length ? `\nFailed scenarios:\n\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n` : ''}`;

if (profileDir) {
  const summaries = profileSummaries(profileDir);
  writeFileSync(join(profileDir, 'summary.md'), summaries + '\n');
  console.log(summaries);
  console.log(`bench: profiles and summary.md in ${profileDir}`);
}

const out =
  values.out ?? (quick || values.only || values.profile ? undefined : 'docs/benchmarks.md');
if (out) {
  // Written as Prettier would write it, so that `prettier --check` passes on the result.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(resolve(root, out))) ?? {};
  writeFileSync(
    resolve(root, out),
    await prettier.format(markdown, { ...config, parser: 'markdown' }),
  );
  console.log(`bench: wrote ${out}`);
}
rmSync(tmp, { recursive: true, force: true });
if (failures.length) {
  console.error(`bench: ${failures.length} scenario(s) failed`);
  process.exitCode = 1;
}
process.exit();
