/**
 * A listener map: event name to handler signature, as in Socket.IO's typed event maps. `any`, as
 * in socket.io-client: only an `any` index signature accepts event maps declared as interfaces.
 */
export interface EventsMap {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [event: string]: any;
}

/** Why a connected socket went away; the same strings as socket.io-client's. */
export type DisconnectReason =
  | 'io server disconnect'
  | 'io client disconnect'
  | 'ping timeout'
  | 'transport close'
  | 'transport error'
  | 'parse error';

/** The error of `connect_error`: a refused handshake carries the server's `data`. */
export interface ConnectError extends Error {
  data?: unknown;
}

/** Events the socket itself emits, beside the server's. */
export interface ReservedEvents {
  connect: () => void;
  connect_error: (error: ConnectError) => void;
  disconnect: (reason: DisconnectReason) => void;
}

/** Every event name a socket can listen to. */
export type ListenEventName<L extends EventsMap> = (keyof L | keyof ReservedEvents) & string;

/** The listener type of one event name, reserved or from the server's map. */
export type ListenerOf<L extends EventsMap, E> = E extends keyof ReservedEvents
  ? ReservedEvents[E]
  : E extends keyof L
    ? L[E]
    : never;

/** The constructor of a WHATWG WebSocket (the browser's, Node 22's, or the `ws` package's). */
export type WebSocketConstructor = new (url: string) => WebSocket;

/** Every event a socket can listen to: the reserved ones and the server's. */
export type ListenEvents<L extends EventsMap> = ReservedEvents & L;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never;

/**
 * One overload per event (an intersection of signatures), rather than one generic signature:
 * TypeScript can check a generic method of socket.io-client against concrete overloads, but not
 * against another generic signature built from different conditional types.
 */
export type PerEvent<M, Return> = UnionToIntersection<
  { [K in keyof M & string]: (event: K, listener: M[K]) => Return }[keyof M & string]
>;

/** `emit()` with one overload per client-to-server event. */
export type EmitPerEvent<E, Return> = UnionToIntersection<
  {
    [K in keyof E & string]: E[K] extends (...args: infer A) => void
      ? (event: K, ...args: A) => Return
      : never;
  }[keyof E & string]
>;

/**
 * The part of a Socket.IO client socket that the SDK relies on. socket.io-client's `Socket`
 * satisfies it as well as `LiteSocket`, so the SDK can be built against either.
 */
export interface SocketLike<L extends EventsMap, E extends EventsMap> {
  readonly connected: boolean;
  readonly id: string | undefined;
  on: PerEvent<ListenEvents<L>, unknown>;
  once: PerEvent<ListenEvents<L>, unknown>;
  off: PerEvent<ListenEvents<L>, unknown>;
  removeAllListeners(): unknown;
  emit: EmitPerEvent<E, unknown>;
  disconnect(): unknown;
  close(): unknown;
}

/** Options of the lite `io()`; socket.io-client's other options are accepted and ignored. */
export interface LiteSocketOptions {
  /** Sent with the CONNECT packet; a function is asked for it at each connection. */
  auth?: Record<string, unknown> | ((callback: (data: Record<string, unknown>) => void) => void);
  /** Engine.IO path on the server. Default `/socket.io/`. */
  path?: string;
  /** Gives up with `connect_error` ("timeout") when not connected in time, in ms. Default 20_000. */
  timeout?: number;
  /**
   * The WebSocket class to use. Default `globalThis.WebSocket` (browsers, Deno, Bun, Node 22+);
   * on Node 20 pass the `ws` package's `WebSocket`.
   */
  WebSocket?: WebSocketConstructor;
}
