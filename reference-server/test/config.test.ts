import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseCli } from '../src/cli.js';
import { createChatServer } from '../src/index.js';
import { api, freePort, spawnServerProcess, TEST_JWT_SECRET } from './support.js';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bin to completion (for start-up failures) and returns its exit code and output. */
function runBin(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stderr: string; stdout: string } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CHAT_')),
  );
  const result = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('start-up errors say what to do', () => {
  it('refuses to start without a JWT key outside demo mode', () => {
    const r = runBin(['--port', '0', '--db', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/No JWT key: set --jwt-secret/);
    expect(r.stderr).toMatch(/--demo/);
  });

  it('refuses an HS256 secret shorter than 32 bytes', () => {
    const r = runBin(['--port', '0', '--db', ':memory:'], { CHAT_JWT_SECRET: 'short' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/5 bytes; at least 32 are required/);
  });

  it('refuses a request timeout that is not a positive whole number of ms', async () => {
    for (const requestTimeoutMs of [0, -1, 1.5, Number.NaN]) {
      await expect(
        createChatServer({ port: 0, db: ':memory:', jwtSecret: TEST_JWT_SECRET, requestTimeoutMs }),
      ).rejects.toThrow(`requestTimeoutMs: ${requestTimeoutMs} is not a positive integer`);
    }
  });

  it('refuses a bound on unsent bytes that is not a positive whole number', async () => {
    for (const maxUnsentBytes of [0, -1, 1.5, Number.NaN]) {
      await expect(
        createChatServer({ port: 0, db: ':memory:', jwtSecret: TEST_JWT_SECRET, maxUnsentBytes }),
      ).rejects.toThrow(`maxUnsentBytes: ${maxUnsentBytes} is not a positive integer`);
    }
  });

  it('names a port in use', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const r = runBin([
        '--port',
        String(port),
        '--db',
        ':memory:',
        '--jwt-secret',
        TEST_JWT_SECRET,
      ]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`Port ${port} .* already in use`));
    } finally {
      blocker.close();
    }
  });

  it('names a database path that cannot be written', () => {
    // A regular file where a folder should be: unwritable even for root.
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const r = runBin([
      '--port',
      '0',
      '--db',
      join(blocker, 'chat.db'),
      '--jwt-secret',
      TEST_JWT_SECRET,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Cannot open the database at .*not-a-folder.*--db/);
  });

  it('says what a bundle of the server is missing when writer-thread.js is not beside it', async () => {
    const { build } = await import('esbuild');
    // Inside the repository, so that the bundle's packages resolve as the sources' do.
    const bundleDir = fileURLToPath(
      new URL(`../../node_modules/.cache/parley-config-test/${process.pid}/`, import.meta.url),
    );
    const outfile = join(bundleDir, 'chat-server.mjs');
    onTestFinished(() => rmSync(bundleDir, { recursive: true, force: true }));
    await build({
      entryPoints: [BIN],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
    const result = spawnSync(
      process.execPath,
      [outfile, '--port', '0', '--db', join(dir, 'bundled.db'), '--jwt-secret', TEST_JWT_SECRET],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /writer-thread\.js is missing beside .*chat-server\.mjs: a bundle of the server must emit/,
    );
  });

  it('refuses unknown flags and bad values with the usage', () => {
    expect(runBin(['--bogus']).stderr).toMatch(/Unknown option '--bogus'[\s\S]*Usage: chat-server/);
    expect(runBin(['--port', 'eighty']).stderr).toMatch(/--port: "eighty" is not a whole number/);
    expect(runBin(['--origins', 'not a url', '--jwt-secret', TEST_JWT_SECRET]).stderr).toMatch(
      /--origins/,
    );
  });

  it('prints the usage with --help', () => {
    const r = runBin(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--require-connections/);
  });
});

describe('configuration', () => {
  it('lets a flag win over its environment variable', () => {
    const parsed = parseCli(['--port', '4001', '--demo'], {
      PORT: '5000',
      HOST: '0.0.0.0',
      CHAT_RATE_LIMIT_MESSAGES: '7',
      CHAT_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect(parsed.options).toMatchObject({
      port: 4001,
      host: '0.0.0.0',
      demo: true,
      rateLimits: { messages: 7 },
      origins: ['https://a.example', 'https://b.example'],
    });
  });

  it('prints "listening on" with the bound address and serves /health', async () => {
    const server = await spawnServerProcess({ db: ':memory:' });
    try {
      expect(server.output()).toContain(`listening on http://127.0.0.1:${server.port}`);
      const health = await api(server.url, null, 'GET', '/health');
      expect(health.body).toMatchObject({ ok: true });
    } finally {
      expect(await server.kill('SIGTERM')).toBe(0);
    }
  });

  it('allows configured origins exactly', async () => {
    const server = await createChatServer({
      port: 0,
      db: ':memory:',
      jwtSecret: TEST_JWT_SECRET,
      logLevel: 'silent',
      origins: ['https://app.example.com/'],
    });
    try {
      const token = (await import('./support.js')).signToken('o');
      const ok = await api(server.url, token, 'GET', '/chat/unread-count', undefined, {
        origin: 'https://app.example.com',
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      for (const origin of [
        'https://evilapp.example.com',
        'https://app.example.com.evil.io',
        'http://app.example.com',
      ]) {
        expect(
          (await api(server.url, token, 'GET', '/chat/unread-count', undefined, { origin })).status,
          origin,
        ).toBe(403);
      }
    } finally {
      await server.close();
    }
  });

  it('serves the widget bundle path, or says how to build it', async () => {
    const server = await createChatServer({
      port: 0,
      db: ':memory:',
      jwtSecret: TEST_JWT_SECRET,
      logLevel: 'silent',
      widgetBundlePath: join(dir, 'missing.js'),
    });
    try {
      const res = await api(server.url, null, 'GET', '/widget/chat-widget.js');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        error: { message: expect.stringMatching(/npm run build/) },
      });
    } finally {
      await server.close();
    }
  });
});

describe('demo mode', () => {
  it('is off unless asked for', async () => {
    const port = await freePort();
    const server = await createChatServer({
      port,
      db: ':memory:',
      jwtSecret: TEST_JWT_SECRET,
      logLevel: 'silent',
    });
    try {
      expect((await api(server.url, null, 'POST', '/demo/token', { userId: 'x' })).status).toBe(
        404,
      );
    } finally {
      await server.close();
    }
  });

  it('mints tokens for demo users, signed with a secret made at start', async () => {
    const server = await createChatServer({
      port: 0,
      db: ':memory:',
      demo: true,
      logLevel: 'silent',
    });
    try {
      const users = await api<{ users: Array<{ id: string }> }>(
        server.url,
        null,
        'GET',
        '/demo/users',
      );
      expect(users.body.users.map((u) => u.id)).toContain('alice');
      const minted = await api<{ token: string; demo: boolean }>(
        server.url,
        null,
        'POST',
        '/demo/token',
        { userId: 'alice' },
      );
      expect(minted.body.demo).toBe(true);
      const contacts = await api<{ users: Array<{ id: string }> }>(
        server.url,
        minted.body.token,
        'GET',
        '/chat/contacts',
      );
      expect(contacts.body.users.map((u) => u.id)).toEqual(
        expect.arrayContaining(['bob', 'carol']),
      );
      expect((await api(server.url, null, 'POST', '/demo/token', { userId: '' })).status).toBe(400);
      const page = await fetch(`${server.url}/examples/script-tag/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<chat-widget');
      for (const source of [
        '/examples/test/demo.e2e.test.ts',
        '/examples/bot/echo-bot.ts',
        '/examples/npm-host-app/server.ts',
        '/examples/react/README.md',
      ]) {
        expect((await fetch(`${server.url}${source}`)).status, source).toBe(404);
      }
    } finally {
      await server.close();
    }
  });
});
