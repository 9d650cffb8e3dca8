import { backoffDelay, Timers } from './backoff.js';
import { ChatError } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import type {
  Ack,
  ErrorBody,
  MarkAsReadPayload,
  ReadResult,
  SendMessageAck,
  SendMessagePayload,
} from './protocol.js';
import { createSocket } from './socket-factory.js';
import type { TokenSource } from './token-source.js';
import type { ConnectionStatus } from './types.js';

export interface ConnectionOptions {
  url: string;
  tokens: TokenSource;
  transports: Array<'websocket' | 'polling'>;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Registers the chat's server-event handlers on a fresh socket (once per socket). */
  bind(socket: ChatSocket): void;
  onConnect(): void;
  onStatus(status: ConnectionStatus): void;
  /** `fatal`: the connection gave up for good (status `error`). */
  onError(error: ChatError, fatal: boolean): void;
}

/** Refusals at the handshake that no retry fixes. */
const FATAL_CODES = new Set(['forbidden', 'bad_request']);

/**
 * One Socket.IO connection, kept up with our own backoff and jitter. Socket.IO's built-in
 * reconnection is off: it does not come back after the server closes a socket itself
 * (`io server disconnect`, sent after `sessionEnd`) nor after a refused handshake, and it cannot
 * refresh the token first. Each attempt uses a fresh socket, and the previous one loses every
 * listener, so no handler is ever registered twice.
 */
export class Connection {
  private socket: ChatSocket | null = null;
  private readonly timers = new Timers();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private running = false;
  private generation = 0;
  private refreshFirst = false;
  private endCode: string | null = null;

  constructor(private readonly options: ConnectionOptions) {}

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempts = 0;
    this.options.onStatus('connecting');
    void this.attempt();
  }

  /** Closes the socket and cancels every timer; nothing is left running. */
  stop(): void {
    this.running = false;
    this.generation++;
    this.timers.clearAll();
    this.retryTimer = undefined;
    this.dispose();
  }

  /**
   * Sends a message and waits for its ack.
   *
   * @throws {ChatError} `network` when not connected or dropped before the ack, `timeout`.
   */
  sendMessage(payload: SendMessagePayload, timeoutMs: number): Promise<Ack<SendMessageAck>> {
    return this.withSocket(timeoutMs, (s, cb) => s.emit('sendMessage', payload, cb));
  }

  /**
   * Marks read and waits for the ack. A read is worth knowing even late: an ack that comes after
   * the timeout goes to `onLateAck`, because the server has moved the cursor, and it tells only
   * this user's other sockets, not this one.
   *
   * @throws {ChatError} `network` or `timeout`, as `sendMessage`.
   */
  markAsRead(
    payload: MarkAsReadPayload,
    timeoutMs: number,
    onLateAck: (ack: Ack<ReadResult>) => void,
  ): Promise<Ack<ReadResult>> {
    return this.withSocket(timeoutMs, (s, cb) => s.emit('markAsRead', payload, cb), onLateAck);
  }

  /** Fire and forget: typing is worthless once late, so it is never queued. */
  typing(conversationId: string, isTyping: boolean): void {
    if (this.connected) this.socket?.emit('typing', { conversationId, isTyping }, () => undefined);
  }

  private withSocket<T extends object>(
    timeoutMs: number,
    emit: (socket: ChatSocket, callback: (ack: Ack<T>) => void) => void,
    onLateAck?: (ack: Ack<T>) => void,
  ): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket?.connected) {
      return Promise.reject(new ChatError('network', 'not connected'));
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.timers.clear(timer);
        socket.off('disconnect', onDrop);
        fn();
      };
      const onDrop = () =>
        finish(() => reject(new ChatError('network', 'disconnected before the ack')));
      const timer = this.timers.set(
        () => finish(() => reject(new ChatError('timeout', 'no ack in time'))),
        timeoutMs,
      );
      socket.on('disconnect', onDrop);
      emit(socket, (ack) => {
        if (settled) onLateAck?.(ack);
        else finish(() => resolve(ack));
      });
    });
  }

  private async attempt(): Promise<void> {
    const generation = this.generation;
    let token: string;
    try {
      // With a token in hand the socket opens within start() (its caller's task), not later.
      token = this.refreshFirst
        ? await this.options.tokens.refresh()
        : (this.options.tokens.usable ?? (await this.options.tokens.get()));
      this.refreshFirst = false;
    } catch (error) {
      if (generation !== this.generation) return;
      const err = ChatError.from(error, 'unauthorized');
      if (this.options.tokens.canRefresh) {
        this.options.onError(err, false);
        this.retry();
      } else {
        this.fail(err);
      }
      return;
    }
    if (generation !== this.generation) return;
    this.dispose();
    const socket = createSocket(this.options.url, {
      transports: this.options.transports,
      auth: (cb) => cb({ token: this.options.tokens.current ?? token }),
    });
    this.socket = socket;
    this.endCode = null;
    this.options.bind(socket);
    socket.on('sessionEnd', (event) => {
      this.endCode = event.code;
    });
    socket.on('connect', () => {
      this.attempts = 0;
      this.options.onStatus('connected');
      this.options.onConnect();
    });
    socket.on('connect_error', (err) => {
      if (socket !== this.socket) return;
      const data = err.data as Partial<ErrorBody> | undefined;
      const code = data?.code;
      if (code === 'token_expired' || code === 'unauthorized') {
        if (!this.options.tokens.canRefresh) {
          this.fail(ChatError.fromBody(data));
          return;
        }
        this.refreshFirst = true;
      } else if (code && FATAL_CODES.has(code)) {
        this.fail(ChatError.fromBody(data));
        return;
      }
      const after = data?.retryAfter;
      this.retry(typeof after === 'number' ? after * 1000 : undefined);
    });
    socket.on('disconnect', (reason) => {
      if (socket !== this.socket || reason === 'io client disconnect') return;
      if (this.endCode === 'token_expired') {
        this.refreshFirst = true;
        if (!this.options.tokens.canRefresh) {
          this.fail(new ChatError('token_expired', 'the session token expired'));
          return;
        }
      }
      this.retry();
    });
  }

  private retry(delayMs?: number): void {
    if (!this.running || this.retryTimer !== undefined) return;
    this.options.onStatus('reconnecting');
    const delay =
      delayMs ?? backoffDelay(this.attempts++, this.options.baseDelayMs, this.options.maxDelayMs);
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = undefined;
      void this.attempt();
    }, delay);
  }

  private fail(error: ChatError): void {
    this.options.onError(error, true);
    this.running = false;
    this.generation++;
    this.timers.clearAll();
    this.retryTimer = undefined;
    this.dispose();
    this.options.onStatus('error');
  }

  private dispose(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.removeAllListeners();
    socket.disconnect();
  }
}
