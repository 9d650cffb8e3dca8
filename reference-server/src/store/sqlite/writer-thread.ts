/**
 * The writer thread of a file database: owns the one connection that writes, so that statement
 * execution, COMMIT's fsync and WAL checkpoints never run on the server's event loop. The main
 * thread keeps a connection of its own for reads (WAL lets them run beside the writer).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { failureOf, SqliteWriter } from './writer.js';
import type { WriteFailure, WriteOp, WriteOutcome } from './writer.js';

export interface WriterThreadData {
  path: string;
  synchronous: 'full' | 'normal';
}

/** From the main thread: a batch to write, numbered. */
export interface WriterRequest {
  id: number;
  ops: WriteOp[];
}

/** To the main thread: each op's outcome, or the batch's failure (nothing of it stored). */
export type WriterReply =
  { id: number; outcomes: WriteOutcome[] } | { id: number; failure: WriteFailure };

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
 * Group commit on this side of the thread boundary: the main thread posts each turn's ops
 * without waiting for the batch before them, and every request that queued up while a
 * transaction ran is taken at once and written as one. A request that is a pragma (sent alone)
 * runs alone, in its place; the others form runs of one transaction each.
 */
function writeAll(requests: WriterRequest[]): void {
  let run: WriterRequest[] = [];
  const flush = (): void => {
    if (run.length > 0) writeRun(run);
    run = [];
  };
  for (const request of requests) {
    if (request.ops[0]?.kind === 'pragma') {
      flush();
      writeRun([request]);
    } else {
      run.push(request);
    }
  }
  flush();
}

function writeRun(run: WriterRequest[]): void {
  const ops = run.length === 1 ? run[0]!.ops : run.flatMap((r) => r.ops);
  let outcomes: WriteOutcome[];
  try {
    outcomes = writer.run(ops);
  } catch (error) {
    // BEGIN or COMMIT failed: nothing of the run is stored, and every request of it is told.
    const failure = failureOf(error);
    for (const { id } of run) port.postMessage({ id, failure } satisfies WriterReply);
    return;
  }
  let at = 0;
  for (const { id, ops: mine } of run) {
    const reply: WriterReply = { id, outcomes: outcomes.slice(at, at + mine.length) };
    at += mine.length;
    port.postMessage(reply);
  }
}

port.on('message', (first: WriterRequest | 'close') => {
  const requests: WriterRequest[] = [];
  let closing = false;
  for (let m: WriterRequest | 'close' | undefined = first; m !== undefined;) {
    if (m === 'close') {
      closing = true;
      break;
    }
    requests.push(m);
    m = (receiveMessageOnPort(port) as { message: WriterRequest | 'close' } | undefined)?.message;
  }
  writeAll(requests);
  if (closing) {
    db.close();
    port.close();
  }
});
port.postMessage('ready');
