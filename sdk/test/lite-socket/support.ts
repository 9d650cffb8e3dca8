/**
 * Helpers of the lite socket's tests: a plain Socket.IO server (for heartbeat settings the chat
 * server does not expose), a TCP proxy that can go silent, and lite sockets over the `ws`
 * package's WebSocket (Node 20 has no global one). All real: no mocked socket.
 */
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { Server } from 'socket.io';
import type { ServerOptions, Socket as ServerSocket } from 'socket.io';
import { WebSocket } from 'ws';
import { io } from '../../src/lite-socket/index.js';
import type {
  ConnectError,
  DisconnectReason,
  EventsMap,
  LiteSocket,
  LiteSocketOptions,
  WebSocketConstructor,
} from '../../src/lite-socket/index.js';

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** A lite socket on the `ws` package's WebSocket. */
export function liteSocket<L extends EventsMap = EventsMap, E extends EventsMap = EventsMap>(
  url: string,
  options: LiteSocketOptions = {},
): LiteSocket<L, E> {
  return io<L, E>(url, { WebSocket: NodeWebSocket, ...options });
}

/** Resolves once connected; rejects with the `connect_error` error. */
export function connected<L extends EventsMap, E extends EventsMap>(
  socket: LiteSocket<L, E>,
): Promise<LiteSocket<L, E>> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: ConnectError) => reject(error));
  });
}

/** The reason of the next `disconnect`. */
export function nextDisconnect(socket: LiteSocket): Promise<DisconnectReason> {
  return new Promise((resolve) => socket.once('disconnect', resolve));
}

export interface PlainServer {
  url: string;
  port: number;
  io: Server;
  /** The server side of each socket, in the order they connected. */
  sockets: ServerSocket[];
  close(): Promise<void>;
}

/** A bare Socket.IO server on a free port, WebSocket only like the lite client. */
export async function plainServer(options: Partial<ServerOptions> = {}): Promise<PlainServer> {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'], ...options });
  const sockets: ServerSocket[] = [];
  server.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    io: server,
    sockets,
    close: () => new Promise((resolve) => void server.close(() => resolve())),
  };
}

export interface SilentProxy {
  url: string;
  /** From now on, forward nothing in either direction (but keep the TCP connections open). */
  silence(): void;
  close(): Promise<void>;
}

/** A TCP proxy to `port` that can go silent, as a dead NAT or a sleeping laptop's link does. */
export async function silentProxy(port: number): Promise<SilentProxy> {
  let silent = false;
  const open = new Set<TcpSocket>();
  const server = createTcpServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(from);
      from.on('data', (chunk) => {
        if (!silent) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    silence: () => {
      silent = true;
    },
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
