import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../../reference-server/test/support.js';
import type { LiteSocket } from '../../src/lite-socket/index.js';
import { connected, liteSocket, nextDisconnect, plainServer, silentProxy } from './support.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(pingInterval: number, pingTimeout: number) {
  const server = await plainServer({ pingInterval, pingTimeout });
  cleanups.push(() => server.close());
  return server;
}

function track(socket: LiteSocket): LiteSocket {
  cleanups.push(() => socket.disconnect());
  return socket;
}

describe('lite socket heartbeat', () => {
  it('answers every ping, so the server keeps it far past pingInterval + pingTimeout', async () => {
    const server = await start(50, 100);
    const socket = track(await connected(liteSocket(server.url)));
    const reasons: string[] = [];
    socket.on('disconnect', (reason) => reasons.push(reason));
    const serverSide = server.sockets[0];
    let serverReason: string | undefined;
    serverSide?.on('disconnect', (reason) => (serverReason = reason));

    // Twenty ping rounds: a client that did not pong would be gone after the first 150 ms.
    await sleep(1_000);
    expect(serverReason).toBeUndefined();
    expect(serverSide?.connected).toBe(true);
    expect(socket.connected).toBe(true);
    expect(reasons).toEqual([]);
    // And the connection still carries events both ways.
    const answer = await new Promise((resolve) => {
      serverSide?.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
      socket.emit('echo', 'still here', resolve);
    });
    expect(answer).toBe('still here');
  });

  it('detects a server that went silent: "ping timeout" after pingInterval + pingTimeout', async () => {
    const server = await start(100, 100);
    const proxy = await silentProxy(server.port);
    cleanups.push(() => proxy.close());
    const socket = track(await connected(liteSocket(proxy.url)));
    const reason = nextDisconnect(socket);
    proxy.silence(); // TCP stays up; nothing gets through, as on a dead NAT mapping.
    const silencedAt = Date.now();
    expect(await reason).toBe('ping timeout');
    const elapsed = Date.now() - silencedAt;
    expect(elapsed).toBeLessThan(2_000);
    expect(socket.connected).toBe(false);
  });

  it('gives up with connect_error "timeout" when the handshake never completes', async () => {
    const server = await start(100, 100);
    const proxy = await silentProxy(server.port);
    cleanups.push(() => proxy.close());
    proxy.silence();
    const socket = track(liteSocket(proxy.url, { timeout: 300 }));
    await expect(connected(socket)).rejects.toThrow('timeout');
    expect(socket.connected).toBe(false);
  });
});
