/**
 * The React 19 page: <chat-widget> used directly in JSX, its tokenProvider set as a property, and
 * the unread total shown in the page's own header from `chat-unread-change`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChatClient } from '@parley/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatServer } from '../../reference-server/src/index.js';
import { launchChromium, part, startDemoServer, watchErrors } from './support/browser.js';
import { demoToken } from './support/demo-token.js';

const BUNDLE = fileURLToPath(new URL('../react/dist/app.js', import.meta.url));

let server: ChatServer;
let browser: Browser;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 5000 });

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error('Build the examples first: npm run build -w examples');
  server = await startDemoServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the React example', () => {
  it(
    'shows the unread count in its own header and follows the user switch',
    { timeout: 60_000 },
    async () => {
      const errors: string[] = [];
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      watchErrors(page, errors);
      await page.goto(`${server.url}/examples/react/?user=carol`);
      await poll(() => page.getByRole('status').first().textContent()).toBe(
        'Signed in as Carol Diaz',
      );
      // React set the function as a property, not as an attribute.
      expect(await page.locator('chat-widget').getAttribute('tokenprovider')).toBeNull();
      expect(await page.locator('chat-widget').getAttribute('server-url')).toBe(server.url);

      const dave = new ChatClient({
        url: server.url,
        tokenProvider: () => demoToken(server.url, 'dave'),
      });
      await dave.connect();
      const conversation = await dave.openConversation('carol');
      await dave.sendMessage(conversation.id, 'Your order shipped.');
      await dave.sendMessage(conversation.id, 'Tracking number: 42');
      await poll(() => page.getByTestId('unread').textContent()).toBe('2');

      await part(page, 'conversation').filter({ hasText: 'Dave Okafor' }).click();
      await part(page, 'message').filter({ hasText: 'Tracking number' }).waitFor();
      await page.getByTestId('unread').waitFor({ state: 'detached' });

      // Switching user mounts a new widget with a new token.
      await page.getByLabel('Demo user').selectOption('dave');
      await poll(() => page.getByRole('status').first().textContent()).toBe(
        'Signed in as Dave Okafor',
      );
      expect(new URL(page.url()).searchParams.get('user')).toBe('dave');
      dave.disconnect();
      await page.close();
      expect(errors).toEqual([]);
    },
  );
});
