/**
 * A TCP proxy that holds every chunk for half a round trip in each direction: a link with
 * `rttMs` round trips and no bandwidth limit, between a page and a server on loopback. A new
 * connection's first bytes also wait for the round trip that the TCP handshake would take, so
 * that a request on a fresh connection costs two round trips, as it does on a real link.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface DelayProxy {
  readonly port: number;
  close(): Promise<void>;
}

/** Chunks queued in arrival order and written when their time comes, so order is kept. */
class DelayedPipe {
  private readonly queue: { at: number; chunk: Buffer }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    private readonly to: Socket,
    private readonly delayMs: number,
    private notBefore: number,
  ) {}

  push(chunk: Buffer): void {
    this.queue.push({ at: Math.max(performance.now() + this.delayMs, this.notBefore), chunk });
    this.schedule();
  }

  end(): void {
    this.ended = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const next = this.queue[0];
    if (!next) {
      if (this.ended) this.to.end();
      return;
    }
    this.timer = setTimeout(() => this.drain(), Math.max(0, next.at - performance.now()));
  }

  private drain(): void {
    this.timer = null;
    const now = performance.now();
    while (this.queue[0] && this.queue[0].at <= now + 0.5) {
      const { at, chunk } = this.queue.shift()!;
      this.notBefore = at;
      if (!this.to.destroyed) this.to.write(chunk);
    }
    this.schedule();
  }
}

/** Listens on a free port of 127.0.0.1 and relays each connection to `port` through the delay. */
export async function startDelayProxy(port: number, rttMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const half = rttMs / 2;
    const up = new DelayedPipe(upstream, half, performance.now() + rttMs + half);
    const down = new DelayedPipe(client, half, 0);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => up.push(chunk));
    client.on('end', () => up.end());
    upstream.on('data', (chunk: Buffer) => down.push(chunk));
    upstream.on('end', () => down.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
