import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { ChatClient } from '../src/index.js';
import { makeClient, recordRequests } from './helpers.js';

/** Runs a fixture with tsx; resolves with its exit code and output. A hang fails the test. */
function run(fixture: string, env: Record<string, string> = {}) {
  const file = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

describe('lifecycle', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('disconnect() leaves nothing running: a Node script exits by itself', async () => {
    const { code, output } = await run('connect-send-exit.ts', {
      CHAT_URL: server.url,
      CHAT_TOKEN: server.token('scripted'),
      CHAT_PEER: 'listener',
    });
    expect(output).toContain('connected');
    expect(output).toContain('sent 1');
    expect(output).toContain('disconnected');
    expect(code).toBe(0); // killed by the guard (a hang) would be null
  });

  it('importing and constructing does nothing (SSR-safe)', async () => {
    const { code, output } = await run('import-only.ts');
    expect(output.trim()).toBe('idle');
    expect(code).toBe(0);
  });

  it('needs a token or a tokenProvider', () => {
    expect(() => new ChatClient({ url: server.url })).toThrow(/token/);
  });

  it("needs the chat server's absolute http(s) URL", () => {
    for (const url of ['', 'chat.example.com', '/chat', 'ftp://chat.example.com', 'http://']) {
      expect(() => new ChatClient({ url, token: 'x.y.z' }), url).toThrow(
        expect.objectContaining({
          code: 'bad_request',
          message: expect.stringMatching(/^url must be an absolute http\(s\) URL, not "/),
        }),
      );
    }
    expect(() => new ChatClient({ url: undefined as unknown as string, token: 'x.y.z' })).toThrow(
      /absolute http\(s\) URL/,
    );
    expect(
      new ChatClient({ url: 'https://chat.example.com/', token: 'x.y.z' }).getState().status,
    ).toBe('idle');
  });

  it('with a token in hand, asks for the list and opens the socket within connect()', async () => {
    // Within the call, not after the caller's task: a widget's first render does not hold them up.
    const requests = recordRequests(server.url);
    // The lite socket opens the platform's WebSocket (npm run test:sdk-lite); socket.io-client on
    // Node opens its own, which this test cannot see.
    const PlatformWebSocket = globalThis.WebSocket as typeof WebSocket | undefined;
    let sockets = 0;
    if (PlatformWebSocket) {
      globalThis.WebSocket = class extends PlatformWebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          sockets++;
        }
      };
    }
    const client = makeClient(server, 'early', {
      token: server.token('early', { name: 'Early' }),
      tokenProvider: undefined,
    });
    let connected: Promise<void>;
    try {
      connected = client.connect();
      expect(requests.asked).toEqual([expect.stringMatching(/^\/chat\/conversations\?/)]);
      if (PlatformWebSocket) expect(sockets).toBe(1);
      expect(client.getState().me).toMatchObject({ id: 'early', name: 'Early' });
    } finally {
      requests.stop();
      if (PlatformWebSocket) globalThis.WebSocket = PlatformWebSocket;
    }
    await connected;
    expect(client.getState().status).toBe('connected');
  });
});
