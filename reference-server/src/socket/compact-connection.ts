import type { EventEmitter } from 'node:events';

/**
 * Gives back what Socket.IO, engine.io and ws leave allocated on a connection once it is set up:
 * about 1.1 KB of an idle socket's 9.3 KB of heap (docs/performance.md, "Heap per idle socket").
 *
 * - Listener tables. Node's `EventEmitter` keeps its listeners in `_events`, an object created with
 *   a null prototype, which V8 keeps as a hash table ("dictionary mode"): 160 bytes for one to
 *   three events, 448 for six, beside the object itself. Four emitters of each connection hold
 *   one: the Socket.IO socket, the engine.io socket, its WebSocket transport and ws's WebSocket.
 *   Copied into an object with fast properties (and a null prototype again), the same listeners
 *   take their object's in-object slots. A listener added later goes in as before; one removed
 *   turns the table back into a hash table, as it would have been anyway. Node's streams (the TCP
 *   socket, ws's Receiver) already start with fast tables and are left alone.
 * - engine.io's `onUpgradeError`, an `error` listener that it puts on ws's WebSocket while the
 *   upgrade is under way, and takes off again when a connection upgrades from long-polling, but
 *   not when it starts on WebSocket: about 130 bytes with its closure. The transport's own `error`
 *   listener handles ws's errors from then on, as engine.io's upgrade path says.
 * - Arrays that a first `push` grew to V8's first capacity of 17 slots (152 bytes) for one or two
 *   entries: the Socket.IO socket's `onAny` listeners, its parser's `decoded` listeners and the
 *   engine.io socket's clean-ups. A copy has room for exactly what it holds; a later `push` grows
 *   it as before.
 *
 * Each step checks that the field is there and of the expected kind, and does nothing otherwise:
 * a dependency that renamed one costs memory, never a connection. These fields are private to
 * their libraries, whose versions are pinned; `reference-server/test/compact-connection.test.ts`
 * fails if a step stops applying. A connection that starts on long-polling and upgrades later
 * keeps its WebSocket's tables as they are: the SDK starts on WebSocket.
 */

type Listeners = Record<PropertyKey, unknown>;

interface Holder {
  [field: string]: unknown;
}

function holder(value: unknown): Holder | undefined {
  return typeof value === 'object' && value !== null ? (value as Holder) : undefined;
}

/** Replaces `emitter._events` with a fast-mode copy; true if it did. */
export function compactListeners(emitter: unknown): boolean {
  const target = holder(emitter);
  const events = holder(target?._events);
  if (!target || !events || Object.getPrototypeOf(events) !== null) return false;
  const keys = Reflect.ownKeys(events);
  // An event named `__proto__` would set the copy's prototype instead of a property.
  if (keys.includes('__proto__')) return false;
  const fast: Listeners = {};
  for (const key of keys) fast[key] = events[key as string];
  target._events = Object.setPrototypeOf(fast, null) as Listeners;
  return true;
}

/** Removes `emitter`'s `event` listeners that are functions called `name`; true if there were. */
export function removeListenersNamed(emitter: unknown, event: string, name: string): boolean {
  const target = emitter as Partial<EventEmitter> | undefined;
  if (typeof target?.listeners !== 'function' || typeof target.removeListener !== 'function') {
    return false;
  }
  const found = target.listeners(event).filter((listener) => listener.name === name);
  for (const listener of found)
    target.removeListener(event, listener as (...args: unknown[]) => void);
  return found.length > 0;
}

/** Replaces `owner[field]` with a copy sized to what it holds; true if it did. */
export function trimArray(owner: unknown, field: string): boolean {
  const target = holder(owner);
  const array = target?.[field];
  if (!target || !Array.isArray(array)) return false;
  target[field] = array.slice();
  return true;
}

/** What one connection is made of, as far as this file reaches into it. */
interface ConnectionParts {
  client?: { decoder?: { _callbacks?: unknown } };
  conn?: { transport?: { socket?: unknown } };
}

/**
 * Compacts a connected Socket.IO socket's listener tables and arrays (above). Call it once the
 * socket has its own listeners (`onAny`); it counts what it changed, for the test.
 */
export function compactConnection(socket: object): number {
  const parts = socket as ConnectionParts;
  const conn = parts.conn;
  const transport = conn?.transport;
  let changed = 0;
  // Before the tables are copied: a removal would turn one back into a hash table.
  if (removeListenersNamed(transport?.socket, 'error', 'onUpgradeError')) changed++;
  for (const emitter of [socket, conn, transport, transport?.socket]) {
    if (compactListeners(emitter)) changed++;
  }
  if (trimArray(socket, '_anyListeners')) changed++;
  if (trimArray(parts.client?.decoder?._callbacks, '$decoded')) changed++;
  if (trimArray(conn, 'cleanupFn')) changed++;
  return changed;
}
