import type { Socket as TcpSocket } from 'node:net';
import { Socket as EngineSocket } from 'engine.io';

/**
 * One TCP write per connection per tick, instead of one per packet.
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
 * `flush` is engine.io's own (private in its types); the instance property shadows the
 * prototype's, for this server's connections only. `_socket` is ws's TCP socket. Both versions
 * are pinned; the test of this file fails if either stops working.
 */

interface Flushable {
  flush(): void;
  transport: { name: string; socket?: { _socket?: TcpSocket } };
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

function deferredFlush(this: Flushable): void {
  // Long-polling answers one HTTP request per flush, and engine.io writes to that request itself
  // while it upgrades (a noop to end the poll): a late flush would answer it twice.
  if (this.transport.name !== 'websocket') {
    engineFlush.call(this);
    return;
  }
  if (due.size === 0) process.nextTick(flushDue);
  due.add(this);
}

/** Makes an engine.io connection write what each tick queued for it at once. */
export function coalesceWrites(connection: EngineSocket): void {
  // Should an engine.io release rename its flush, connections keep writing as engine.io does.
  if (typeof engineFlush !== 'function') return;
  (connection as unknown as Flushable).flush = deferredFlush;
}
