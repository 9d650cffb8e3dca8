import { EnginePacket, parseHandshake } from './engine-packet.js';
import type { EngineHandshake } from './engine-packet.js';
import type { WebSocketConstructor } from './types.js';

/** Why the transport ended, in socket.io-client's words. */
export type EngineCloseReason =
  'transport close' | 'transport error' | 'ping timeout' | 'parse error';

export interface EngineHandlers {
  /** The server's open packet arrived: the transport is ready for Socket.IO packets. */
  onOpen(handshake: EngineHandshake): void;
  /** The data of one message packet (`4…`). */
  onMessage(data: string): void;
  /** The transport ended on its own (never called after `close()`). */
  onClose(reason: EngineCloseReason): void;
}

/**
 * Engine.IO v4 over one WebSocket, with no polling and no upgrade. The server pings every
 * `pingInterval`; we answer each ping and expect the next one within `pingInterval + pingTimeout`,
 * else the connection is dead even if TCP has not noticed (a sleeping laptop, a silent proxy).
 */
export class Engine {
  private readonly ws: WebSocket;
  private handshake: EngineHandshake | null = null;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  constructor(
    url: string,
    WebSocketClass: WebSocketConstructor,
    private readonly handlers: EngineHandlers,
  ) {
    const ws = new WebSocketClass(url);
    this.ws = ws;
    ws.onmessage = (event: MessageEvent) => {
      // Binary frames are binary messages, which the chat protocol never sends.
      if (typeof event.data === 'string') this.receive(event.data);
    };
    ws.onerror = () => this.end('transport error');
    ws.onclose = () => this.end('transport close');
  }

  /** True once the open packet arrived and until the transport ends. */
  get open(): boolean {
    return this.handshake !== null && !this.ended;
  }

  /** Sends one message packet; dropped when the transport is not open. */
  send(data: string): void {
    if (this.open) this.ws.send(EnginePacket.message + data);
  }

  /** Closes the transport; no handler is called afterwards. */
  close(): void {
    this.ended = true;
    clearTimeout(this.pingTimer);
    this.ws.close();
  }

  private receive(frame: string): void {
    if (this.ended) return;
    const type = frame.charAt(0);
    const data = frame.slice(1);
    if (type === EnginePacket.open) {
      const handshake = this.handshake ? null : parseHandshake(data);
      if (!handshake) return this.end('parse error');
      this.handshake = handshake;
      this.armPingTimeout();
      this.handlers.onOpen(handshake);
    } else if (!this.handshake) {
      this.end('parse error');
    } else if (type === EnginePacket.ping) {
      this.ws.send(EnginePacket.pong);
      this.armPingTimeout();
    } else if (type === EnginePacket.message) {
      this.handlers.onMessage(data);
    } else if (type === EnginePacket.close) {
      this.end('transport close');
    }
  }

  private armPingTimeout(): void {
    const handshake = this.handshake;
    if (!handshake) return;
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(
      () => this.end('ping timeout'),
      handshake.pingInterval + handshake.pingTimeout,
    );
  }

  private end(reason: EngineCloseReason): void {
    if (this.ended) return;
    this.close();
    this.handlers.onClose(reason);
  }
}
