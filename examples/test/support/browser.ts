/**
 * Browser support for the example tests: Debian's Chromium driven by playwright-core (no browser
 * download), and a demo-mode reference server that serves the pages itself, so that each page's
 * origin is the server's origin.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import { createChatServer } from '../../../reference-server/src/index.js';
import type { ChatServer } from '../../../reference-server/src/index.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WIDGET_BUNDLE = fileURLToPath(
  new URL('../../../widget/dist/chat-widget.js', import.meta.url),
);

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** The reference server in demo mode on a free port, with an in-memory database. */
export function startDemoServer(): Promise<ChatServer> {
  if (!existsSync(WIDGET_BUNDLE)) {
    throw new Error('The widget bundle is not built: run `npm run build -w widget` first');
  }
  return createChatServer({
    port: 0,
    db: ':memory:',
    demo: true,
    logLevel: 'silent',
    offlineGraceMs: 300,
  });
}

/** Fails the test with the page's console errors and uncaught exceptions, which are otherwise lost. */
export function watchErrors(page: Page, into: string[]): void {
  page.on('pageerror', (error) => into.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') into.push(`${page.url()}: ${message.text()}`);
  });
}

/** Parts of <chat-widget>: playwright's CSS locators pierce open shadow roots. */
export function part(scope: Page | Locator, name: string): Locator {
  return scope.locator(`[part~="${name}"]`);
}
