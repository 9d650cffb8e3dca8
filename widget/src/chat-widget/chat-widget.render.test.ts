import type { ChatWidget } from './chat-widget.js';
import { ChatWidget as ChatWidgetClass } from './chat-widget.js';
import {
  assert,
  assertEqual,
  cleanup,
  client,
  deep,
  mount,
  serverUrl,
  token,
  uid,
  waitFor,
} from '../../test/helpers.js';

describe('chat-widget: render', () => {
  afterEach(cleanup);

  it('is defined once and renders a launcher that opens the panel', async () => {
    assert(customElements.get('chat-widget') === ChatWidgetClass);
    const w = await mount(uid('ann'));
    const ready = new Promise((r) => w.addEventListener('chat-ready', r, { once: true }));
    await ready;
    const launcher = deep(w, '[part="launcher"]')!;
    const panel = deep(w, '[part="panel"]')!;
    assert(panel.hidden, 'panel starts closed');
    assertEqual(launcher.getAttribute('aria-expanded'), 'false');
    launcher.click();
    await w.updateComplete;
    assert(!panel.hidden, 'panel opens');
    assertEqual(launcher.getAttribute('aria-expanded'), 'true');
    assertEqual(panel.getAttribute('role'), 'dialog');
    assert(deep(w, '.empty')?.textContent?.includes('No conversations'), 'empty list text');
  });

  it('uses a ChatClient that the host app already connected', async () => {
    const shared = await client(uid('host'), 'Host User');
    const w = document.createElement('chat-widget');
    w.mode = 'inline';
    const ready = new Promise((r) => w.addEventListener('chat-ready', r, { once: true }));
    w.client = shared;
    document.body.append(w);
    try {
      await ready;
      assert(w.chat.state?.status === 'connected', 'shares the connected client');
    } finally {
      w.remove();
    }
    assertEqual(
      shared.getState().status,
      'connected',
      "removing the widget keeps the app's client:",
    );
  });

  it('shows a bad token inside the widget and fires chat-error', async () => {
    const w = document.createElement('chat-widget') as ChatWidget;
    const errors: string[] = [];
    w.addEventListener('chat-error', (e) => errors.push(e.detail.error.code));
    w.mode = 'inline';
    w.serverUrl = await serverUrl();
    w.token = 'not-a-jwt';
    document.body.append(w);
    try {
      const banner = await waitFor(() => deep(w, '[part="banner"][role="alert"]'), 'error banner');
      assert(/sign in/i.test(banner.textContent!), `auth error text: ${banner.textContent}`);
      assert(errors.length > 0, 'chat-error fired');
      deep(banner, 'button')!.click();
      await waitFor(() => !deep(w, '[part="banner"][role="alert"]'), 'dismissed');
    } finally {
      w.remove();
    }
  });

  it('shows an unreachable server inside the widget', async () => {
    const w = document.createElement('chat-widget') as ChatWidget;
    w.mode = 'inline';
    w.serverUrl = 'http://127.0.0.1:9';
    w.token = 'x.y.z';
    w.clientOptions = { reconnectDelayMs: 50, reconnectDelayMaxMs: 100 };
    document.body.append(w);
    try {
      await waitFor(() => deep(w, '[part="banner"]'), 'banner', 10_000);
    } finally {
      w.remove();
    }
  });

  it('keeps its own look under hostile global CSS', async () => {
    const style = document.createElement('style');
    style.textContent = `
      * { box-sizing: content-box !important; font: 30px/5 serif !important; color: red !important;
          letter-spacing: 9px !important; text-transform: uppercase !important; }
      html { font-size: 8px !important; }
      button, textarea, div, p, span { all: unset !important; display: inline !important; }`;
    document.head.append(style);
    try {
      const bob = uid('bob');
      const b = await mount(bob, { mode: 'inline' });
      await waitFor(() => b.chat.ready, 'ready');
      const other = await client(uid('eve'), 'Eve');
      const c = await other.openConversation(bob);
      await other.sendMessage(c.id, 'styled?');
      deep(b, 'button[part="conversation"]')!.click();
      const bubble = await waitFor(() => deep(b, '[part~="message"]'), 'bubble');
      const cs = getComputedStyle(bubble);
      assertEqual(cs.fontSize, '14px', 'font size:');
      assert(!cs.fontFamily.includes('serif') || cs.fontFamily.includes('sans'), cs.fontFamily);
      assertEqual(cs.letterSpacing, 'normal', 'letter spacing:');
      assertEqual(cs.textTransform, 'none', 'text transform:');
      assert(cs.color !== 'rgb(255, 0, 0)', "color is the widget's");
      const input = deep(b, '[part="composer-input"]')!;
      assertEqual(getComputedStyle(input).boxSizing, 'border-box');
      const height = input.getBoundingClientRect().height;
      assert(height > 30 && height < 60, `composer is ${height}px high despite html { font-size }`);
      const launcherless = deep(b, '[part="launcher"]');
      assert(!launcherless, 'inline mode has no launcher');
    } finally {
      style.remove();
    }
  });

  it('overrides strings and lays out right to left', async () => {
    const w = await mount(uid('rtl'), { mode: 'inline', dir: 'rtl' });
    w.strings = { title: 'رسائل', newConversation: 'محادثة جديدة' };
    await waitFor(() => w.chat.ready, 'ready');
    await w.updateComplete;
    assertEqual(deep(w, 'header h2')!.textContent, 'رسائل');
    assertEqual(deep(w, 'header button')!.getAttribute('aria-label'), 'محادثة جديدة');
    const header = deep(w, 'header')!;
    const h2 = deep(w, 'header h2')!.getBoundingClientRect();
    assert(h2.right > header.getBoundingClientRect().right - 40, 'title starts at the right');
  });

  it("shows times in the browser's own format when its locale is malformed", async () => {
    const me = uid('locale');
    const other = await client(uid('locale-other'), 'Lena Other');
    const conversation = await other.openConversation(me);
    await other.sendMessage(conversation.id, 'Are you there?');
    const w = await mount(me, { mode: 'inline', locale: 'not a locale!' });
    const item = await waitFor(() => deep(w, '[part="conversation"]'), 'conversation listed');
    item.click();
    const time = await waitFor(() => deep(w, '[part~="message"] time'), 'message shown');
    const expected = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
    assertEqual(time.textContent, expected.format(new Date(time.getAttribute('datetime')!)));
  });

  it('shows a server-url that is not an absolute http(s) URL inside the widget and fires chat-error', async () => {
    const w = document.createElement('chat-widget') as ChatWidget;
    const errors: string[] = [];
    w.addEventListener('chat-error', (e) => errors.push(e.detail.error.message));
    w.mode = 'inline';
    w.serverUrl = 'chat.example.com';
    w.token = 'x.y.z';
    document.body.append(w);
    try {
      const banner = await waitFor(() => deep(w, '[part="banner"][role="alert"]'), 'error banner');
      assert(/reach the chat server/.test(banner.textContent!), banner.textContent!);
      assertEqual(errors.length, 1);
      assert(errors[0]!.includes('"chat.example.com"'), errors[0]);
      // Fixed, it connects.
      w.serverUrl = await serverUrl();
      w.token = await token(uid('fixed'));
      await waitFor(() => w.chat.ready, 'ready');
      assert(!deep(w, '[part="banner"][role="alert"]'), 'error banner gone');
    } finally {
      w.remove();
    }
  });

  it('keeps its default strings, and says why, when the strings attribute is not a JSON object', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const w = await mount(uid('strings'), { mode: 'inline', strings: '{"title": "Nachrichten"' });
      await waitFor(() => w.chat.ready, 'ready');
      await w.updateComplete;
      assertEqual(deep(w, 'header h2')!.textContent, 'Messages');
      w.setAttribute('strings', '["Nachrichten"]');
      await w.updateComplete;
      assertEqual(deep(w, 'header h2')!.textContent, 'Messages');
      w.setAttribute('strings', '{"title": "Nachrichten"}');
      await w.updateComplete;
      assertEqual(deep(w, 'header h2')!.textContent, 'Nachrichten');
    } finally {
      console.warn = warn;
    }
    assertEqual(warnings.length, 2, warnings.join('\n'));
    assert(
      warnings.every((w) => w.startsWith('<chat-widget>: strings is not a JSON object')),
      warnings.join('\n'),
    );
  });

  it('starts a conversation from a contact searched by name', async () => {
    const me = uid('finder');
    const target = uid('target');
    await client(target, 'Zoltan Target');
    const w = await mount(me, { mode: 'inline' });
    await waitFor(() => w.chat.ready, 'ready');
    deep(w, 'header button')!.click();
    const search = await waitFor(
      () => deep(w, 'input[type="search"]') as HTMLInputElement,
      'search',
    );
    search.value = 'Zoltan';
    search.dispatchEvent(new Event('input'));
    const result = await waitFor(() => deep(w, `[data-user-id="${target}"]`), 'contact found');
    result.click();
    await waitFor(() => deep(w, 'header h2')?.textContent === 'Zoltan Target', 'conversation open');
    assert(deep(w, '[part="composer-input"]'), 'composer shown');
  });
});
