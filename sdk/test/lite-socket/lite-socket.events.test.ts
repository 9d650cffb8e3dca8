import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../../reference-server/test/support.js';
import type { LiteSocket } from '../../src/lite-socket/index.js';
import { connected, liteSocket, nextDisconnect, plainServer } from './support.js';
import type { PlainServer } from './support.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ server: PlainServer; socket: LiteSocket }> {
  const server = await plainServer();
  cleanups.push(() => server.close());
  const socket = liteSocket(server.url);
  cleanups.push(() => socket.disconnect());
  await connected(socket);
  return { server, socket };
}

describe('lite socket events and acknowledgements', () => {
  it('matches each ack to its emit by id, even when the server answers out of order', async () => {
    const { server, socket } = await setup();
    server.sockets[0]?.on('echo', (n: number, ack: (n: number) => void) => {
      setTimeout(() => ack(n * 10), (20 - n) * 5); // the last asked is answered first
    });
    const answers = await Promise.all(
      Array.from(
        { length: 20 },
        (_, n) => new Promise<number>((resolve) => socket.emit('echo', n, resolve)),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, (_, n) => n * 10));
  });

  it('carries several arguments and JSON values both ways, and events without an ack', async () => {
    const { server, socket } = await setup();
    const serverSide = server.sockets[0];
    const got = new Promise<unknown[]>((resolve) =>
      serverSide?.on('many', (...args: unknown[]) => resolve(args)),
    );
    const payload = { text: 'héllo "quoted" \u2028 <b>', list: [1, null, true], nested: { a: 1 } };
    socket.emit('many', payload, 42, 'x');
    expect(await got).toEqual([payload, 42, 'x']);

    const received = new Promise<unknown[]>((resolve) =>
      socket.on('news', (...args: unknown[]) => resolve(args)),
    );
    serverSide?.emit('news', payload, 7);
    expect(await received).toEqual([payload, 7]);
  });

  it('answers the server when it asks for an ack', async () => {
    const { server, socket } = await setup();
    socket.on('question', (n: number, ack: (answer: number) => void) => ack(n + 1));
    const answer: unknown = await server.sockets[0]?.timeout(2_000).emitWithAck('question', 41);
    expect(answer).toBe(42);
  });

  it('sends what was emitted before the connection was up, once it is', async () => {
    const server = await plainServer();
    cleanups.push(() => server.close());
    const seen: unknown[] = [];
    server.io.on('connection', (s) => s.on('early', (v: unknown) => seen.push(v)));
    const socket = liteSocket(server.url);
    cleanups.push(() => socket.disconnect());
    socket.emit('early', 1);
    socket.emit('early', 2);
    await connected(socket);
    await sleep(100);
    expect(seen).toEqual([1, 2]);
  });

  it('once() listens once; off() removes one listener', async () => {
    const { server, socket } = await setup();
    const calls: string[] = [];
    const keep = () => calls.push('keep');
    const removed = () => calls.push('removed');
    socket.once('tick', () => calls.push('once'));
    socket.on('tick', keep);
    socket.on('tick', removed);
    socket.off('tick', removed);
    server.sockets[0]?.emit('tick');
    server.sockets[0]?.emit('tick');
    await sleep(100);
    expect(calls).toEqual(['once', 'keep', 'keep']);
  });
});

describe('lite socket disconnect reasons', () => {
  it('"io server disconnect" when the server disconnects the socket', async () => {
    const { server, socket } = await setup();
    const reason = nextDisconnect(socket);
    server.sockets[0]?.disconnect(true);
    expect(await reason).toBe('io server disconnect');
    expect(socket.connected).toBe(false);
    expect(socket.id).toBeUndefined();
  });

  it('"transport close" when the connection itself is closed', async () => {
    const { server, socket } = await setup();
    const reason = nextDisconnect(socket);
    server.sockets[0]?.conn.close();
    expect(await reason).toBe('transport close');
  });

  it('"io client disconnect" locally; the server sees the client leave on purpose', async () => {
    const { server, socket } = await setup();
    const serverReason = new Promise<string>((resolve) =>
      server.sockets[0]?.on('disconnect', resolve),
    );
    const reasons: string[] = [];
    socket.on('disconnect', (reason) => reasons.push(reason));
    expect(socket.id).toBe(server.sockets[0]?.id);
    socket.disconnect();
    socket.disconnect(); // idempotent
    expect(reasons).toEqual(['io client disconnect']);
    expect(await serverReason).toBe('client namespace disconnect');
  });

  it('connect_error when nothing listens', async () => {
    const server = await plainServer();
    const url = server.url;
    await server.close();
    const socket = liteSocket(url);
    cleanups.push(() => socket.disconnect());
    await expect(connected(socket)).rejects.toThrow();
  });
});
