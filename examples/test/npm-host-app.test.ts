/**
 * The npm host app: its backend signs chat tokens for its signed-in user only, with a secret that
 * never leaves the server, and its bundled page (SDK + widget from npm) chats through a real
 * reference server on another origin.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChatClient } from '@parley/sdk';
import jwt from 'jsonwebtoken';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  freePort,
  signToken,
  startTestServer,
  TEST_JWT_SECRET,
} from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { createHostApp } from '../npm-host-app/server.js';
import type { HostApp } from '../npm-host-app/server.js';
import { launchChromium, part, watchErrors } from './support/browser.js';

const BUNDLE = fileURLToPath(new URL('../npm-host-app/dist/app.js', import.meta.url));

let chat: TestServer;
let host: HostApp;

beforeAll(async () => {
  const port = await freePort();
  // Two origins, as in production: the chat server must allow the host app's.
  chat = await startTestServer({ origins: [`http://127.0.0.1:${port}`] });
  host = await createHostApp({ chatUrl: chat.url, jwtSecret: TEST_JWT_SECRET, port });
});

afterAll(async () => {
  await host?.close();
  await chat?.close();
});

async function signIn(name: string): Promise<string> {
  const res = await fetch(`${host.url}/api/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/);
  return cookie.split(';')[0]!;
}

describe('the npm host app backend', () => {
  it('signs a chat token for the signed-in user only', async () => {
    const anonymous = await fetch(`${host.url}/api/chat-token`, { method: 'POST' });
    expect(anonymous.status).toBe(401);

    const cookie = await signIn('Zoë Keller');
    const res = await fetch(`${host.url}/api/chat-token`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token } = (await res.json()) as { token: string };
    const claims = jwt.verify(token, TEST_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'zoe-keller', name: 'Zoë Keller' });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(15 * 60);

    // The chat server accepts it.
    const contacts = await api(chat.url, token, 'GET', '/chat/conversations');
    expect(contacts.status).toBe(200);

    const session = await fetch(`${host.url}/api/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({
      user: { id: 'zoe-keller', name: 'Zoë Keller' },
      chatUrl: chat.url,
    });
    await fetch(`${host.url}/api/sign-out`, { method: 'POST', headers: { cookie } });
    const after = await fetch(`${host.url}/api/chat-token`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(after.status).toBe(401);
  });

  it('never sends the secret to the browser', async () => {
    for (const path of ['/', '/app.js', '/style.css', '/api/session']) {
      const text = await (await fetch(`${host.url}${path}`)).text();
      expect(text).not.toContain(TEST_JWT_SECRET);
    }
  });

  it('refuses a bad sign-in with a message', async () => {
    const res = await fetch(`${host.url}/api/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: ' ' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Give a name of 1 to 100 characters' });
  });
});

describe('the npm host app page', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error('Build the examples first: npm run build -w examples');
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it(
    'signs in, connects the widget through its own token endpoint and shows unread counts',
    { timeout: 60_000 },
    async () => {
      const errors: string[] = [];
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      watchErrors(page, errors);
      await page.goto(host.url);
      await page.getByLabel('Your name').fill('Alice Martin');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();

      const bob = new ChatClient({
        url: chat.url,
        token: signToken('bob', { name: 'Bob Nguyen' }),
      });
      await bob.connect();
      const conversation = await bob.openConversation('alice-martin');
      await bob.sendMessage(conversation.id, 'Welcome to Teamboard!');
      await expect
        .poll(() => page.locator('#nav-unread').textContent(), { timeout: 5000 })
        .toBe('1');

      // The session is the host app's: a reload keeps it, and the chat with it.
      await page.reload();
      await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
      await part(page, 'conversation').filter({ hasText: 'Bob Nguyen' }).click();
      await part(page, 'message').filter({ hasText: 'Welcome to Teamboard!' }).waitFor();
      await expect
        .poll(() => page.locator('#nav-unread').textContent(), { timeout: 5000 })
        .toBe('');
      bob.disconnect();
      await page.close();
      expect(errors).toEqual([]);
    },
  );
});
