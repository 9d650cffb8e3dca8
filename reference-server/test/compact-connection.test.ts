import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import type { Message, OfflineEvent } from '@parley/sdk/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compactConnection,
  compactListeners,
  removeListenersNamed,
  trimArray,
} from '../src/socket/compact-connection.js';
import { connectSocket, nextEvent, request, startTestServer } from './support.js';
import type { TestServer, TestSocket } from './support.js';

// V8's own answer to "is this object a hash table?": the point of compacting a listener table.
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;

type SendAck = { ok: true; message: Message } | { ok: false; error: { code: string } };
interface Emitter {
  _events: Record<PropertyKey, unknown>;
}

let server: TestServer;
let sockets: TestSocket[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  await server.close();
});

async function connect(userId: string, transports: Array<'websocket' | 'polling'> = ['websocket']) {
  const socket = await connectSocket(server.url, server.token(userId), { transports });
  sockets.push(socket);
  return socket;
}

/** Sends `content` to `toUserId` and resolves with the ack. */
function send(from: TestSocket, toUserId: string, clientMessageId: string, content: string) {
  return request<SendAck>(from, 'sendMessage', { toUserId, clientMessageId, content });
}

/** The server's side of the only connection of `userId`. */
function serverSocket(userId: string) {
  const found = [...server.server.io.sockets.sockets.values()].filter(
    (s) => s.data.userId === userId,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The four emitters whose listener tables are compacted, by the name the docs give them. */
function emitters(socket: ReturnType<typeof serverSocket>): Record<string, Emitter> {
  const conn = socket.conn as unknown as Emitter & { transport: Emitter & { socket: Emitter } };
  return {
    'Socket.IO socket': socket as unknown as Emitter,
    'engine.io socket': conn,
    'engine.io transport': conn.transport,
    "ws's WebSocket": conn.transport.socket,
  };
}

describe('the steps of compactConnection', () => {
  it('keep every listener, symbol-named ones too, under a null prototype with fast properties', () => {
    const symbol = Symbol('kEvent');
    const events = Object.create(null) as Record<PropertyKey, unknown>;
    const one = (): void => {};
    const two = [one, (): void => {}];
    events.close = one;
    events.error = two;
    events[symbol] = one;
    delete events.close;
    events.close = one; // a table that has had a listener removed, as engine.io's do
    const emitter = { _events: events };
    expect(hasFastProperties(events)).toBe(false);

    expect(compactListeners(emitter)).toBe(true);
    expect(emitter._events).not.toBe(events);
    expect(Object.getPrototypeOf(emitter._events)).toBeNull();
    expect(hasFastProperties(emitter._events)).toBe(true);
    expect(Reflect.ownKeys(emitter._events)).toEqual(Reflect.ownKeys(events));
    expect(emitter._events.close).toBe(one);
    expect(emitter._events.error).toBe(two);
    expect(emitter._events[symbol]).toBe(one);
  });

  it('leave alone what is not a listener table they can copy', () => {
    const withPrototype = { _events: { close: () => {} } };
    const table = withPrototype._events;
    expect(compactListeners(withPrototype)).toBe(false);
    expect(withPrototype._events).toBe(table);

    const proto = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(proto, '__proto__', { value: () => {}, enumerable: true });
    const named = { _events: proto };
    expect(compactListeners(named)).toBe(false);
    expect(named._events).toBe(proto);

    for (const value of [undefined, null, 42, 'x', {}, { _events: null }]) {
      expect(compactListeners(value)).toBe(false);
    }
    expect(trimArray({ list: 'not an array' }, 'list')).toBe(false);
    expect(trimArray(undefined, 'list')).toBe(false);
  });

  it('removes the listeners of one event that have a given name, and only those', () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    function onUpgradeError(): void {
      calls.push('upgrade');
    }
    const onError = (): void => {
      calls.push('transport');
    };
    emitter.on('error', onUpgradeError);
    emitter.on('error', onError);
    emitter.on('close', onUpgradeError);
    expect(removeListenersNamed(emitter, 'error', 'onUpgradeError')).toBe(true);
    expect(removeListenersNamed(emitter, 'error', 'onUpgradeError')).toBe(false);
    emitter.emit('error', new Error('boom'));
    expect(calls).toEqual(['transport']);
    expect(emitter.listeners('close')).toEqual([onUpgradeError]);
    expect(removeListenersNamed({}, 'error', 'onUpgradeError')).toBe(false);
    expect(removeListenersNamed(undefined, 'error', 'onUpgradeError')).toBe(false);
  });

  it('trims an array to a copy of what it holds', () => {
    const listener = (): void => {};
    const owner = { list: [] as unknown[] };
    owner.list.push(listener);
    const before = owner.list;
    expect(trimArray(owner, 'list')).toBe(true);
    expect(owner.list).not.toBe(before);
    expect(owner.list).toEqual([listener]);
  });
});

describe('a compacted connection', () => {
  it('has every step applied on a WebSocket connection of the pinned Socket.IO, engine.io and ws', async () => {
    await connect('ada');
    const socket = serverSocket('ada');
    for (const [name, emitter] of Object.entries(emitters(socket))) {
      // Compacted when it connected: without it, each of these is a hash table.
      expect(hasFastProperties(emitter._events), name).toBe(true);
      expect(Object.getPrototypeOf(emitter._events), name).toBeNull();
    }
    // engine.io's listener for errors during the upgrade is gone; the transport's own is there.
    const ws = emitters(socket)["ws's WebSocket"] as unknown as EventEmitter;
    expect(ws.listeners('error').map((listener) => listener.name)).toEqual(['bound onError']);
    // Called again, it finds four listener tables and three arrays where this server's versions
    // keep them (the upgrade's listener is gone already).
    expect(compactConnection(socket)).toBe(7);
  });

  it('still delivers, acks, adds and removes listeners, and disconnects', async () => {
    const ada = await connect('ada');
    const bob = await connect('bob');
    const socket = serverSocket('ada');
    const conn = socket.conn;

    // A listener added after compaction is called; removing it leaves the others working.
    let packets = 0;
    const onPacket = (): void => {
      packets++;
    };
    conn.on('packet', onPacket);
    const received = nextEvent<Message>(bob, 'message');
    expect((await send(ada, 'bob', 'c-1', 'after compaction')).ok).toBe(true);
    expect((await received).content).toBe('after compaction');
    expect(packets).toBeGreaterThan(0);
    conn.off('packet', onPacket);
    const counted = packets;
    await request(ada, 'typing', {
      conversationId: (await received).conversationId,
      isTyping: true,
    });
    expect(packets).toBe(counted);

    // The disconnect runs engine.io's clean-ups (the trimmed array) and Socket.IO's own.
    const offline = nextEvent<OfflineEvent>(bob, 'offline', 3000, (p) => p.userId === 'ada');
    ada.close();
    await offline;
    expect(server.server.io.sockets.sockets.size).toBe(1);
  });

  it("still closes a connection on a WebSocket error, through the transport's own listener", async () => {
    const ada = await connect('ada');
    const bob = await connect('bob');
    // A frame over the 64 KiB default makes ws emit `error` on its WebSocket: with no listener
    // left for it, that would throw in this process.
    const closed = new Promise<string>((resolve) => ada.once('disconnect', resolve));
    ada.emit('typing', { conversationId: 'x'.repeat(70 * 1024), isTyping: true }, () => {});
    expect(await closed).toBe('transport close');
    expect(server.server.io.sockets.sockets.size).toBe(1);
    expect((await send(bob, 'ada', 'c-3', 'still up')).ok).toBe(true);
  });

  it('works for a client that starts on long-polling and upgrades to WebSocket', async () => {
    const ada = await connect('ada', ['polling', 'websocket']);
    const bob = await connect('bob');
    if (ada.io.engine.transport.name !== 'websocket') {
      await new Promise<void>((resolve) => ada.io.engine.once('upgrade', () => resolve()));
    }
    // The client switches once it has sent the upgrade packet, the server once it has read it.
    const { conn } = serverSocket('ada');
    if (conn.transport.name !== 'websocket') {
      await new Promise<void>((resolve) => conn.once('upgrade', () => resolve()));
    }
    expect(conn.transport.name).toBe('websocket');
    const received = nextEvent<Message>(ada, 'message');
    expect((await send(bob, 'ada', 'c-2', 'after the upgrade')).ok).toBe(true);
    expect((await received).content).toBe('after the upgrade');
  });
});
