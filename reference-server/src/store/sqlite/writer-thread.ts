/**
 * The threads of a file database, one module for both (a bundle emits one file beside itself):
 *
 * - the writer owns the one connection that writes, so that statement execution and COMMIT's
 *   fsync never run on the server's event loop;
 * - the checkpointer copies the WAL back into the database on a connection of its own, so that a
 *   checkpoint (two syncs and thousands of pages) does not hold up the sends behind a COMMIT.
 *
 * The main thread keeps a connection of its own for reads (WAL lets them run beside the writer).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  openFileConnection,
  openWriterConnection,
  SqliteWriter,
  WAL_BACKSTOP_FRAMES,
  WAL_RESTART_FRAMES,
} from './writer.js';
import { fromWireOps, toWireOutcomes } from './writer-wire.js';
import type { WireOp, WireOutcome } from './writer-wire.js';

export interface WriterThreadData {
  role: 'writer' | 'checkpointer';
  path: string;
  synchronous: 'full' | 'normal';
  /**
   * One Int32 shared by the two threads: the checkpointer sets it to 1 once it has copied back
   * nearly all of a WAL that is due to restart, and the writer, after its next transaction,
   * copies back the rest and clears it (SqliteWriter.finishCheckpoint).
   */
  restartRequest: SharedArrayBuffer;
}

/** From the main thread: a batch to write, numbered (ops in their wire form: writer-wire.ts). */
export interface WriterRequest {
  id: number;
  ops: WireOp[];
}

/** To the main thread: each op's outcome, in order. */
export interface WriterReply {
  id: number;
  outcomes: WireOutcome[];
}

/** How often the checkpointer copies back what the writer committed meanwhile. */
const CHECKPOINT_EVERY_MS = 100;

if (!parentPort) throw new Error('writer-thread.ts runs as a worker thread');
const port = parentPort;
const data = workerData as WriterThreadData;
const restartRequest = new Int32Array(data.restartRequest);

if (data.role === 'writer') runWriter();
else runCheckpointer();
port.postMessage('ready');

/**
 * Group commit on this side of the thread boundary: the main thread posts each turn's ops without
 * waiting for the batch before them, and every request that queued up while a transaction ran is
 * taken at once and written together; each request is answered with its own slice of outcomes.
 */
function runWriter(): void {
  const db = openWriterConnection(data.path, data.synchronous, WAL_BACKSTOP_FRAMES);
  const writer = new SqliteWriter(db);
  port.on('message', (first: WriterRequest | 'close') => {
    const requests: WriterRequest[] = [];
    let next: WriterRequest | 'close' | undefined = first;
    while (next !== undefined && next !== 'close') {
      requests.push(next);
      next = (receiveMessageOnPort(port) as { message: WriterRequest | 'close' } | undefined)
        ?.message;
    }
    const ops = requests.flatMap((r) => fromWireOps(r.ops));
    const outcomes = toWireOutcomes(ops, writer.write(ops));
    let at = 0;
    for (const { id, ops: sent } of requests) {
      const reply: WriterReply = { id, outcomes: outcomes.slice(at, at + sent.length) };
      at += sent.length;
      port.postMessage(reply);
    }
    // After the replies, so that the batch's acks do not wait for it.
    if (Atomics.exchange(restartRequest, 0, 0) === 1) writer.finishCheckpoint();
    if (next === 'close') {
      db.close();
      port.close();
    }
  });
}

/**
 * Every CHECKPOINT_EVERY_MS, a PASSIVE checkpoint: it copies back the frames committed so far
 * without waiting for the writer or readers, and never holds them up. Once the WAL has grown to
 * WAL_RESTART_FRAMES, a second pass copies what was committed during the first, and the writer is
 * asked to copy the last few frames and so start the WAL over. A failure ends the thread (the
 * main thread logs it) and leaves the checkpoints to the writer's backstop.
 */
function runCheckpointer(): void {
  const db = openFileConnection(data.path, data.synchronous);
  const pass = (): number =>
    (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0;
  const tick = (): void => {
    if (pass() >= WAL_RESTART_FRAMES) {
      pass();
      Atomics.store(restartRequest, 0, 1);
    }
    timer = setTimeout(tick, CHECKPOINT_EVERY_MS);
  };
  let timer = setTimeout(tick, CHECKPOINT_EVERY_MS);
  port.once('message', () => {
    clearTimeout(timer);
    db.close();
    port.close();
  });
}
