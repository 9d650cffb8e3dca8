import { html, render } from 'lit';
import type { Conversation, User } from '@parley/sdk';
import '../chat-conversation-list/chat-conversation-list.js';
import {
  assert,
  assertEqual,
  cleanup,
  client,
  deep,
  deepAll,
  messageTexts,
  mount,
  uid,
  waitFor,
} from '../../test/helpers.js';
import { XSS_CONTENT } from '../../test/xss-payloads.js';

declare global {
  interface Window {
    __xss?: number;
  }
}

const payloads = [
  ...XSS_CONTENT,
  'data:text/html,<script>window.__xss=7</script>',
  'see https://example.com/a?b=1&c="2" and http://example.org/x.',
  'JaVaScRiPt:window.__xss=8 https://ok.example.com/"onclick="window.__xss=9',
];

/** No element of a widget has an event-handler attribute or a script, and nothing ran. */
function assertInert(root: Element): void {
  assertEqual(window.__xss, undefined, 'no payload ran:');
  for (const el of deepAll(root, '*')) {
    assert(el.tagName !== 'SCRIPT' && el.tagName !== 'IFRAME', `no ${el.tagName} element`);
    for (const attr of el.getAttributeNames()) {
      assert(!attr.startsWith('on'), `no ${attr} attribute on ${el.tagName}`);
    }
  }
  for (const img of deepAll(root, 'img')) {
    assert(/^https?:/.test(img.getAttribute('src')!), `img src ${img.getAttribute('src')}`);
  }
  for (const a of deepAll(root, 'a')) {
    assert(/^https?:\/\//.test(a.getAttribute('href')!), `link ${a.getAttribute('href')}`);
    assertEqual(a.getAttribute('rel'), 'noopener noreferrer nofollow');
    assertEqual(a.getAttribute('target'), '_blank');
  }
}

describe('chat-widget: hostile content stays inert', () => {
  afterEach(cleanup);

  it('renders hostile message content and display names as text', async () => {
    const victim = uid('victim');
    const attacker = uid('attacker');
    const hostileName = '<img src=x onerror="window.__xss=10">"\'><b>Mallory';
    const v = await mount(victim, { mode: 'inline' }, 'Victim');
    await waitFor(() => v.chat.ready, 'ready');
    const other = await client(attacker, hostileName);
    const conversation = await other.openConversation(victim);
    for (const p of payloads) await other.sendMessage(conversation.id, p);

    const item = await waitFor(() => deep(v, 'button[part="conversation"]'), 'conversation');
    await waitFor(() => item.textContent?.includes('Mallory'), 'name in list');
    assert(item.textContent!.includes(hostileName), 'the name is shown verbatim, as text');
    item.click();
    await waitFor(() => messageTexts(v).length === payloads.length, 'all messages shown').catch(
      (e) => {
        throw new Error(`${e}: ${JSON.stringify(messageTexts(v))}`);
      },
    );
    assertEqual(JSON.stringify(messageTexts(v)), JSON.stringify(payloads), 'content verbatim:');
    assert(deep(v, 'header h2')!.textContent === hostileName, 'name in header, verbatim');

    const links = deepAll(v, '[part~="message"] a').map((a) => a.getAttribute('href'));
    assertEqual(
      JSON.stringify(links),
      JSON.stringify([
        'https://example.com/a?b=1&c=',
        'http://example.org/x',
        'https://ok.example.com/',
      ]),
      'only http(s) links, cut at quotes:',
    );
    // Give any injected handler the chance to fire.
    for (const el of deepAll(v, '[part~="message"] *')) {
      el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    }
    await new Promise((r) => setTimeout(r, 200));
    assertInert(v);
  });

  it('shows only http(s) avatars and never an attribute-breaking URL', async () => {
    const user = (id: string, avatarUrl: string): User => ({
      id,
      name: `User ${id}`,
      avatarUrl,
      online: true,
      lastSeenAt: null,
    });
    const avatars = [
      'javascript:window.__xss=20',
      'data:image/svg+xml,<svg onload="window.__xss=21"/>',
      'x" onerror="window.__xss=22',
      '//evil.example.com/a.png',
      'https://example.com/a.png" onerror="window.__xss=23',
    ];
    const conversations = avatars.map(
      (url, i) =>
        ({
          id: `c${i}`,
          otherUser: user(`u${i}`, url),
          lastMessage: null,
          lastMessageAt: null,
          unreadCount: 0,
        }) as unknown as Conversation,
    );
    const host = document.createElement('div');
    document.body.append(host);
    render(
      html`<chat-conversation-list .conversations=${conversations}></chat-conversation-list>`,
      host,
    );
    const list = host.firstElementChild as HTMLElement & { updateComplete: Promise<boolean> };
    await list.updateComplete;
    const imgs = deepAll(list, 'img');
    assertEqual(imgs.length, 1, 'only the https avatar is an image:');
    assertEqual(
      imgs[0]!.getAttribute('src'),
      'https://example.com/a.png%22%20onerror=%22window.__xss=23',
    );
    await new Promise((r) => setTimeout(r, 300));
    assertInert(list);
    host.remove();
  });
});
