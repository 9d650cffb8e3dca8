/**
 * The script-tag host page: the floating widget's launcher badge and the page's own count follow
 * the unread total, the panel opens the conversation, and the page can drive the widget.
 */
import { ChatClient } from '@parley/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatServer } from '../../reference-server/src/index.js';
import { launchChromium, part, startDemoServer, watchErrors } from './support/browser.js';
import { demoToken } from './support/demo-token.js';

let server: ChatServer;
let browser: Browser;
let dave: ChatClient;
const errors: string[] = [];

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 5000 });

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  dave = new ChatClient({ url: server.url, tokenProvider: () => demoToken(server.url, 'dave') });
  await dave.connect();
});

afterAll(async () => {
  dave?.disconnect();
  await browser?.close();
  await server?.close();
});

async function openHostPage(): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  watchErrors(page, errors);
  await page.goto(`${server.url}/examples/script-tag/?user=carol`);
  await poll(() => page.locator('#who').textContent()).toBe('Signed in as Carol Diaz');
  return page;
}

describe('the script-tag example', () => {
  it(
    'shows unread counts on the launcher and in the page, cleared once read',
    { timeout: 60_000 },
    async () => {
      const page = await openHostPage();
      const launcher = part(page, 'launcher');
      await launcher.waitFor();
      expect(await part(page, 'panel').isVisible()).toBe(false);
      expect(await part(page, 'unread-badge').count()).toBe(0);

      const conversation = await dave.openConversation('carol');
      await dave.sendMessage(conversation.id, 'Hi Carol, the bike is still available.');
      await dave.sendMessage(conversation.id, 'Want to try it this weekend?');
      await poll(() => part(page, 'unread-badge').textContent()).toBe('2');
      await poll(() => page.locator('#inbox-count').textContent()).toBe('2');
      expect(await launcher.getAttribute('aria-label')).toContain('2 unread');

      await launcher.click();
      await part(page, 'conversation').filter({ hasText: 'Dave Okafor' }).click();
      await part(page, 'message').filter({ hasText: 'this weekend' }).waitFor();
      await part(page, 'unread-badge').waitFor({ state: 'detached' });
      await poll(() => page.locator('#inbox-count').textContent()).toBe('');
      await page.close();
      expect(errors).toEqual([]);
    },
  );

  it('lets the page open a conversation through the widget', { timeout: 60_000 }, async () => {
    const page = await openHostPage();
    await page.getByRole('button', { name: 'Ask the seller (Dave)' }).click();
    await poll(() => part(page, 'header').textContent()).toContain('Dave Okafor');
    const received = new Promise((resolve) => {
      const off = dave.on('message', (m) => {
        if (m.senderId === 'carol' && m.content === 'Is the price negotiable?') resolve(off());
      });
    });
    await part(page, 'composer-input').fill('Is the price negotiable?');
    await part(page, 'composer-input').press('Enter');
    await received;
    await page.close();
    expect(errors).toEqual([]);
  });
});
