/**
 * The first minute, in a real browser: two people on the demo page chat both ways through the real
 * server, see typing and presence change, keep their history across a reload and get the right
 * unread counts. Needs the widget bundle (`npm run build -w widget`) and Debian's Chromium.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatServer } from '../../reference-server/src/index.js';
import { launchChromium, part, startDemoServer, watchErrors } from './support/browser.js';

const SCREENSHOT = fileURLToPath(new URL('../../docs/screenshots/demo.png', import.meta.url));
const VIEWPORT = { width: 620, height: 860 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: ChatServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  watchErrors(page, errors);
  await page.goto(`${server.url}${path}`);
  return page;
}

/** Waits up to 5 s for a condition (expect.poll's default is 1 s). */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 5000 });

const header = (page: Page) => part(page, 'header');
const composer = (page: Page) => part(page, 'composer-input');
const messages = (page: Page) => part(page, 'message');

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await poll(() => messages(page).last().getAttribute('data-status')).toMatch(/sent|read/);
}

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo page', () => {
  it(
    'lets two users chat, with typing, presence, reloads and unread counts',
    { timeout: 120_000 },
    async () => {
      // Alice arrives on a fresh page and picks herself from the list.
      const alice = await open('/');
      await poll(() => alice.getByRole('note').textContent()).toContain('This is a demo');
      await alice.getByLabel('Alice Martin').check();
      await alice.getByRole('button', { name: 'Start chatting' }).click();
      await poll(() => alice.locator('#me').textContent()).toBe('Alice Martin');
      expect(new URL(alice.url()).searchParams.get('user')).toBe('alice');
      await poll(() => alice.locator('#chat').textContent()).toContain('second window');

      // She starts a conversation with Bob, who is not there yet.
      await alice.getByRole('button', { name: 'Bob', exact: true }).click();
      await composer(alice).waitFor();
      await poll(() => header(alice).textContent()).toContain('Bob Nguyen');
      const presence = header(alice).locator('[data-presence]');
      await poll(() => presence.getAttribute('data-presence')).toBe('offline');

      // Bob opens a second window with the link the demo suggests.
      const bob = await open('/?user=bob');
      await poll(() => bob.locator('#me').textContent()).toBe('Bob Nguyen');
      await poll(() => presence.getAttribute('data-presence')).toBe('online');

      // Bob sees the conversation Alice started and opens it.
      const item = part(bob, 'conversation').filter({ hasText: 'Alice Martin' });
      await item.click();
      await composer(bob).waitFor();

      // Alice types: Bob sees it. She sends: he gets it and the indicator goes away.
      await composer(alice).pressSequentially('Hi Bob');
      await part(bob, 'typing-indicator').waitFor();
      expect(await part(bob, 'typing-indicator').textContent()).toContain('Alice Martin is typing');
      await composer(alice).press('Enter');
      await messages(bob).filter({ hasText: 'Hi Bob' }).waitFor();
      await part(bob, 'typing-indicator').waitFor({ state: 'detached' });

      // And back: Bob types and replies, Alice sees both; her message shows as read.
      await composer(bob).pressSequentially('Hello Alice!');
      await part(alice, 'typing-indicator').waitFor();
      await composer(bob).press('Enter');
      await messages(alice).filter({ hasText: 'Hello Alice!' }).waitFor();
      await poll(() =>
        messages(alice).filter({ hasText: 'Hi Bob' }).getAttribute('data-status'),
      ).toBe('read');
      await send(alice, 'How is the new chat working out?');
      await messages(bob).filter({ hasText: 'new chat' }).waitFor();

      // A screenshot of the two windows for the README (when missing or asked for).
      if (process.env.PARLEY_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) {
        await composer(bob).pressSequentially('Great, so far');
        await part(alice, 'typing-indicator').waitFor();
        await screenshotSideBySide(alice, bob);
        await composer(bob).fill('');
      }

      // Bob goes back to his list; Alice writes twice: his list and the page header count 2.
      await bob.getByRole('button', { name: 'Back to conversations' }).click();
      await send(alice, 'One more thing');
      await send(alice, 'Are you free at 3?');
      const count = item.locator('.count');
      await poll(() => count.textContent()).toBe('2');
      await poll(() => bob.locator('#unread').textContent()).toBe('2 unread');
      await poll(() => bob.title()).toBe('(2) Parley demo');

      // Bob reloads: still Bob, still 2 unread (counts come from the server's read cursors).
      await bob.reload();
      await poll(() => bob.locator('#me').textContent()).toBe('Bob Nguyen');
      await poll(() => item.locator('.count').textContent()).toBe('2');
      await poll(() => bob.locator('#unread').textContent()).toBe('2 unread');

      // Alice reloads and keeps the whole history.
      await alice.reload();
      await part(alice, 'conversation').filter({ hasText: 'Bob Nguyen' }).click();
      for (const text of ['Hi Bob', 'Hello Alice!', 'new chat', 'One more thing', 'free at 3'])
        await messages(alice).filter({ hasText: text }).waitFor();
      await poll(() => messages(alice).count()).toBe(5);

      // Bob opens the conversation: everything read, counts cleared, Alice sees the receipts.
      await item.click();
      await messages(bob).filter({ hasText: 'free at 3' }).waitFor();
      await poll(() => bob.locator('#unread').textContent()).toBe('');
      await poll(() => bob.title()).toBe('Parley demo');
      await poll(() => messages(alice).last().getAttribute('data-status')).toBe('read');

      // Bob leaves: Alice sees him go offline.
      await bob.context().close();
      await poll(() => header(alice).locator('[data-presence]').getAttribute('data-presence')).toBe(
        'offline',
      );

      expect(errors).toEqual([]);
    },
  );

  it('has no axe-core violations, signed out and signed in', { timeout: 60_000 }, async () => {
    // axe is injected as an inline script, which the page's CSP forbids: bypass it for this check.
    const context = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Start chatting' }).waitFor();
    const violations = async () => {
      await page.addScriptTag({ path: AXE });
      return page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
          }
        ).axe;
        const results = await axe.run();
        return results.violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
    };
    expect(await violations()).toEqual([]);
    await page.getByLabel('or type any name').fill('Zoë Keller');
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await poll(() => page.locator('#me').textContent()).toBe('Zoë Keller');
    expect(new URL(page.url()).searchParams.get('user')).toBe('zoe-keller');
    await part(page, 'header').waitFor();
    expect(await violations()).toEqual([]);
  });
});

/** Puts the two windows' screenshots side by side in one image. */
async function screenshotSideBySide(left: Page, right: Page): Promise<void> {
  const shots = await Promise.all(
    [left, right].map((p) => p.screenshot({ fullPage: true, animations: 'disabled' })),
  );
  const page = await browser.newPage({
    viewport: { width: VIEWPORT.width * 2 + 24, height: 400 },
  });
  const img = (png: Buffer) =>
    `<img alt="" src="data:image/png;base64,${png.toString('base64')}" width="${VIEWPORT.width}">`;
  await page.setContent(
    `<body style="margin:0;padding:8px;background:#cbd5e1;display:flex;gap:8px;align-items:flex-start">${shots
      .map(img)
      .join('')}</body>`,
  );
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  writeFileSync(SCREENSHOT, await page.screenshot({ fullPage: true }));
  await page.close();
}
