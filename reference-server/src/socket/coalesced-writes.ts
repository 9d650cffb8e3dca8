import type { Socket as TcpSocket } from 'node:net';
import { Socket as EngineSocket } from 'engine.io';

/**
 * One TCP write per connection per tick, instead of one per packet; and a bound on what waits for a
 * client that stopped reading.
 *
 * engine.io sends a packet the moment it is queued: a stored message answers its sender with an
 * ack and an echo, and its recipient with the message, and each went out as a `writev` of its
 * own (the ack first, the echo once the ack's write had called back). A batch from the writer
 * thread acks a window of sends to the same socket at once, so that was up to eight writes where
 * one would do, and `writev` was the largest share of the event loop's time in the throughput
 * benchmark (30%, `npm run bench -- --only throughput --profile`).
 *
 * Here a WebSocket connection's flush waits for `process.nextTick`, which, for packets queued by
 * promise jobs (a batch's acks and events are), runs once every promise job of that turn is done,
 * and it runs with the TCP socket corked: the frames that ws writes for the packets queued in
 * that tick leave in one `writev`. Nothing waits longer than the tick that queued it; while a
 * write is in flight, engine.io queues what comes next, as before. Long-polling is left alone.
 *
 * While a write is in flight (for a client that does not read, until its TCP window and the
 * kernel's buffers have room again), engine.io queues every later packet in its `writeBuffer`,
 * without bound: a client that sends requests and never reads their answers would grow the server
 * by more than it sends (each ack a packet object and its string). So while a connection's
 * transport is not writable, the bytes queued for it are counted, each packet once, and once they
 * pass `maxUnsentBytes` the connection is dropped at once: its WebSocket's TCP socket destroyed (a
 * close handshake would wait for the reader that is not reading), or a long-polling connection
 * closed, and what was queued let go. Nothing is lost: every message was stored before it was
 * emitted, and a client that reconnects catches up (docs/reliability.md). A writable connection
 * pays a property read and a `WeakMap` delete per packet.
 *
 * `flush` and `writeBuffer` are engine.io's own (private in its types); the instance property
 * shadows the prototype's, for this server's connections only. `_socket` is ws's TCP socket. Both
 * versions are pinned; the tests of this file fail if either stops working
 * (reference-server/test/socket-transports.test.ts, reliability/security/slow-readers.test.ts).
 */

interface Flushable {
  flush(): void;
  close(discard?: boolean): void;
  writeBuffer: Array<{ data?: unknown }>;
  transport: {
    name: string;
    writable: boolean;
    socket?: { _socket?: TcpSocket; terminate?(): void };
  };
}

export interface WriteLimits {
  /** Bytes that may wait for a connection whose transport is not writable; more drop it. */
  maxUnsentBytes: number;
  /** Told of each connection dropped, with the bytes that were waiting for it. */
  onDropped(unsentBytes: number): void;
}

/** The queue being counted for a connection that is not writable, and how far. */
interface Backlog {
  queue: Flushable['writeBuffer'];
  counted: number;
  bytes: number;
}
const backlogs = new WeakMap<Flushable, Backlog>();
/** Dropped, and still flushed by the packets of reads already under way until their close. */
const dropped = new WeakSet<Flushable>();

function packetBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** Counts the packets queued since the last call (engine.io starts a new array at each flush). */
function unsentBytes(connection: Flushable): number {
  const queue = connection.writeBuffer;
  let backlog = backlogs.get(connection);
  if (backlog?.queue !== queue) {
    backlog = { queue, counted: 0, bytes: 0 };
    backlogs.set(connection, backlog);
  }
  for (; backlog.counted < queue.length; backlog.counted++) {
    backlog.bytes += packetBytes(queue[backlog.counted]!.data);
  }
  return backlog.bytes;
}

function drop(connection: Flushable): void {
  backlogs.delete(connection);
  dropped.add(connection);
  const ws = connection.transport.socket;
  if (connection.transport.name === 'websocket' && typeof ws?.terminate === 'function') {
    ws.terminate();
  } else {
    connection.close(true);
  }
}

const engineFlush = (EngineSocket.prototype as unknown as Flushable).flush;
let due = new Set<Flushable>();

function flushDue(): void {
  const now = due;
  due = new Set();
  let failure: unknown;
  for (const connection of now) {
    const tcp = connection.transport.socket?._socket;
    tcp?.cork();
    try {
      engineFlush.call(connection);
    } catch (error) {
      // One connection's failure must not leave the others' packets unsent.
      failure ??= error;
    } finally {
      tcp?.uncork();
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * Returns what makes an engine.io connection write what each tick queued for it at once, and drop
 * it once more than `limits.maxUnsentBytes` wait for it.
 */
export function managedWrites(limits: WriteLimits): (connection: EngineSocket) => void {
  function deferredFlush(this: Flushable): void {
    if (!this.transport.writable) {
      if (dropped.has(this)) return;
      const bytes = unsentBytes(this);
      if (bytes > limits.maxUnsentBytes) {
        drop(this);
        limits.onDropped(bytes);
        return;
      }
    } else {
      // Writing again: the count of the queue that waited (and the queue, already sent) go.
      backlogs.delete(this);
    }
    // Long-polling answers one HTTP request per flush, and engine.io writes to that request itself
    // while it upgrades (a noop to end the poll): a late flush would answer it twice.
    if (this.transport.name !== 'websocket') {
      engineFlush.call(this);
      return;
    }
    if (due.size === 0) process.nextTick(flushDue);
    due.add(this);
  }
  return (connection) => {
    // Should an engine.io release rename its flush, connections keep writing as engine.io does.
    if (typeof engineFlush !== 'function') return;
    (connection as unknown as Flushable).flush = deferredFlush;
  };
}
