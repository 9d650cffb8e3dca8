/** Starting the server under test and the load generators with the right node flags. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker } from './rpc.js';
import type { Worker } from './rpc.js';

export interface RunOptions {
  quick: boolean;
  /** A folder for --cpu-prof output of the servers under test, when profiling. */
  profileDir: string | undefined;
  tmp: string;
}

export type ServerKind = 'parley' | 'relay' | 'static';

export async function startServer(
  kind: ServerKind,
  args: string[],
  options: RunOptions,
  profileName?: string,
): Promise<Worker & { url: string }> {
  const flags = ['--expose-gc'];
  if (options.profileDir && profileName) {
    // One folder per server: tsx's loader thread writes a profile of its own beside the main one.
    const dir = join(options.profileDir, profileName);
    mkdirSync(dir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const worker = await startWorker('server-runner.ts', ['--kind', kind, ...args], flags);
  return Object.assign(worker, { url: String(worker.info.url) });
}

export async function startGenerators(count: number, maxOldSpaceMb = 4096): Promise<Worker[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      startWorker('loadgen.ts', [], [`--max-old-space-size=${maxOldSpaceMb}`]),
    ),
  );
}

export async function stopAll(workers: Array<Worker | undefined>): Promise<void> {
  await Promise.all(workers.map((w) => w?.stop()));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Targets {
  parley: Worker & { url: string };
  /** Parley with synchronous=NORMAL, when asked for: shows what the fsync of each commit costs. */
  normal?: Worker & { url: string };
  relay: Worker & { url: string };
  gens: Worker[];
}

/**
 * Starts Parley (file database, synchronous=FULL), the relay and the generators at once: on a busy
 * machine each start takes seconds, and they overlap. Each run stops its server afterwards.
 */
export async function startTargets(
  name: string,
  options: RunOptions,
  generators: number,
  withNormal = false,
): Promise<Targets> {
  const [parley, relay, gens, normal] = await Promise.all([
    startServer(
      'parley',
      ['--db', join(options.tmp, `${name}.db`), '--sync', 'full'],
      options,
      name,
    ),
    // Profiled too, so that a profile of ours can be read against the baseline's.
    startServer('relay', [], options, `${name}-relay`),
    startGenerators(generators),
    withNormal
      ? startServer(
          'parley',
          ['--db', join(options.tmp, `${name}-normal.db`), '--sync', 'normal'],
          options,
        )
      : undefined,
  ]);
  return { parley, relay, gens, ...(normal ? { normal } : {}) };
}
