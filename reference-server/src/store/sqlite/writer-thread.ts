/**
 * The writer thread of a file database: owns the one connection that writes, so that statement
 * execution, COMMIT's fsync and WAL checkpoints never run on the server's event loop. The main
 * thread keeps a connection of its own for reads (WAL lets them run beside the writer).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SqliteWriter } from './writer.js';
import { fromWireOps, toWireOutcomes } from './writer-wire.js';
import type { WireOp, WireOutcome } from './writer-wire.js';

export interface WriterThreadData {
  path: string;
  synchronous: 'full' | 'normal';
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

if (!parentPort) throw new Error('writer-thread.ts runs as a worker thread');
const port = parentPort;
const { path, synchronous } = workerData as WriterThreadData;

const db = new Database(path, { fileMustExist: true });
db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// Checkpoints run inside the COMMIT that crosses the threshold, on this thread. SQLite's default
// of 1,000 pages (4 MB) checkpointed every 20 or so small batches; 4,000 pages (16 MB of WAL at
// most, between checkpoints) writes 12-15% more messages a second (bench/store-writes.ts).
db.pragma('wal_autocheckpoint = 4000');
const writer = new SqliteWriter(db);

/**
 * Group commit on this side of the thread boundary: the main thread posts each turn's ops without
 * waiting for the batch before them, and every request that queued up while a transaction ran is
 * taken at once and written together; each request is answered with its own slice of outcomes.
 */
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
  if (next === 'close') {
    db.close();
    port.close();
  }
});
port.postMessage('ready');
