/**
 * The writer thread of a file database: owns the one connection that writes, so that statement
 * execution, COMMIT's fsync and WAL checkpoints never run on the server's event loop. The main
 * thread keeps a connection of its own for reads (WAL lets them run beside the writer).
 */
import { parentPort, workerData } from 'node:worker_threads';
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

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread');
const { path, synchronous } = workerData as WriterThreadData;

const db = new Database(path, { fileMustExist: true });
db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const writer = new SqliteWriter(db);

port.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: request.id, outcomes: writer.run(request.ops) };
  } catch (error) {
    reply = { id: request.id, failure: failureOf(error) };
  }
  port.postMessage(reply);
});
port.postMessage('ready');
