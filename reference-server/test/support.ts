/**
 * Test support shared by the server, SDK and widget suites: a real server on a free port, real
 * tokens, real clients. Nothing here is mocked.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ClientToServerEvents, ServerToClientEvents } from '@parley/sdk/protocol';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { createChatServer } from '../src/index.js';
import type { ChatServer, ChatServerOptions } from '../src/index.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TokenClaims {
  name?: string;
  picture?: string;
  /** Seconds, or a string such as `2s`. Default one hour. */
  expiresIn?: number | string;
}

/** Signs a token the way a host app's backend would. */
export function signToken(
  userId: string,
  claims: TokenClaims = {},
  secret = TEST_JWT_SECRET,
): string {
  const { expiresIn = 3600, ...rest } = claims;
  return jwt.sign({ sub: userId, ...rest }, secret, {
    algorithm: 'HS256',
    expiresIn: expiresIn as number,
  });
}

export interface TestServer {
  url: string;
  port: number;
  server: ChatServer;
  token(userId: string, claims?: TokenClaims): string;
  close(): Promise<void>;
}

/** An in-process server on a free port with an in-memory database and silent logs. */
export async function startTestServer(
  options: Partial<ChatServerOptions> = {},
): Promise<TestServer> {
  const server = await createChatServer({
    port: 0,
    db: ':memory:',
    jwtSecret: TEST_JWT_SECRET,
    logLevel: 'silent',
    offlineGraceMs: 300,
    ...options,
  });
  return {
    url: server.url,
    port: server.port,
    server,
    token: (userId, claims) => signToken(userId, claims),
    close: () => server.close(),
  };
}

/** A connected Socket.IO client (rejects with the handshake error's data when refused). */
export function connectSocket(
  url: string,
  token: string,
  extra: Record<string, unknown> = {},
): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...extra,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits with an ack and resolves with the ack. */
export function request<T = Record<string, unknown>>(
  socket: TestSocket,
  event: string,
  ...args: unknown[]
): Promise<T> {
  return new Promise((resolve) => {
    (socket.emit as (e: string, ...a: unknown[]) => void)(event, ...args, (ack: T) => resolve(ack));
  });
}

/** Resolves with the next `event` that matches, or rejects after `ms`. */
export function nextEvent<T>(
  socket: TestSocket,
  event: keyof ServerToClientEvents,
  ms = 3000,
  match: (p: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (payload: T): void => {
      if (!match(payload)) return;
      clearTimeout(timer);
      (socket.off as (e: string, l: unknown) => void)(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      (socket.off as (e: string, l: unknown) => void)(event, listener);
      reject(new Error(`no ${event} event within ${ms} ms`));
    }, ms);
    (socket.on as (e: string, l: unknown) => void)(event, listener);
  });
}

/** Collects every `event` into an array (for "exactly once" and "never" checks). */
export function collect<T>(socket: TestSocket, event: keyof ServerToClientEvents): T[] {
  const seen: T[] = [];
  (socket.on as (e: string, l: (p: T) => void) => void)(event, (payload) => seen.push(payload));
  return seen;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** REST call with a bearer token; returns status, body and headers. */
export async function api<T = Record<string, unknown>>(
  base: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Output so far (stdout and stderr). */
  output(): string;
  /** Sends the signal (default SIGKILL) and waits for the exit; resolves with the exit code. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** The real `chat-server` bin in a child process, for crash and restart tests. */
export async function spawnServerProcess(opts: {
  port?: number;
  db: string;
  env?: Record<string, string>;
  args?: string[];
}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', BIN, '--port', String(port), '--db', opts.db, ...(opts.args ?? [])],
    {
      env: {
        ...process.env,
        CHAT_JWT_SECRET: TEST_JWT_SECRET,
        CHAT_LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('listening on ')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`chat-server exited with ${code} before listening:\n${output}`)),
    );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
