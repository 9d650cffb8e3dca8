// Takes the screenshots in docs/screenshots/: light, dark and a 360 px wide phone layout.
// Needs a build (`npm run build -w sdk -w widget`); run `node --import tsx widget/build/screenshots.mjs`.
// The page is served from a local server: a page with no address may not open a WebSocket.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';
import { chromium } from 'playwright-core';
import { ChatClient, memoryStorage } from '../../sdk/dist/index.js';
import { createChatServer } from '../../reference-server/src/index.ts';

const out = new URL('../../docs/screenshots/', import.meta.url).pathname;
const bundle = readFileSync(new URL('../dist/chat-widget.js', import.meta.url), 'utf8');

const hostCss = (theme) => `
  body { margin: 0; min-height: 100vh; font: 16px/1.5 Georgia, serif; color: ${theme === 'dark' ? '#ccd' : '#333'};
    background: ${theme === 'dark' ? '#0b0e14' : '#f3f1ec'}; }
  main { max-width: 560px; padding: 32px; }
  h1 { font-size: 28px; margin: 0 0 12px; }`;

const page = (serverUrl, token, theme) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Parley widget</title>
<link rel="stylesheet" href="/host.css?theme=${theme}">
<script src="/chat-widget.js" defer></script></head>
<body><main><h1>Acme Store</h1><p>Your order #1042 is on its way. Questions? Chat with us.</p></main>
<chat-widget server-url="${serverUrl}" token="${token}" theme="${theme}" conversation-with="bob" open></chat-widget>
</body></html>`;

const server = await createChatServer({
  port: 0,
  host: '127.0.0.1',
  db: ':memory:',
  demo: true,
  origins: ['http://127.0.0.1:8791'],
  logLevel: 'silent',
  rateLimits: { messages: 0 },
});
const sign = (sub, name, picture) =>
  jwt.sign({ sub, name, ...(picture ? { picture } : {}) }, server.demoSecret, {
    algorithm: 'HS256',
    expiresIn: 3600,
  });

async function client(sub, name) {
  const c = new ChatClient({ url: server.url, token: sign(sub, name), storage: memoryStorage() });
  await c.connect();
  return c;
}

// Conversations of "alice": Bob (online, typing), Carol and Dave (offline, unread).
const alice = await client('alice', 'Alice Martin');
const bob = await client('bob', 'Bob Nguyen');
const carol = await client('carol', 'Carol Diaz');
const dave = await client('dave', 'Dave Okafor');
const dc = await dave.openConversation('alice');
await dave.sendMessage(dc.id, 'Invoice sent, thanks!');
const cc = await carol.openConversation('alice');
await carol.sendMessage(cc.id, 'Can we move our call to 3pm?');
await carol.sendMessage(cc.id, 'Tomorrow works too.');
const bc = await bob.openConversation('alice');
const script = [
  [bob, 'Hi Alice! Did the parcel arrive?'],
  [alice, 'Not yet, the tracking page says tomorrow.'],
  [alice, 'Is there a way to change the delivery address?'],
  [bob, 'Sure: open https://example.com/orders/1042 and pick "Change address".'],
  [bob, 'It takes effect right away.'],
  [alice, 'Perfect, done. Thank you!'],
];
for (const [who, text] of script) await who.sendMessage(bc.id, text);
await bob.markAsRead(bc.id);
carol.disconnect();
dave.disconnect();
alice.disconnect();

const http = createServer((req, res) => {
  if (req.url === '/chat-widget.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    return;
  }
  const theme = new URL(req.url, 'http://x').searchParams.get('theme') ?? 'light';
  if (req.url.startsWith('/host.css')) {
    res.writeHead(200, { 'content-type': 'text/css' }).end(hostCss(theme));
    return;
  }
  res
    .writeHead(200, {
      'content-type': 'text/html',
      // The widget runs under a strict CSP: no inline script or style, no eval, Trusted Types.
      'content-security-policy': `default-src 'self'; connect-src 'self' ${server.url} ${server.url.replace('http', 'ws')}; img-src 'self' https:; require-trusted-types-for 'script'`,
    })
    .end(page(server.url, sign('alice', 'Alice Martin'), theme));
});
await new Promise((resolve) => http.listen(8791, '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const shots = [
  { name: 'widget-light', theme: 'light', viewport: { width: 900, height: 760 } },
  { name: 'widget-dark', theme: 'dark', viewport: { width: 900, height: 760 } },
  { name: 'widget-360', theme: 'light', viewport: { width: 360, height: 720 }, mobile: true },
];
try {
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: shot.viewport,
      deviceScaleFactor: shot.mobile ? 2 : 1,
      colorScheme: shot.theme,
    });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(`http://127.0.0.1:8791/?theme=${shot.theme}`);
    await tab.waitForFunction(() => {
      const w = document.querySelector('chat-widget');
      const text = (el) => el?.shadowRoot?.textContent ?? '';
      const view = w?.shadowRoot?.querySelector('chat-conversation-view');
      const list = view?.shadowRoot?.querySelector('chat-message-list');
      return text(list).includes('Perfect, done');
    });
    bob.setTyping(bc.id, true);
    await tab.waitForFunction(() => {
      const view = document
        .querySelector('chat-widget')
        ?.shadowRoot?.querySelector('chat-conversation-view');
      return !!view?.shadowRoot?.querySelector('[part="typing-indicator"]');
    });
    await tab.waitForTimeout(300);
    await tab.screenshot({ path: `${out}${shot.name}.png` });
    if (errors.length) throw new Error(`${shot.name}: ${errors.join('\n')}`);
    console.log('wrote', `${out}${shot.name}.png`);
    await context.close();
  }
  // The conversation list, for the docs.
  const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
  const tab = await context.newPage();
  await tab.goto('http://127.0.0.1:8791/?theme=light');
  await tab.waitForFunction(() => {
    const w = document.querySelector('chat-widget');
    return !!w?.shadowRoot?.querySelector('chat-conversation-view');
  });
  await tab.evaluate(() => {
    const w = document.querySelector('chat-widget');
    w.shadowRoot.querySelector('header button').click();
  });
  await tab.waitForTimeout(500);
  await tab.screenshot({ path: `${out}widget-list.png` });
  console.log('wrote', `${out}widget-list.png`);
} finally {
  await browser.close();
  http.close();
  bob.disconnect();
  await server.close();
}
