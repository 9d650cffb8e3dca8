import { reportHandlerError } from '../emitter.js';
import { Engine } from './engine.js';
import type { EngineCloseReason } from './engine.js';
import { PacketType, decodePacket, encodePacket } from './socket-packet.js';
import type { SocketPacket } from './socket-packet.js';
import type {
  ConnectError,
  DisconnectReason,
  EventsMap,
  ListenEventName,
  ListenerOf,
  LiteSocketOptions,
} from './types.js';

type AnyListener = (...args: unknown[]) => void;
interface Entry {
  listener: AnyListener;
  once: boolean;
}

/**
 * A Socket.IO v4 client socket on the default namespace over a plain WebSocket: connect with
 * `auth`, events with acknowledgements in both directions, server-side disconnects and a
 * heartbeat. There is no long-polling fallback, no reconnection (the SDK reconnects itself, with
 * a fresh socket each time), no multiplexing and no binary packets.
 *
 * @example
 * ```ts
 * const socket = new LiteSocket('https://chat.example.com', { auth: { token } });
 * socket.on('connect', () => socket.emit('join', (ack) => console.log(ack)));
 * ```
 */
export class LiteSocket<L extends EventsMap = EventsMap, E extends EventsMap = EventsMap> {
  id: string | undefined;
  private state: 'connecting' | 'connected' | 'closed' = 'connecting';
  private engine: Engine | null = null;
  private readonly listeners = new Map<string, Entry[]>();
  private readonly acks = new Map<number, AnyListener>();
  private nextAckId = 0;
  private sendBuffer: string[] = [];
  private connectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    url: string,
    private readonly options: LiteSocketOptions = {},
  ) {
    const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
    if (typeof WebSocketClass !== 'function') {
      setTimeout(() => this.refuse(new Error('WebSocket is not available: pass `WebSocket`')));
      return;
    }
    this.engine = new Engine(engineUrl(url, options.path), WebSocketClass, {
      onOpen: () => this.sendConnect(),
      onMessage: (data) => this.receive(data),
      onClose: (reason) => this.transportClosed(reason),
    });
    this.connectTimer = setTimeout(
      () => this.refuse(new Error('timeout')),
      options.timeout ?? 20_000,
    );
  }

  /** True between the server's CONNECT ack and the end of the connection. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  on<Ev extends ListenEventName<L>>(event: Ev, listener: ListenerOf<L, Ev>): this {
    return this.add(event, listener as AnyListener, false);
  }

  once<Ev extends ListenEventName<L>>(event: Ev, listener: ListenerOf<L, Ev>): this {
    return this.add(event, listener as AnyListener, true);
  }

  /** Removes one listener, every listener of an event, or every listener at all. */
  off<Ev extends ListenEventName<L>>(event?: Ev, listener?: ListenerOf<L, Ev>): this {
    if (event === undefined) this.listeners.clear();
    else if (listener === undefined) this.listeners.delete(event);
    else this.remove(event, listener as AnyListener);
    return this;
  }

  removeAllListeners(): this {
    return this.off();
  }

  /**
   * Sends an event; a function as the last argument is called with the server's acknowledgement.
   * Before the connection is up, packets wait in a buffer, as in socket.io-client.
   */
  emit<Ev extends keyof E & string>(event: Ev, ...args: Parameters<E[Ev]>): this {
    const data: unknown[] = [event, ...(args as unknown[])];
    let id: number | undefined;
    if (typeof data.at(-1) === 'function') {
      id = this.nextAckId++;
      this.acks.set(id, data.pop() as AnyListener);
    }
    const packet = encodePacket(PacketType.event, data, id);
    if (this.connected) this.engine?.send(packet);
    else this.sendBuffer.push(packet);
    return this;
  }

  /** Leaves: tells the server, closes the transport, and emits `disconnect` if connected. */
  disconnect(): this {
    const wasConnected = this.connected;
    if (wasConnected) this.engine?.send(encodePacket(PacketType.disconnect));
    this.teardown();
    if (wasConnected) this.dispatch('disconnect', 'io client disconnect');
    return this;
  }

  /** Alias of `disconnect()`. */
  close(): this {
    return this.disconnect();
  }

  private add(event: string, listener: AnyListener, once: boolean): this {
    const entries = this.listeners.get(event) ?? [];
    entries.push({ listener, once });
    this.listeners.set(event, entries);
    return this;
  }

  private remove(event: string, listener: AnyListener): void {
    const entries = this.listeners.get(event)?.filter((e) => e.listener !== listener);
    if (entries?.length) this.listeners.set(event, entries);
    else this.listeners.delete(event);
  }

  private dispatch(event: string, ...args: unknown[]): void {
    const entries = this.listeners.get(event);
    if (!entries) return;
    for (const entry of [...entries]) {
      if (entry.once) this.remove(event, entry.listener);
      try {
        entry.listener(...args);
      } catch (error) {
        reportHandlerError(error);
      }
    }
  }

  private sendConnect(): void {
    const auth = this.options.auth;
    const send = (data: Record<string, unknown>) => {
      this.engine?.send(encodePacket(PacketType.connect, data));
    };
    if (typeof auth === 'function') auth(send);
    else send(auth ?? {});
  }

  private receive(text: string): void {
    const packet = decodePacket(text);
    if (!packet) return this.transportClosed('parse error');
    if (packet.nsp !== '/') return;
    switch (packet.type) {
      case PacketType.connect:
        return this.connectAcked(packet.data as { sid?: unknown });
      case PacketType.connectError:
        return this.refuse(toConnectError(packet.data));
      case PacketType.event:
        return this.receiveEvent(packet);
      case PacketType.ack:
        return this.receiveAck(packet);
      case PacketType.disconnect:
        return this.closed('io server disconnect');
    }
  }

  private connectAcked(data: { sid?: unknown }): void {
    if (this.state !== 'connecting') return;
    clearTimeout(this.connectTimer);
    this.state = 'connected';
    this.id = typeof data.sid === 'string' ? data.sid : undefined;
    const buffered = this.sendBuffer;
    this.sendBuffer = [];
    for (const packet of buffered) this.engine?.send(packet);
    this.dispatch('connect');
  }

  private receiveEvent({ data, id }: SocketPacket): void {
    if (!this.connected) return;
    const [event, ...args] = data as [string, ...unknown[]];
    if (id !== undefined) {
      let answered = false;
      args.push((...reply: unknown[]) => {
        if (answered) return;
        answered = true;
        this.engine?.send(encodePacket(PacketType.ack, reply, id));
      });
    }
    this.dispatch(event, ...args);
  }

  private receiveAck({ data, id }: SocketPacket): void {
    const callback = id === undefined ? undefined : this.acks.get(id);
    if (!callback || id === undefined) return;
    this.acks.delete(id);
    try {
      callback(...(data as unknown[]));
    } catch (error) {
      reportHandlerError(error);
    }
  }

  /** The transport ended: `disconnect` once connected, `connect_error` before. */
  private transportClosed(reason: EngineCloseReason): void {
    if (this.connected) this.closed(reason);
    else this.refuse(new Error(reason === 'transport close' ? 'websocket error' : reason));
  }

  private closed(reason: DisconnectReason): void {
    if (!this.connected) return;
    this.teardown();
    this.dispatch('disconnect', reason);
  }

  /** The connection never came up (refused handshake, transport failure, timeout). */
  private refuse(error: ConnectError): void {
    if (this.state !== 'connecting') return;
    this.teardown();
    this.dispatch('connect_error', error);
  }

  private teardown(): void {
    clearTimeout(this.connectTimer);
    this.state = 'closed';
    this.id = undefined;
    this.engine?.close();
    this.engine = null;
    this.acks.clear();
    this.sendBuffer = [];
  }
}

/** `http(s)://host[:port]` to the Engine.IO WebSocket URL; the URL's own query is kept. */
function engineUrl(url: string, path = '/socket.io/'): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const u = new URL(url, base);
  if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol === 'http:') u.protocol = 'ws:';
  u.pathname = path.endsWith('/') ? path : `${path}/`;
  u.hash = '';
  u.searchParams.set('EIO', '4');
  u.searchParams.set('transport', 'websocket');
  return u.href;
}

/** `{ message, data }` of a CONNECT_ERROR packet as an `Error` carrying `.data`. */
function toConnectError(body: unknown): ConnectError {
  const { message, data } = body as { message?: unknown; data?: unknown };
  const error: ConnectError = new Error(typeof message === 'string' ? message : 'connect error');
  if (data !== undefined) error.data = data;
  return error;
}
