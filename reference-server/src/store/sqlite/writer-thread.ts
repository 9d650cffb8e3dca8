/**
 * The writer thread of a file database: owns the one connection that writes, so that statement
 * execution, COMMIT's fsync and WAL checkpoints never run on the server's event loop. The main
 * thread keeps a connection of its own for reads (WAL lets them run beside the writer).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openWriterConnection, SqliteWriter } from './writer.js';
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

const db = openWriterConnection(path, synchronous);
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
