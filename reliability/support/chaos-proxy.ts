/**
 * A TCP proxy on loopback that misbehaves on purpose: it delays chunks (in order, as TCP would),
 * stalls whole connections for a while, and cuts connections at random. Clients connect to it
 * instead of the server; the server never knows. It also plays a slow link for the benchmark
 * (`setLink`): round trips of a fixed length, and a handshake's worth more on a new connection.
 */
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Random } from './random.js';

export interface ChaosOptions {
  /** Chance per chunk of an extra delay, and its range in ms. */
  delayChance: number;
  delayMs: [number, number];
  /** Chance per tick (every 100 ms) and per connection of a stall, and its range in ms. */
  stallChance: number;
  stallMs: [number, number];
  /** Chance per tick and per connection of a cut. */
  cutChance: number;
}

export interface ProxyStats {
  connections: number;
  chunks: number;
  delayed: number;
  stalls: number;
  cuts: number;
}

/** A link between the clients and the proxy: every chunk waits half a round trip each way. */
export interface Link {
  rttMs: number;
}

interface Pipe {
  client: Socket;
  upstream: Socket;
  openedAt: number;
  stalledUntil: number;
  /** Known from the first request: a WebSocket upgrade or plain HTTP (REST). */
  kind: 'ws' | 'http' | undefined;
}

/** A fixed extra delay on what the server sends back, by kind of connection. */
export interface Lag {
  ws?: number;
  http?: number;
}

export class ChaosProxy {
  readonly stats: ProxyStats = { connections: 0, chunks: 0, delayed: 0, stalls: 0, cuts: 0 };
  private readonly server: Server;
  private readonly pipes = new Set<Pipe>();
  private chaos: ChaosOptions | null = null;
  private lag: Lag = {};
  private link: Link | null = null;
  private ticker: NodeJS.Timeout | undefined;
  port = 0;

  constructor(
    private readonly upstreamPort: number,
    private readonly random: Random,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    this.ticker = setInterval(() => this.tick(), 100);
  }

  /** Starts misbehaving (or behaves again with `null`). */
  setChaos(chaos: ChaosOptions | null): void {
    this.chaos = chaos;
  }

  /** Delays every server-to-client chunk of one kind of connection (a targeted, fixed fault). */
  setLag(lag: Lag): void {
    this.lag = lag;
  }

  /**
   * Plays a link of `rttMs` round trips (or none, with `null`). A new connection's first bytes
   * reach the server a round trip later than the rest would, as after a TCP handshake (no TLS).
   */
  setLink(link: Link | null): void {
    this.link = link;
  }

  /**
   * Stops reading what the server sends on the WebSocket connections open now, as a client that no
   * longer reads would (the server's writes then fill the buffers and wait), or reads it again.
   */
  holdServerData(held: boolean): void {
    for (const pipe of this.pipes) {
      if (pipe.kind !== 'ws') continue;
      if (held) pipe.upstream.pause();
      else pipe.upstream.resume();
    }
  }

  /** Cuts every open connection at once. */
  cutAll(): void {
    for (const pipe of this.pipes) this.cut(pipe);
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    const pipe: Pipe = { client, upstream, openedAt: Date.now(), stalledUntil: 0, kind: undefined };
    this.pipes.add(pipe);
    client.once('data', (chunk: Buffer) => {
      pipe.kind = /^upgrade:\s*websocket/im.test(chunk.toString('latin1')) ? 'ws' : 'http';
    });
    this.forward(pipe, client, upstream, false);
    this.forward(pipe, upstream, client, true);
    const end = (): void => {
      this.pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  /** Copies `from` to `to`, each chunk released no earlier than the one before it. */
  private forward(pipe: Pipe, from: Socket, to: Socket, downstream: boolean): void {
    let releaseAt = 0;
    from.on('data', (chunk: Buffer) => {
      this.stats.chunks++;
      const now = Date.now();
      const lag = downstream && pipe.kind ? (this.lag[pipe.kind] ?? 0) : 0;
      const half = this.link ? this.link.rttMs / 2 : 0;
      const handshake = this.link && !downstream ? pipe.openedAt + this.link.rttMs + half : 0;
      let at = Math.max(now + lag + half, releaseAt, pipe.stalledUntil, handshake);
      const chaos = this.chaos;
      if (chaos && this.random.chance(chaos.delayChance)) {
        this.stats.delayed++;
        at += this.random.int(...chaos.delayMs);
      }
      releaseAt = at;
      if (at <= now) {
        to.write(chunk);
        return;
      }
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, at - now);
    });
  }

  private tick(): void {
    const chaos = this.chaos;
    if (!chaos) return;
    for (const pipe of this.pipes) {
      if (this.random.chance(chaos.cutChance)) {
        this.cut(pipe);
      } else if (this.random.chance(chaos.stallChance)) {
        this.stats.stalls++;
        pipe.stalledUntil = Date.now() + this.random.int(...chaos.stallMs);
      }
    }
  }

  private cut(pipe: Pipe): void {
    this.stats.cuts++;
    this.pipes.delete(pipe);
    // A reset, not a FIN: the peer learns of it only when it next reads or writes.
    pipe.client.resetAndDestroy();
    pipe.upstream.resetAndDestroy();
  }
}
