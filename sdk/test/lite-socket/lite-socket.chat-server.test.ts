import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../../reference-server/test/support.js';
import type { TestServer } from '../../../reference-server/test/support.js';
import type {
  ClientToServerEvents,
  ErrorBody,
  ServerToClientEvents,
  SessionEndEvent,
} from '../../src/index.js';
import type {
  ConnectError,
  LiteSocket,
  WebSocketConstructor,
} from '../../src/lite-socket/index.js';
import { connected, liteSocket, nextDisconnect } from './support.js';

type ChatLiteSocket = LiteSocket<ServerToClientEvents, ClientToServerEvents>;

let server: TestServer;
const open: LiteSocket[] = [];
beforeAll(async () => {
  server = await startTestServer({ origins: ['http://allowed.example'] });
});
afterAll(() => server.close());
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
});

function chatSocket(token: string, WebSocket?: WebSocketConstructor): ChatLiteSocket {
  const socket = liteSocket<ServerToClientEvents, ClientToServerEvents>(server.url, {
    auth: (cb) => cb({ token }),
    ...(WebSocket ? { WebSocket } : {}),
  });
  open.push(socket as unknown as LiteSocket);
  return socket;
}

async function refusal(socket: ChatLiteSocket): Promise<ConnectError> {
  try {
    await connected(socket);
  } catch (error) {
    return error as ConnectError;
  }
  throw new Error('connected, but a refusal was expected');
}

describe('lite socket against the chat server', () => {
  it('connects with auth and gets acks from the chat events', async () => {
    const socket = await connected(chatSocket(server.token('lite-alice')));
    const ack = await new Promise((resolve) => socket.emit('join', resolve));
    expect(ack).toEqual({ ok: true, userId: 'lite-alice' });
  });

  it('connect_error carries the refusal in .data', async () => {
    const error = await refusal(chatSocket('not-a-jwt'));
    expect((error.data as ErrorBody).code).toBe('unauthorized');
    expect(error.message).toBeTruthy();

    const expired = await refusal(chatSocket(server.token('lite-bob', { expiresIn: -10 })));
    expect((expired.data as ErrorBody).code).toBe('token_expired');
  });

  it('connect_error when the handshake comes from an origin outside the allow-list', async () => {
    const { WebSocket } = await import('ws');
    const foreign = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://evil.example' });
      }
    } as unknown as WebSocketConstructor;
    await expect(connected(chatSocket(server.token('lite-carol'), foreign))).rejects.toThrow();

    const allowed = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://allowed.example' });
      }
    } as unknown as WebSocketConstructor;
    await connected(chatSocket(server.token('lite-carol'), allowed));
  });

  it('a token that expires ends the socket with sessionEnd, then "io server disconnect"', async () => {
    // 2 s, not 1: `exp` is in whole seconds, so a 1 s token signed late in a second may expire
    // before the handshake (seen once in CI: the connect was refused with token_expired).
    const socket = await connected(chatSocket(server.token('lite-dave', { expiresIn: 2 })));
    const ended = new Promise<SessionEndEvent>((resolve) => socket.on('sessionEnd', resolve));
    const reason = nextDisconnect(socket as unknown as LiteSocket);
    expect((await ended).code).toBe('token_expired');
    expect(await reason).toBe('io server disconnect');
  });

  it('leaves nothing running after disconnect(): a Node script exits by itself', async () => {
    const file = fileURLToPath(new URL('../fixtures/lite-connect-exit.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      env: { ...process.env, CHAT_URL: server.url, CHAT_TOKEN: server.token('lite-erin') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (exitCode) => {
        clearTimeout(guard);
        resolve(exitCode);
      });
    });
    expect(output).toContain('joined lite-erin');
    expect(output).toContain('disconnected');
    expect(code).toBe(0);
  });
});
