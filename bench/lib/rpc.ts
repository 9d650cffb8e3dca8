/**
 * A tiny request/response protocol over Node's IPC channel, between the orchestrator and its
 * child processes (server runners, load generators). Every call is bounded by a timeout.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Handler = (args: never) => unknown;

interface Request {
  id: number;
  method: string;
  args: unknown;
}
interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** In a child: answers the parent's calls, then reports `ready` with `info`. */
export function serve(handlers: Record<string, Handler>, info: unknown = {}): void {
  process.on('message', (raw: Request) => {
    const handler = handlers[raw.method];
    const reply = (message: Reply): void => void process.send?.(message);
    if (!handler) return reply({ id: raw.id, error: `no method ${raw.method}` });
    Promise.resolve()
      .then(() => handler(raw.args as never))
      .then(
        (result) => reply({ id: raw.id, result }),
        (error: unknown) => reply({ id: raw.id, error: String((error as Error)?.stack ?? error) }),
      );
  });
  // The parent going away ends the child: no orphan keeps sockets open.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, result: info });
}

export interface Worker {
  child: ChildProcess;
  info: Record<string, unknown>;
  call<T = unknown>(method: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to exit (so that --cpu-prof is written) and waits, killing it after 15 s. */
  stop(): Promise<void>;
}

const here = (file: string): string => fileURLToPath(new URL(`../${file}`, import.meta.url));

let prebuilt: string | undefined;

/**
 * Bundles the worker scripts once with esbuild (dependencies stay external), so that each child
 * starts in about a second instead of several under tsx on a busy machine. Not when profiling:
 * profiles should name the real source files. Falls back to tsx when esbuild is missing.
 */
export async function prebuildWorkers(outdir: string, scripts: string[]): Promise<void> {
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: {
        ...Object.fromEntries(scripts.map((script) => [script.replace(/\.ts$/, ''), here(script)])),
        // Started by the SQLite store from beside the bundle that holds it (write-queue.ts).
        'writer-thread': here('../reference-server/src/store/sqlite/writer-thread.ts'),
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outdir,
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    });
    prebuilt = outdir;
  } catch (error) {
    console.warn(`bench: running workers under tsx (${(error as Error).message})`);
  }
}

/** Forks `bench/<script>` (prebuilt, or under tsx) and resolves once it reported ready. */
export async function startWorker(
  script: string,
  args: string[] = [],
  nodeFlags: string[] = [],
): Promise<Worker> {
  const entry = prebuilt ? join(prebuilt, script.replace(/\.ts$/, '.mjs')) : here(script);
  const child = fork(entry, args, {
    execArgv: prebuilt ? nodeFlags : ['--import', 'tsx', ...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before ready`)));
    child.on('message', (message: Reply) => {
      if (message.id === 0) {
        clearTimeout(timer);
        resolve(message.result as Record<string, unknown>);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${script}: ${message.error}`));
      else waiter.resolve(message.result);
    });
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited (${code})`));
    pending.clear();
  });
  return {
    child,
    info,
    call<T>(method: string, callArgs: unknown = {}, timeoutMs = 120_000): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}.${method} took over ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, method, args: callArgs });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: -1, method: 'exit', args: {} });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A server's threads, from Linux's scheduler counters (server-runner.ts `threads`), in ms. */
export interface ThreadTimes {
  /** The main thread's time on a core. */
  mainRunMs: number;
  /** The main thread's time runnable but waiting for a core. */
  mainWaitMs: number;
  /** Every other thread's time on a core, together. */
  otherRunMs: number;
}

/** One reading of a server's threads: ThreadTimes, with the other threads' time by thread id. */
export interface ThreadReading extends Omit<ThreadTimes, 'otherRunMs'> {
  otherRunMs: Record<string, number>;
}

/** CPU time of this process, in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
