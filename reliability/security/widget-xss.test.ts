/**
 * Widget: the shipped script-tag bundle (widget/dist/chat-widget.js, served by the server) in
 * headless Chromium, fed hostile data by a real server: message content, display names from token
 * claims and avatar URLs that try to break out of their attribute. Nothing runs, no handler
 * attribute or script element appears, links and images stay http(s).
 *
 * The widget's own browser tests (widget/src/chat-widget/chat-widget.xss.test.ts) cover the
 * components from source; this suite covers the built bundle end to end, with the hostile
 * profile arriving through the server rather than set as a property.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  freePort,
  request,
  signToken,
  startTestServer,
} from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { report } from '../support/report.js';
import { XSS_CONTENT } from '../../widget/test/xss-payloads.js';

const BUNDLE = fileURLToPath(new URL('../../widget/dist/chat-widget.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const PAYLOADS = [
  ...XSS_CONTENT,
  'https://ok.example.com/"onclick="window.__xss=7',
  '<iframe srcdoc="<script>parent.__xss=8</script>">',
  '<a href="javascript:window.__xss=9">x</a>',
  '{{constructor.constructor("window.__xss=10")()}}',
  '${window.__xss=11}',
  '\u202Egnp.exe <b>bold</b>',
  '<style>*{display:none}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=12>',
];
const HOSTILE_NAME = '<img src=x onerror="window.__xss=20">"\'><b>Mallory';
const HOSTILE_PICTURE = 'https://x.example/a.png"onerror="window.__xss=21"x="';

describe('widget bundle in Chromium', () => {
  // Never skipped: `npm test` builds the bundle first, and CI installs Debian's Chromium.
  beforeAll(() => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  });
  let server: TestServer | undefined;
  let page: Server | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    page?.close();
    await server?.close();
  });

  it('renders hostile content, names and avatars inert', async () => {
    const pagePort = await freePort();
    const pageOrigin = `http://127.0.0.1:${pagePort}`;
    server = await startTestServer({
      origins: [pageOrigin],
      rateLimits: { messages: 0, requests: 0, handshakes: 0 },
    });
    const mallory = signToken('mallory', { name: HOSTILE_NAME, picture: HOSTILE_PICTURE });
    const created = await api<{ conversation: { id: string } }>(
      server.url,
      mallory,
      'POST',
      '/chat/conversations',
      { userId: 'victim' },
    );
    expect(created.status).toBe(201);
    const socket = await connectSocket(server.url, mallory);
    for (const [i, content] of PAYLOADS.entries()) {
      const ack = await request<{ ok: boolean }>(socket, 'sendMessage', {
        conversationId: created.body.conversation.id,
        content,
        clientMessageId: `x${i}`,
      });
      expect(ack.ok).toBe(true);
    }
    socket.close();

    const html = `<!doctype html><meta charset="utf-8"><title>xss</title>
<script src="${server.url}/widget/chat-widget.js"></script>
<chat-widget server-url="${server.url}" token="${signToken('victim', { name: 'Victim' })}"
  mode="inline" conversation-with="mallory" style="height:600px;display:block"></chat-widget>`;
    page = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(html),
    );
    await new Promise<void>((resolve) => page!.listen(pagePort, '127.0.0.1', resolve));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const tab = await browser.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const pageErrors: string[] = [];
    tab.on('pageerror', (e) => pageErrors.push(e.message));
    await tab.goto(pageOrigin);

    // Everything below the widget, through every shadow root.
    const inspect = () =>
      tab.evaluate(() => {
        const all: Element[] = [];
        const walk = (root: ParentNode): void => {
          for (const el of root.querySelectorAll('*')) {
            all.push(el);
            if (el.shadowRoot) walk(el.shadowRoot);
          }
        };
        walk(document.querySelector('chat-widget')!.shadowRoot ?? document);
        const text = all.map((el) => (el.shadowRoot ? '' : (el.textContent ?? ''))).join('\n');
        return {
          xss: (window as unknown as { __xss?: number }).__xss ?? null,
          text,
          handlers: all.flatMap((el) =>
            el
              .getAttributeNames()
              .filter((a) => a.startsWith('on'))
              .map((a) => `${el.tagName}[${a}]`),
          ),
          tags: [...new Set(all.map((el) => el.tagName))].filter((t) =>
            ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'MATH', 'SVG'].includes(t),
          ),
          images: all.filter((el) => el.tagName === 'IMG').map((el) => el.getAttribute('src')),
          links: all.filter((el) => el.tagName === 'A').map((el) => el.getAttribute('href')),
        };
      });
    const deadline = Date.now() + 20_000;
    let seen = await inspect();
    while (!PAYLOADS.every((p) => seen.text.includes(p)) && Date.now() < deadline) {
      await tab.waitForTimeout(250);
      seen = await inspect();
    }
    // Hover and click everything, to give any injected handler its chance.
    await tab.evaluate(() => {
      const walk = (root: ParentNode): void => {
        for (const el of root.querySelectorAll('*')) {
          for (const type of ['mouseover', 'focus'])
            el.dispatchEvent(new Event(type, { bubbles: true }));
          if (el.tagName === 'A')
            el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
    });
    await tab.waitForTimeout(500);
    seen = await inspect();
    report('widget-xss', {
      payloads: PAYLOADS.length,
      shown: PAYLOADS.filter((p) => seen.text.includes(p)).length,
      nameShown: seen.text.includes(HOSTILE_NAME),
      images: seen.images,
      links: seen.links,
      dialogs: dialogs.length,
      pageErrors,
    });
    expect(PAYLOADS.filter((p) => !seen.text.includes(p))).toEqual([]); // shown verbatim, as text
    expect(seen.text).toContain(HOSTILE_NAME);
    expect(seen.xss).toBeNull();
    expect(dialogs).toEqual([]);
    expect(seen.handlers).toEqual([]);
    expect(seen.tags.filter((t) => t !== 'STYLE' && t !== 'SVG')).toEqual([]);
    for (const src of seen.images) expect(src).toMatch(/^https?:\/\/[^"\s]*$/);
    for (const href of seen.links) expect(href).toMatch(/^https?:\/\/[^"\s]*$/);
  });
});
