/**
 * A Socket.IO client at the frame level, over a bare WebSocket: it can send what no well-behaved
 * client would (malformed packets, deep nesting, lying binary headers) and connect from another
 * loopback address (`localAddress: '127.0.0.2'`), the way a distinct attacker would.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';

export interface RawSocketOptions {
  token?: string;
  origin?: string;
  localAddress?: string;
  /** Give up after this many ms (the handshake or the wait for a frame). Default 5000. */
  timeoutMs?: number;
}

export class RawSocket {
  readonly frames: string[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? '<binary>' : data.toString();
      if (frame === '2') ws.send('3'); // engine.io ping → pong
      this.frames.push(frame);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('error', () => undefined);
  }

  /**
   * Opens the engine.io WebSocket and sends the Socket.IO CONNECT packet; resolves with the
   * socket and the CONNECT answer (`40{"sid":…}` or `44{"message":…,"data":…}`).
   */
  static async open(base: string, options: RawSocketOptions = {}): Promise<[RawSocket, string]> {
    const url = `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, {
      localAddress: options.localAddress,
      headers: options.origin ? { origin: options.origin } : {},
      handshakeTimeout: options.timeoutMs ?? 5000,
    });
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    await socket.next((f) => f.startsWith('0'), options.timeoutMs);
    ws.send(`40${JSON.stringify(options.token === undefined ? {} : { token: options.token })}`);
    const answer = await socket.next(
      (f) => f.startsWith('40') || f.startsWith('44'),
      options.timeoutMs,
    );
    return [socket, answer];
  }

  /** The TCP socket under the WebSocket, for frames written raw (a flood) and for its counters. */
  get tcp(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  send(frame: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  /** Resolves with the first frame (received so far or later) that matches, or rejects. */
  async next(match: (frame: string) => boolean, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined) {
        this.frames.splice(this.frames.indexOf(found), 1);
        return found;
      }
      if (this.closed) throw new Error('socket closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching frame in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
