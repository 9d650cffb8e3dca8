import type { Server as HttpServer } from 'node:http';
import type {
  Ack,
  AckCallback,
  ClientToServerEvents,
  Message,
  ServerToClientEvents,
} from '@parley/sdk/protocol';
import { Server } from 'socket.io';
import type { ServerOptions, Socket } from 'socket.io';
import { WebSocketServer } from 'ws';
import type { Identity } from '../auth/token-verifier.js';
import { ChatServerError, toChatServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parse, schemas } from '../schemas.js';
import type { ChatService } from '../service/chat-service.js';
import type { EventSink } from '../service/event-sink.js';
import type { RateLimits } from '../service/rate-limits.js';
import type { OriginPolicy } from '../http/origin-policy.js';
import { managedWrites } from './coalesced-writes.js';
import { compactConnection } from './compact-connection.js';

/**
 * What a connected socket keeps of its token: who it is and until when. The token's other claims
 * (a name, an avatar) are stored by the handshake and need not live as long as the socket.
 */
type SocketData = Pick<Identity, 'userId' | 'expiresAt'>;

export type ChatIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface TestHooks {
  /** Return true to drop the live `message` event to that recipient (the message stays stored). */
  dropMessageEvent?: (message: Message, recipientUserId: string) => boolean;
}

/** The payload type of an event's ack, read off the protocol's event map. */
type AckOf<E extends keyof ClientToServerEvents> =
  Parameters<ClientToServerEvents[E]> extends [
    ...unknown[],
    infer Callback extends AckCallback<never>,
  ]
    ? Omit<Extract<Parameters<Callback>[0], { ok: true }>, 'ok'>
    : never;

/** A user's room: every socket of theirs is in it (socket ids, the other rooms, have no colon). */
const USER_ROOM = 'user:';
const room = (userId: string): string => USER_ROOM + userId;
/**
 * How often every connected socket is checked for an expired token: one timer for all of them,
 * not one a socket (about 240 bytes each: the Timeout, its arguments, a WeakMap entry). A socket is
 * ended at most this long after its token's `exp`, whose unit is a second anyway.
 */
const EXPIRY_SWEEP_MS = 1000;
/**
 * What a connected socket's handshake keeps of the strings and objects that only the middleware
 * reads (the query, the URL, the time, the headers, the auth payload with its token): one shared
 * empty object instead of a few hundred bytes a socket. `address` and the flags stay.
 */
const NOTHING_KEPT: Record<string, never> = Object.freeze({});

/** The EventSink over Socket.IO rooms: one room per user holds all of that user's sockets. */
export function socketSink(io: ChatIo, hooks: TestHooks = {}): EventSink {
  return {
    emit(userIds, event, payload, options) {
      const rooms: string[] = [];
      for (const userId of new Set(userIds)) {
        if (event === 'message' && hooks.dropMessageEvent?.(payload as Message, userId)) continue;
        rooms.push(room(userId));
      }
      if (rooms.length === 0) return;
      // One broadcast to every room: the packet is encoded once, and a socket in two rooms
      // still gets it once.
      const target = options?.exceptSocketId
        ? io.to(rooms).except(options.exceptSocketId)
        : io.to(rooms);
      (target.emit as (e: string, p: unknown) => boolean)(event, payload);
    },
  };
}

/**
 * The transport settings of the reference server, which the benchmark's relay shares.
 *
 * `wsEngine` is our own pinned `ws`, not the one that engine.io's range picks: ws 8.23 closes a
 * connection that has 60 automatic pongs unsent, so a client that floods pings and never reads
 * cannot make the server buffer pongs without bound (ping frames are answered by ws itself, before
 * any of our limits).
 */
export function transportOptions(maxFrameBytes: number): Partial<ServerOptions> {
  return { maxHttpBufferSize: maxFrameBytes, serveClient: false, wsEngine: WebSocketServer };
}

export interface TransportLimits {
  /** Largest frame or long-polling body a client may send; a larger one closes its socket. */
  maxFrameBytes: number;
  /** What may wait unsent for a client that is not reading before it is dropped. */
  maxUnsentBytes: number;
}

export function createIo(
  httpServer: HttpServer,
  origins: OriginPolicy,
  limits: TransportLimits,
  logger: Logger,
): ChatIo {
  const io: ChatIo = new Server(httpServer, {
    ...transportOptions(limits.maxFrameBytes),
    // WebSocket is not covered by CORS: the allow-list is enforced on the handshake itself.
    allowRequest: (req, callback) => callback(null, origins.isAllowed(req.headers.origin)),
    cors: { origin: (origin, callback) => callback(null, origins.isAllowed(origin)) },
  });
  io.engine.on(
    'connection',
    managedWrites({
      maxUnsentBytes: limits.maxUnsentBytes,
      onDropped: (unsentBytes) =>
        logger.warn(
          { unsentBytes, maxUnsentBytes: limits.maxUnsentBytes },
          'dropped a connection that stopped reading',
        ),
    }),
  );
  return io;
}

function handshakeError(error: ChatServerError): Error {
  const err = new Error(error.message) as Error & { data: unknown };
  err.data = error.toBody();
  return err;
}

/** Runs a handler and answers its ack with `{ ok: true, ... }` or `{ ok: false, error }`. */
function handle<T extends object>(logger: Logger, callback: unknown, work: () => Promise<T>): void {
  if (typeof callback !== 'function') return; // Without an ack there is nobody to answer.
  const reply = callback as (ack: Ack<T>) => void;
  let answer: Promise<T>;
  try {
    answer = work();
  } catch (error) {
    answer = Promise.reject(error);
  }
  answer.then(
    (result) => reply({ ok: true, ...result }),
    (error: unknown) => {
      const chatError = toChatServerError(error);
      if (chatError.code === 'internal') logger.error({ err: error }, 'socket handler failed');
      reply({ ok: false, error: chatError.toBody() });
    },
  );
}

/** Lets the handshake's IncomingMessage be collected; `socket.handshake` keeps what was read. */
export function dropHandshakeRequest(socket: { conn: { request: unknown } }): void {
  socket.conn.request = null;
}

/** Serves the protocol's events on `io`; returns what stops it (the expiry sweep's timer). */
export function attachSocketHandlers(
  io: ChatIo,
  service: ChatService,
  verify: (token: string) => Identity,
  limits: RateLimits,
  logger: Logger,
  trustProxy = false,
): () => void {
  io.use((socket, next) => {
    // Behind a reverse proxy every socket shares the proxy's address: key the limit on the client's.
    const forwarded = trustProxy ? socket.handshake.headers['x-forwarded-for'] : undefined;
    const address =
      (typeof forwarded === 'string' && forwarded.split(',')[0]?.trim()) ||
      socket.handshake.address;
    limits
      .consume('handshakes', address)
      .then(() => {
        const token: unknown = socket.handshake.auth?.token;
        if (typeof token !== 'string' || token.length === 0) {
          throw new ChatServerError(
            'unauthorized',
            'Missing token: connect with io(url, { auth: { token } })',
          );
        }
        const identity = verify(token);
        socket.data = { userId: identity.userId, expiresAt: identity.expiresAt };
        // The token itself is let go with the rest of the handshake once connected (NOTHING_KEPT).
        return service.touch(identity);
      })
      .then(
        () => next(),
        (error: unknown) => next(handshakeError(toChatServerError(error))),
      );
  });

  // What each event does; `onEvent` below, shared by every socket, calls it: a connection costs no
  // closures of its own, which matters at tens of thousands of sockets.
  type Work = (socket: ChatSocket, payload: unknown) => Promise<object>;
  const work: {
    [E in keyof ClientToServerEvents]: (socket: ChatSocket, payload: unknown) => Promise<AckOf<E>>;
  } = {
    join: async (socket) => ({ userId: socket.data.userId }),
    // Not `async`: the service's promise is the ack's, with no frame of this one suspended on it
    // while the writer works (see ChatService.sendMessage). A bad payload throws, which `handle`
    // answers like a rejection.
    sendMessage: (socket, payload) => {
      const input =
        payload !== null && typeof payload === 'object' && 'toUserId' in payload
          ? parse(schemas.sendToUser, payload, 'payload')
          : parse(schemas.sendToConversation, payload, 'payload');
      return service.sendMessage(socket.data.userId, input);
    },
    typing: async (socket, payload) => {
      const input = parse(schemas.typing, payload, 'payload');
      await service.setTyping(socket.data.userId, socket.id, input.conversationId, input.isTyping);
      return {};
    },
    markAsRead: async (socket, payload) => {
      const { userId } = socket.data;
      await limits.consume('requests', userId);
      const input = parse(schemas.markAsRead, payload, 'payload');
      return service.markRead(userId, input.conversationId, input.messageId, socket.id);
    },
  };
  // One `onAny` listener for every socket (Socket.IO calls it with the socket as `this`) instead of
  // one listener an event: each entry in a socket's own table of listeners costs every connection
  // (about 90 bytes a socket in all: docs/performance.md). Unknown events are ignored, as they
  // would be without a listener.
  const events = new Map(Object.entries(work as Record<string, Work>));
  function onEvent(this: ChatSocket, event: string, ...args: unknown[]): void {
    // `onAny` runs before Socket.IO's own check that the socket is still connected (a packet
    // decoded in the tick that ended it, by the expiry sweep say): a closed socket does nothing.
    if (!this.connected) return;
    const run = events.get(event);
    // Untyped on purpose: a client may send anything, in any arity; the schema decides.
    if (run) handle(logger, args.at(-1), () => run(this, args.length > 1 ? args[0] : undefined));
  }
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const socket of io.sockets.sockets.values()) {
      if (socket.data.expiresAt > now) continue;
      socket.emit('sessionEnd', {
        code: 'token_expired',
        message: 'Token has expired: reconnect with a new one',
      });
      socket.disconnect(true);
    }
  }, EXPIRY_SWEEP_MS);
  sweep.unref();
  // A socket's disconnect, seen as it leaves its user's room (it never leaves it otherwise): one
  // listener on the namespace's adapter for all sockets, not a `disconnect` listener on each. The
  // adapter is looked up at each connection: `io.adapter(...)` (a Redis adapter, say) replaces it.
  const watched = new WeakSet<object>();
  function onLeaveRoom(left: string, socketId: string): void {
    if (left.startsWith(USER_ROOM))
      service.socketDisconnected(left.slice(USER_ROOM.length), socketId);
  }

  io.on('connection', (socket: ChatSocket) => {
    const { userId } = socket.data;
    // The handshake's HTTP request is no longer needed once the middleware above has read it: a
    // reference kept for the socket's life costs several KB each (Socket.IO's memory-usage guide).
    dropHandshakeRequest(socket);
    // Nor are its headers (the host app's cookies among them: a browser sends them all), its
    // query, URL and time: several hundred bytes a socket, and one copy less of a session cookie.
    const { handshake } = socket;
    handshake.headers = handshake.query = handshake.auth = NOTHING_KEPT;
    handshake.url = handshake.time = '';
    const { adapter } = socket.nsp;
    if (!watched.has(adapter)) {
      watched.add(adapter);
      adapter.on('leave-room', onLeaveRoom);
    }
    void socket.join(room(userId));
    service
      .socketConnected(userId)
      .catch((error: unknown) => logger.error({ err: error }, 'presence failed'));
    socket.onAny(onEvent);
    // Last, with every listener of the connection in place: about 1 KB a socket given back.
    compactConnection(socket);
  });
  return () => clearInterval(sweep);
}
