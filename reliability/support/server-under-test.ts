/**
 * The real `chat-server` bin in a child process on a file database, restartable on the same port
 * and database: the thing the chaos suites kill, stop and measure.
 *
 * The bin is bundled once per test process with esbuild (everything but the native SQLite
 * binding), because a restart through tsx costs seconds on a loaded 2-core machine and the
 * downtime would then dwarf the faults under test. The bundle is the same source as `src/bin.ts`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort, TEST_JWT_SECRET } from '../../reference-server/test/support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let bundled: Promise<string> | undefined;

/** Bundles `reference-server/src/bin.ts` into node_modules/.cache (once per process). */
export function serverBundle(): Promise<string> {
  bundled ??= (async () => {
    const outdir = `${root}node_modules/.cache/parley-reliability/${process.pid}`;
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: {
        'chat-server': `${root}reference-server/src/bin.ts`,
        // Started by the SQLite store from beside the bundle that holds it (write-queue.ts).
        'writer-thread': `${root}reference-server/src/store/sqlite/writer-thread.ts`,
      },
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3', 'bufferutil', 'utf-8-validate', 'pino-pretty'],
      banner: {
        js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);",
      },
      outdir,
      logLevel: 'warning',
    });
    return `${outdir}/chat-server.mjs`;
  })();
  return bundled;
}

export interface ServerUnderTestOptions {
  db: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
}

export class ServerUnderTest {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private log = '';
  private boundPort = 0;
  /** Exit codes and signals of the processes that ended, in order. */
  readonly exits: Array<{ signal: NodeJS.Signals; code: number | null }> = [];
  starts = 0;

  private constructor(private readonly options: ServerUnderTestOptions) {}

  static async start(options: ServerUnderTestOptions): Promise<ServerUnderTest> {
    const server = new ServerUnderTest(options);
    server.boundPort = options.port ?? (await freePort());
    await server.restart();
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get pid(): number {
    return this.child!.pid!;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the current process printed. */
  output(): string {
    return this.log;
  }

  /** Starts a new process on the same port and database (the old one must be gone). */
  async restart(): Promise<void> {
    const bin = await serverBundle();
    const child = spawn(
      process.execPath,
      [
        bin,
        '--port',
        String(this.boundPort),
        '--db',
        this.options.db,
        ...(this.options.args ?? []),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          CHAT_JWT_SECRET: TEST_JWT_SECRET,
          CHAT_LOG_LEVEL: 'warn',
          ...this.options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.log = '';
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        this.log += chunk.toString();
        if (this.log.includes('listening on ')) resolve();
      });
      child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
      child.once('exit', (code) =>
        reject(new Error(`chat-server exited with ${code} before listening:\n${this.log}`)),
      );
    });
    this.starts++;
  }

  /** Sends `signal` and waits for the process to end; resolves with its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (!this.child) return null;
    if (this.running) this.child.kill(signal);
    const code = await this.exited;
    this.exits.push({ signal, code });
    return code;
  }

  /** Resident memory of the server process in KiB, from /proc (Linux). */
  rssKb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  }
}
