import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ChatServerError } from '../../errors.js';
import { storageFailure } from './storage-failure.js';
import type { WriterReply, WriterRequest, WriterThreadData } from './writer-thread.js';
import type { SqliteWriter, WriteFailure, WriteOp, WriteOutcome, WriteResults } from './writer.js';
import { fromWireOutcomes, toWireOps } from './writer-wire.js';

/** Where batches are written: a writer thread (file database) or this thread (`:memory:`). */
interface WriteBackend {
  /** Each op's outcome (a failed transaction fails its ops); rejects only if the writer is gone. */
  write(ops: WriteOp[]): Promise<WriteOutcome[]>;
  /** Resolves once the writer can write; rejects if it never will. */
  ready(): Promise<void>;
  /** Why nothing more can be written, once the writer is gone for good; null until then. */
  failure(): Error | null;
  close(): Promise<void>;
}

export interface WriterThreadOptions {
  path: string;
  synchronous: 'full' | 'normal';
  /** Told when the checkpointer thread fails (the writer's own checkpoints take over). */
  warn?: (details: object, message: string) => void;
  /** Told once when the writer thread fails or ends: from then on every write is refused. */
  error?: (details: object, message: string) => void;
}

interface Pending {
  op: WriteOp;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

/** A failure that crossed from the writer, as an error that `storageFailure` can classify. */
function toError(failure: WriteFailure): Error {
  return Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
}

/**
 * Group commit across the thread boundary: the ops of one event-loop turn go out together after
 * one `setImmediate`, without waiting for the batch before them, and the writer thread writes
 * whatever queued up while it was busy as one transaction, one fsync for all of it. Waiting on
 * this side for each batch's answer would leave the writer idle while this thread is busy with
 * sockets. Promises settle only once the writer returned from COMMIT: an ack never runs ahead of
 * the disk.
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private writing = 0;
  private scheduled = false;
  private drained: Array<() => void> = [];

  private constructor(private readonly backend: WriteBackend) {}

  /** Writes on this thread, with the connection the reads use (`:memory:` cannot be shared). */
  static inProcess(writer: SqliteWriter): WriteQueue {
    return new WriteQueue({
      write: (ops) => Promise.resolve(writer.write(ops)),
      ready: () => Promise.resolve(),
      failure: () => null,
      close: () => Promise.resolve(),
    });
  }

  /** Writes on a worker thread with a connection of its own to the file, beside a checkpointer. */
  static onThread(options: WriterThreadOptions): WriteQueue {
    return new WriteQueue(new WriterThread(options));
  }

  /** Resolves once writes can be taken (a writer thread has opened the file); rejects if never. */
  ready(): Promise<void> {
    return this.backend.ready();
  }

  /** Why every write is refused, once the writer is gone for good; null while it writes. */
  failure(): Error | null {
    return this.backend.failure();
  }

  submit<K extends WriteOp['kind']>(op: WriteOp & { kind: K }): Promise<WriteResults[K]> {
    return new Promise<WriteResults[K]>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: never) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.send();
        });
      }
    });
  }

  /** Writes what was accepted, then stops the writer. */
  async close(): Promise<void> {
    if (this.writing > 0 || this.scheduled || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.drained.push(resolve));
    }
    await this.backend.close();
  }

  private send(): void {
    const batch = this.queue;
    this.queue = [];
    this.writing++;
    this.backend.write(batch.map((p) => p.op)).then(
      (outcomes) => {
        batch.forEach((item, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) item.resolve(outcome.value as never);
          else item.reject(storageFailure(toError(outcome.failure)));
        });
        this.written();
      },
      (error: unknown) => {
        // The writer thread is gone: whether the batch committed is unknown, so none of it is
        // acked (the SDK retries, and the server deduplicates once restarted).
        const failure = storageFailure(error);
        for (const item of batch) item.reject(failure);
        this.written();
      },
    );
  }

  private written(): void {
    this.writing--;
    this.settleIfDrained();
  }

  private settleIfDrained(): void {
    if (this.writing > 0 || this.scheduled || this.queue.length > 0) return;
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * The compiled module beside this one (dist/, or a bundle that emitted it next to itself), else
 * the TypeScript source, loaded through tsx's API (tests and `node --import tsx`): a worker does
 * not inherit the parent's module hooks.
 */
function startWriterThread(data: WriterThreadData): Worker {
  for (const name of ['writer-thread.js', 'writer-thread.mjs']) {
    const url = new URL(`./${name}`, import.meta.url);
    if (existsSync(url)) return new Worker(url, { workerData: data });
  }
  const source = new URL('./writer-thread.ts', import.meta.url);
  if (!existsSync(source)) {
    throw new Error(
      `writer-thread.js is missing beside ${fileURLToPath(import.meta.url)}: a bundle of the ` +
        'server must emit reference-server/src/store/sqlite/writer-thread.ts as writer-thread.js ' +
        '(or .mjs) next to itself (see "Durability and group commit" in the README)',
    );
  }
  return new Worker(
    `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`,
    { eval: true, workerData: data },
  );
}

/** tsx's ESM API (a devDependency, present wherever the sources run). */
function tsxApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
}

class WriterThread implements WriteBackend {
  private readonly worker: Worker;
  private readonly checkpointer: Checkpointer;
  private readonly pending = new Map<
    number,
    { ops: WriteOp[]; resolve: (o: WriteOutcome[]) => void; reject: (e: unknown) => void }
  >();
  private readonly started: Promise<void>;
  /** `started`, settled either way: what a write waits for (a failed start has set `dead`). */
  private readonly settled: Promise<void>;
  private readonly exited: Promise<void>;
  private nextId = 1;
  private inFlight = 0;
  /** Set once the thread failed or ended: every later write is refused with it. */
  private dead: ChatServerError | null = null;
  private closing = false;

  constructor({ path, synchronous, warn, error }: WriterThreadOptions) {
    const restartRequest = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.worker = startWriterThread({ role: 'writer', path, synchronous, restartRequest });
    this.worker.unref();
    this.checkpointer = new Checkpointer(
      { role: 'checkpointer', path, synchronous, restartRequest },
      warn,
    );
    let started: () => void = () => undefined;
    let failedToStart: (error: unknown) => void = () => undefined;
    this.started = new Promise((resolve, reject) => {
      started = resolve;
      failedToStart = reject;
    });
    // Nobody may be waiting yet; the rejection is seen by the first write, through `dead`.
    this.settled = this.started.catch(() => undefined);
    this.worker.on('message', (reply: WriterReply | 'ready') => {
      if (reply === 'ready') {
        started();
        return;
      }
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiter) return;
      waiter.resolve(fromWireOutcomes(waiter.ops, reply.outcomes));
    });
    // Not restarted in-process: whether its last batch committed is unknown, so that batch is
    // refused (the SDK retries it and the server deduplicates), and so is every later write. A
    // start that fails says what to check instead (`ready()`; a write still gets `dead`).
    const die = (reason: string, cause?: unknown): void => {
      failedToStart(
        new ChatServerError(
          'internal',
          `Storage unavailable (${reason}): the server cannot start; make sure the database ` +
            `at ${path} exists and can be written, or pass another path with --db <path> ` +
            '(CHAT_DB_PATH)',
          { cause },
        ),
      );
      if (!this.dead) {
        this.dead = new ChatServerError(
          'internal',
          `Storage unavailable (${reason}): nothing more can be stored; restart the server`,
          { cause },
        );
        // Not at a close, which ends the thread on purpose.
        if (!this.closing) error?.({ err: cause ?? this.dead }, this.dead.message);
      }
      for (const waiter of this.pending.values()) waiter.reject(this.dead);
      this.pending.clear();
    };
    this.worker.on('error', (failure: unknown) => {
      // SQLite's own errors (SqliteError) cross the thread as plain objects: a code, no message.
      const { message, code } = (failure ?? {}) as { message?: unknown; code?: unknown };
      const what =
        typeof message === 'string' ? message : typeof code === 'string' ? code : String(failure);
      die(`the SQLite writer thread failed: ${what}`, failure);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        die(`the SQLite writer thread ended with exit code ${code}`);
        resolve();
      });
    });
  }

  write(ops: WriteOp[]): Promise<WriteOutcome[]> {
    return this.held(async () => {
      // A thread that never started has set `dead` too: a write is refused with that.
      await this.settled;
      if (this.dead) throw this.dead;
      const id = this.nextId++;
      return new Promise<WriteOutcome[]>((resolve, reject) => {
        this.pending.set(id, { ops, resolve, reject });
        this.worker.postMessage({ id, ops: toWireOps(ops) } satisfies WriterRequest);
      });
    });
  }

  ready(): Promise<void> {
    return this.held(() => this.started);
  }

  /**
   * Runs `work` with the thread held: the process must not end while a batch is out or someone
   * waits for the start. Idle, the thread must not keep it alive.
   */
  private async held<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.worker.ref();
    try {
      return await work();
    } finally {
      if (--this.inFlight === 0) this.worker.unref();
    }
  }

  failure(): Error | null {
    return this.dead;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.checkpointer.close();
    if (this.dead) return;
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}

/**
 * The checkpointer thread (writer-thread.ts): copies the WAL back beside the writer. Never keeps
 * the process alive; if it fails, it is not restarted: the writer's own automatic checkpoint (at
 * WAL_BACKSTOP_FRAMES) keeps the WAL bounded, at the cost of a COMMIT that checkpoints now and then.
 */
class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = true;

  constructor(data: WriterThreadData, warn: WriterThreadOptions['warn']) {
    this.worker = startWriterThread(data);
    this.worker.unref();
    this.worker.on('error', (error) => {
      warn?.(
        { err: error },
        'The SQLite checkpointer thread failed; checkpoints now run in the writer thread, which delays some sends (nothing is lost); restart the server to restore it',
      );
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.running = false;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (!this.running) return;
    // Held until it has closed its connection, so that the writer's close comes after it.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
