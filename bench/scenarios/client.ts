/**
 * Scenario 5: the client. Bundle sizes (min+gzip) beside their largest dependencies, and in
 * headless Chromium the time from the script tag to the first rendered conversation list and to
 * the latest messages of a 10,000-message conversation, on loopback and again with the chat server
 * behind a link of 100 ms round trips, cross-origin and on the page's own origin (a reverse proxy).
 * The page comes from a local server; the baseline page does the same work by hand
 * (socket.io-client, fetch, innerHTML).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { ChaosProxy } from '../../reliability/support/chaos-proxy.js';
import { seededRandom } from '../../reliability/support/random.js';
import { startServer, stopAll } from '../lib/processes.js';
import type { RunOptions } from '../lib/processes.js';
import { compareRow, fmt } from '../lib/report.js';
import type { Row, ScenarioResult } from '../lib/report.js';
import type { Worker } from '../lib/rpc.js';
import { conversationIdOf, seed } from '../lib/seed.js';
import type { ConversationSpec } from '../lib/seed.js';
import { benchToken } from '../lib/tokens.js';
import { buildBundle } from './bundles.js';
import type { Bundle } from './bundles.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ME = 'c-me';
const DEEP = 10_000;
/** The round trip of the emulated link: a phone on a good mobile network, or another continent. */
const LINK_RTT_MS = 100;

function sizeRow(metric: string, ours: Bundle, base: Bundle, goal = ''): Row {
  return {
    scenario: '5. client: bundle min+gzip',
    metric,
    ours: fmt.kb(ours.gzip),
    baseline: `${fmt.kb(base.gzip)} (${base.label})`,
    ratio: fmt.ratio(ours.gzip, base.gzip),
    goal,
    met: '—',
  };
}

/** Polls each animation frame until `selector` (searched through shadow roots) holds `text`. */
const POLL = `
window.__deep = function deep(root, selector, text) {
  for (const el of root.querySelectorAll(selector)) {
    if (!text || el.textContent.includes(text)) return el;
  }
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) {
      const found = deep(el.shadowRoot, selector, text);
      if (found) return found;
    }
  }
  return null;
};
window.__until = (selector, text) => new Promise((resolve) => {
  const check = () => (window.__deep(document, selector, text) ? resolve(performance.now()) : requestAnimationFrame(check));
  check();
});
window.__listAt = window.__until('[data-conversation-id]');
`;

/**
 * Makes `http` a reverse proxy for the chat server's paths, as a host app's nginx would be when the
 * chat server lives on the app's origin: REST and the WebSocket upgrade go on to `chatPort()`.
 */
function proxyChatPaths(http: Server, chatPort: () => number): void {
  http.on('upgrade', (req, socket, head) => {
    const upstream = connect(chatPort(), '127.0.0.1', () => {
      let raw = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      }
      upstream.write(`${raw}\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
}

function forwardToChat(req: IncomingMessage, res: ServerResponse, chatPort: number): void {
  const upstream = request(
    { host: '127.0.0.1', port: chatPort, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

/** `scripts`: where the page's scripts come from (a CDN's origin, or its own). */
function widgetPage(serverUrl: string, token: string, scripts = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>widget</title></head><body>
<script>window.__t0 = performance.now();</script>
<script src="${scripts}/chat-widget.js"></script>
<chat-widget mode="inline" server-url="${serverUrl}" token="${token}"></chat-widget>
<script>${POLL}</script></body></html>`;
}

function baselinePage(serverUrl: string, token: string, scripts = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head><body>
<script>window.__t0 = performance.now();</script>
<script src="${scripts}/socket.io.min.js"></script>
<ul id="list"></ul><div id="log"></div>
<script>
const url = ${JSON.stringify(serverUrl)};
const headers = { authorization: 'Bearer ${token}' };
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
const socket = io(url, { auth: { token: headers.authorization.slice(7) }, transports: ['websocket'] });
socket.on('connect', async () => {
  const { conversations } = await (await fetch(url + '/chat/conversations?limit=20', { headers })).json();
  list.innerHTML = conversations.map((c) => '<li><button part="conversation" data-conversation-id="' + c.id + '">' +
    esc(c.otherUser.name) + ': ' + esc(c.lastMessage ? c.lastMessage.content : '') + '</button></li>').join('');
});
list.addEventListener('click', async (event) => {
  const id = event.target.closest('button').dataset.conversationId;
  const { messages } = await (await fetch(url + '/chat/conversations/' + id + '?limit=50', { headers })).json();
  log.innerHTML = messages.map((m) => '<p part="message">' + esc(m.content) + '</p>').join('');
});
${POLL}</script></body></html>`;
}

/**
 * The message list alone, as a page shows a long history: `count` messages handed to the widget's
 * `<chat-message-list>` (virtualized), or written as paragraphs into a scrolling div with
 * `innerHTML` (the baseline, what a page without virtualization does). Each page times the list
 * from its creation to its latest message on screen, then scrolls to the top in 20 steps and
 * times each from setting `scrollTop` to the frame after it (scroll event, render, layout, paint).
 */
function historyListPage(count: number, kind: 'widget' | 'baseline'): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>history list</title></head><body>
${kind === 'widget' ? '<script src="/chat-widget.js"></script>' : ''}
<div id="host" style="height: 500px; width: 360px; display: flex; flex-direction: column"></div>
<script>
const start = Date.parse('2026-01-01T08:00:00.000Z');
const messages = Array.from({ length: ${count} }, (_, i) => {
  const seq = i + 1;
  const at = new Date(start + seq * 97000).toISOString();
  return { id: 'id-' + seq, conversationId: 'c', senderId: seq % 3 ? 'me' : 'them',
    content: seq % 7 ? 'Message number ' + seq : ('A longer message ' + seq + ' ').repeat(8),
    seq, clientMessageId: 'cm-' + seq, isRead: true, readAt: null, createdAt: at, updatedAt: at,
    status: 'sent' };
});
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
const last = 'Message number ${count}';
const host = document.getElementById('host');
window.__history = (async () => {
  const t0 = performance.now();
  let scroller;
  if (${JSON.stringify(kind)} === 'widget') {
    const list = document.createElement('chat-message-list');
    list.style.flex = '1';
    list.meId = 'me';
    list.messages = messages;
    host.append(list);
    await list.updateComplete;
    scroller = list.shadowRoot.querySelector('[part="message-list"]');
    const shown = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2 &&
      list.shadowRoot.textContent.includes(last);
    for (const until = t0 + 30000; !shown(); ) {
      if (performance.now() > until) throw new Error('the list never showed its latest message');
      await new Promise((r) => requestAnimationFrame(r));
    }
  } else {
    scroller = document.createElement('div');
    scroller.style.cssText = 'flex: 1; overflow-y: auto';
    const esc = (s) => String(s).replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
    scroller.innerHTML = messages.map((m) => '<p>' + esc(m.content) + '</p>').join('');
    host.append(scroller);
    scroller.scrollTop = scroller.scrollHeight;
  }
  await frame();
  const open = performance.now() - t0;
  const steps = [];
  for (let y = scroller.scrollTop; y > 0; y -= scroller.scrollHeight / 20) {
    const t = performance.now();
    scroller.scrollTop = y;
    await frame();
    steps.push(performance.now() - t);
  }
  return { open, steps };
})();
</script></body></html>`;
}

interface HistoryTimes {
  open: number;
  steps: number[];
}

interface PageTimes {
  list: number;
  open: number;
}

export async function clientScenario(options: RunOptions): Promise<ScenarioResult> {
  const notes: string[] = [];
  const rows: Row[] = [];
  // Sizes: the script-tag widget and the SDK, beside socket.io-client and lit alone.
  const dist = join(root, 'widget/dist/chat-widget.js');
  let widget: Bundle;
  if (options.quick && existsSync(dist)) {
    const code = readFileSync(dist);
    widget = {
      label: 'widget/dist/chat-widget.js',
      code: code.toString(),
      min: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
    };
    notes.push(
      'Client (quick): sizes of the existing widget/dist/chat-widget.js, no fresh builds.',
    );
  } else {
    widget = await buildBundle('widget');
    const sdk = await buildBundle('sdk');
    const io = await buildBundle('socket.io-client');
    const lit = await buildBundle('lit');
    rows.push(
      sizeRow('script-tag widget (everything inside)', widget, {
        ...io,
        gzip: io.gzip + lit.gzip,
        label: 'socket.io-client + lit',
      }),
      sizeRow('SDK with socket.io-client', sdk, io),
    );
    notes.push(
      `Client sizes (min / min+gzip): widget ${fmt.kb(widget.min)} / ${fmt.kb(widget.gzip)}, SDK + socket.io-client ${fmt.kb(sdk.min)} / ${fmt.kb(sdk.gzip)}, ` +
        `socket.io-client alone ${fmt.kb(io.min)} / ${fmt.kb(io.gzip)}, lit alone ${fmt.kb(lit.min)} / ${fmt.kb(lit.gzip)}; built in memory from the current sources as scripts/size.mjs does.`,
    );
  }
  const bundlePath = join(options.tmp, 'chat-widget.js');
  writeFileSync(bundlePath, widget.code);

  // Data: the reader has 30 conversations; the latest active holds 10,000 messages.
  const deep = options.quick ? 500 : DEEP;
  const deepIndex = 29;
  const conversations: ConversationSpec[] = Array.from({ length: 30 }, (_, i) => ({
    a: ME,
    b: `c-u${i}`,
    messages: i === deepIndex ? deep : 20,
    unreadForA: 2,
  }));
  const dbPath = join(options.tmp, 'client.db');
  await seed(dbPath, {
    users: [
      { id: ME, name: 'Reader' },
      ...conversations.map((c, i) => ({ id: c.b, name: `Contact ${i}` })),
    ],
    conversations,
  });

  const ioBundle = readFileSync(join(root, 'node_modules/socket.io-client/dist/socket.io.min.js'));
  let pages: Record<string, string> = {};
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (type: string, body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    if (path === '/chat-widget.js') send('text/javascript', widget.code);
    else if (path === '/socket.io.min.js') send('text/javascript', ioBundle);
    else if (pages[path]) send('text/html; charset=utf-8', pages[path]!);
    else if (server && /^\/(chat|socket\.io)\//.test(path)) forwardToChat(req, res, chatPort());
    else res.writeHead(404).end();
  });
  let server: (Worker & { url: string }) | undefined;
  const chatPort = (): number => Number(new URL(server!.url).port);
  proxyChatPaths(http, chatPort);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const pagePort = (http.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${pagePort}`;
  let link: ChaosProxy | undefined;
  let farOrigin: ChaosProxy | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // The page's server, chat paths included, far away: the chat server on the app's origin.
    farOrigin = new ChaosProxy(pagePort, seededRandom(2));
    farOrigin.setLink({ rttMs: LINK_RTT_MS });
    await farOrigin.listen();
    const sameOrigin = `http://127.0.0.1:${farOrigin.port}`;
    server = await startServer(
      'parley',
      [
        '--db',
        dbPath,
        '--sync',
        'full',
        '--origins',
        `${origin},${sameOrigin}`,
        '--widget',
        bundlePath,
      ],
      options,
    );
    const token = benchToken(ME);
    // The chaos suite's proxy, with no chaos: only the link (its random source is never drawn).
    link = new ChaosProxy(Number(new URL(server.url).port), seededRandom(1));
    link.setLink({ rttMs: LINK_RTT_MS });
    await link.listen();
    const linkUrl = `http://127.0.0.1:${link.port}`;
    pages = {
      '/widget.html': widgetPage(server.url, token),
      '/baseline.html': baselinePage(server.url, token),
      '/widget-link.html': widgetPage(linkUrl, token),
      '/baseline-link.html': baselinePage(linkUrl, token),
      // Scripts from loopback (a CDN's origin), the chat server's requests over the link.
      '/widget-same.html': widgetPage(sameOrigin, token, origin),
      '/baseline-same.html': baselinePage(sameOrigin, token, origin),
      '/history-widget.html': historyListPage(deep, 'widget'),
      '/history-baseline.html': historyListPage(deep, 'baseline'),
    };
    const lastText = `Seeded message ${deep} of`;
    /** Loads `url` in a context of its own (a cold cache) and runs `work` on it. */
    const onFreshPage = async <T>(url: string, work: (page: Page) => Promise<T>): Promise<T> => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(url);
        return await work(page);
      } finally {
        await context.close();
      }
    };
    const runs = options.quick ? 1 : 7;
    /** Both pages `runs` times, taking turns, so that load drifts hit both alike. */
    const alternately = async <T>(
      measure: (path: string) => Promise<T>,
      ours: string,
      baseline: string,
    ): Promise<[T[], T[]]> => {
      const a: T[] = [];
      const b: T[] = [];
      for (let i = 0; i < runs; i++) {
        a.push(await measure(ours));
        b.push(await measure(baseline));
      }
      return [a, b];
    };
    /** `quiet`: the click waits until no request has been in flight for 500 ms. */
    const measurePage = (url: string, quiet = false): Promise<PageTimes> =>
      onFreshPage(url, async (page) => {
        const list = await page.evaluate(
          () => (window as unknown as { __listAt: Promise<number> }).__listAt,
          undefined,
        );
        const t0 = await page.evaluate(() => (window as unknown as { __t0: number }).__t0);
        if (quiet) await page.waitForLoadState('networkidle');
        const open = await page.evaluate(
          ({ id, text }) => {
            const w = window as unknown as {
              __deep: (r: ParentNode, s: string, t?: string) => HTMLElement | null;
              __until: (s: string, t?: string) => Promise<number>;
            };
            const button = w.__deep(document, `[data-conversation-id="${id}"]`)!;
            const start = performance.now();
            const done = w.__until('[part~="message"]', text);
            button.click();
            return done.then((at) => at - start);
          },
          { id: conversationIdOf(deepIndex), text: lastText },
        );
        return { list: list - t0, open };
      });
    const median = (xs: number[]): number =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Warm Chromium once per page first.
    if (!options.quick) {
      await measurePage(`${origin}/widget.html`);
      await measurePage(`${origin}/baseline.html`);
    }
    /** Loads a page pair in turns; rows for the list and the open, and a note of every run. */
    const comparePages = async (
      ours: string,
      baseline: string,
      scenario: string,
      note: string,
    ): Promise<void> => {
      const [a, b] = await alternately(measurePage, ours, baseline);
      const pair = (metric: string, pick: (t: PageTimes) => number): Row =>
        compareRow(scenario, metric, median(a.map(pick)), median(b.map(pick)));
      rows.push(
        pair('script start → conversation list rendered, ms', (t) => t.list),
        pair(
          `open a ${fmt.int(deep)}-message conversation → latest message rendered, ms`,
          (t) => t.open,
        ),
      );
      const runsOf = (times: PageTimes[]): string =>
        times.map((t) => `${fmt.ms(t.list)}/${fmt.ms(t.open)}`).join(', ');
      notes.push(`${note} All runs, ms (list/open): widget ${runsOf(a)}; baseline ${runsOf(b)}.`);
    };
    await comparePages(
      `${origin}/widget.html`,
      `${origin}/baseline.html`,
      `5. client: headless Chromium (median of ${runs} cold loads)`,
      `Client pages: served by a local node:http server at ${origin}, Parley at ${server.url} (synchronous=FULL); the baseline page loads socket.io-client, ` +
        'connects, fetches the list and the latest 50 messages and writes them with innerHTML.',
    );
    // The same pages with the chat server behind a link of LINK_RTT_MS round trips (the pages and
    // scripts still come from loopback): what the order of the requests costs a user far away.
    const linkScenario = `5. client: headless Chromium, the chat server behind a link of ${LINK_RTT_MS} ms round trips (median of ${runs} cold loads)`;
    await comparePages(
      `${origin}/widget-link.html`,
      `${origin}/baseline-link.html`,
      linkScenario,
      `Client pages over a link of ${LINK_RTT_MS} ms round trips: the chat server behind a TCP proxy (ChaosProxy.setLink in reliability/support/chaos-proxy.ts) that holds each chunk ${LINK_RTT_MS / 2} ms each way, ` +
        "and a new connection's first bytes a round trip more, for the TCP handshake (no TLS). The widget fetches the list while its socket connects; the baseline page once " +
        'its socket has connected. Preflights count: each new URL of the REST API costs one more round trip.',
    );
    // The same open over the link once the page is quiet. A click right after the list can find
    // the page's one warm connection still carrying the SDK's catch-up list request (sent once the
    // socket has connected), and its own request then pays for a new connection's handshake, one
    // round trip more: the first row counts that race, this one the open alone.
    const [quiet, quietBase] = await alternately(
      (url) => measurePage(url, true),
      `${origin}/widget-link.html`,
      `${origin}/baseline-link.html`,
    );
    rows.push(
      compareRow(
        linkScenario,
        `open a ${fmt.int(deep)}-message conversation once no request is in flight → latest message rendered, ms`,
        median(quiet.map((t) => t.open)),
        median(quietBase.map((t) => t.open)),
      ),
    );
    notes.push(
      `Client pages over the link, clicked once no request had been in flight for 500 ms (Playwright's networkidle), opens, ms: widget ${quiet.map((t) => fmt.ms(t.open)).join(', ')}; baseline ${quietBase.map((t) => fmt.ms(t.open)).join(', ')}.`,
    );
    // Once more with the chat server on the page's origin behind the link (a reverse proxy routes
    // its paths): same-origin requests need no CORS preflight.
    await comparePages(
      `${sameOrigin}/widget-same.html`,
      `${sameOrigin}/baseline-same.html`,
      `5. client: headless Chromium, the chat server on the page's origin, behind a link of ${LINK_RTT_MS} ms round trips (median of ${runs} cold loads)`,
      "Client pages with the chat server on the page's origin: the page's server routes /chat/ and /socket.io/ to the chat server (as a host app's reverse proxy would), " +
        'and the browser reaches it through the same link; the scripts come from loopback, as from a CDN. Same-origin requests need no CORS preflight.',
    );
    const measureHistory = (url: string): Promise<HistoryTimes> =>
      onFreshPage(url, (page) =>
        page.evaluate(() => (window as unknown as { __history: Promise<HistoryTimes> }).__history),
      );
    const [history, historyBase] = await alternately(
      measureHistory,
      `${origin}/history-widget.html`,
      `${origin}/history-baseline.html`,
    );
    const allSteps = (times: HistoryTimes[]): number[] => times.flatMap((t) => t.steps);
    const listScenario = `5. client: a ${fmt.int(deep)}-message list alone, headless Chromium (median of ${runs} loads; baseline: the same messages as paragraphs by innerHTML)`;
    rows.push(
      compareRow(
        listScenario,
        'list created → latest message on screen, ms',
        median(history.map((t) => t.open)),
        median(historyBase.map((t) => t.open)),
      ),
      compareRow(
        listScenario,
        'scroll to the top in 20 steps: median step (scrollTop set → next frame), ms',
        median(allSteps(history)),
        median(allSteps(historyBase)),
      ),
      compareRow(
        listScenario,
        'scroll to the top in 20 steps: worst step, ms',
        Math.max(...allSteps(history)),
        Math.max(...allSteps(historyBase)),
      ),
    );
  } finally {
    await browser.close();
    await link?.close();
    await farOrigin?.close();
    await stopAll([server]);
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
  mkdirSync(options.tmp, { recursive: true });
  return { rows, notes };
}
