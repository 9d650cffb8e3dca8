import { html, render } from 'lit';
import type { ClientMessage } from '@parley/sdk';
import type { ChatMessageList } from './chat-message-list.js';
import './chat-message-list.js';
import { assert, assertEqual, waitFor } from '../../test/helpers.js';

function makeMessages(n: number, from = 1): ClientMessage[] {
  const start = Date.parse('2026-01-01T08:00:00.000Z');
  return Array.from({ length: n }, (_, i) => {
    const seq = from + i;
    const at = new Date(start + seq * 97_000).toISOString();
    return {
      id: `id-${seq}`,
      conversationId: 'c',
      senderId: seq % 3 ? 'me' : 'them',
      content: seq % 7 ? `Message number ${seq}` : `A longer message ${seq} `.repeat(8),
      seq,
      clientMessageId: `cm-${seq}`,
      isRead: true,
      readAt: null,
      createdAt: at,
      updatedAt: at,
      status: 'sent',
    };
  });
}

async function mountList(messages: ClientMessage[]): Promise<[ChatMessageList, HTMLElement]> {
  const host = document.createElement('div');
  host.style.cssText = 'height: 500px; width: 360px; display: flex; flex-direction: column';
  document.body.append(host);
  render(
    html`<chat-message-list
      style="flex: 1"
      .messages=${messages}
      .meId=${'me'}
    ></chat-message-list>`,
    host,
  );
  const list = host.firstElementChild as ChatMessageList;
  list.meId = 'me';
  await list.updateComplete;
  const scroller = list.shadowRoot!.querySelector<HTMLElement>('[part="message-list"]')!;
  return [list, scroller];
}

const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));

describe('chat-message-list: virtualization', () => {
  it('opens 10,000 messages at the bottom with only a few rows in the DOM', async () => {
    // How long opening and scrolling take is a benchmark's question (`npm run bench -- --only
    // client`: the 10,000-message list alone, against the same messages as plain paragraphs).
    const [list, scroller] = await mountList(makeMessages(10_000));
    await waitFor(
      () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2,
      'bottom',
    );
    const rows = list.shadowRoot!.querySelectorAll('.row').length;
    assert(rows > 5 && rows < 120, `${rows} rows in the DOM`);
    assert(list.shadowRoot!.textContent!.includes('Message number 10000'), 'latest visible');

    // Scroll through the whole history in steps: messages fill the view at every step, and the
    // DOM stays small all the way.
    for (let y = scroller.scrollTop; y > 0; y -= scroller.scrollHeight / 20) {
      scroller.scrollTop = y;
      scroller.dispatchEvent(new Event('scroll'));
      await list.updateComplete;
      await frame();
      const rendered = [...list.shadowRoot!.querySelectorAll<HTMLElement>('.row')];
      assert(rendered.length < 150, `${rendered.length} rows at ${y}`);
      const view = scroller.getBoundingClientRect();
      const inView = rendered.filter((row) => {
        const box = row.getBoundingClientRect();
        return box.bottom > view.top && box.top < view.bottom;
      });
      assert(inView.length > 0, `no message in view at ${y}`);
    }
    scroller.scrollTop = 0;
    await waitFor(
      () => list.shadowRoot!.textContent!.includes('Message number 1 '),
      'first',
      3000,
    ).catch(() =>
      waitFor(() => list.shadowRoot!.textContent!.includes('Message number 2'), 'top rows'),
    );
    list.parentElement!.remove();
  });

  it('opens in one render that fills the viewport and a screen above it, and fills a taller one', async () => {
    // Each render of the list is its template, its rows' layout and their measuring: on open, one.
    const host = document.createElement('div');
    host.style.cssText = 'height: 500px; width: 360px; display: flex; flex-direction: column';
    const list = document.createElement('chat-message-list');
    let renders = 0;
    const withCount = list as unknown as { performUpdate(): void };
    const performUpdate = withCount.performUpdate.bind(list);
    withCount.performUpdate = () => {
      renders++;
      performUpdate();
    };
    list.style.flex = '1';
    list.meId = 'me';
    list.messages = makeMessages(10_000);
    host.append(list);
    document.body.append(host);
    assertEqual(await list.updateComplete, true, 'no render requested by the first');
    // Two frames: the ResizeObserver's first report, of the size the first render measured.
    await frame();
    await frame();
    assertEqual(renders, 1);
    const scroller = list.shadowRoot!.querySelector<HTMLElement>('[part="message-list"]')!;
    assert(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2, 'at the bottom');
    const firstRowTop = () =>
      list.shadowRoot!.querySelector<HTMLElement>('.row')!.getBoundingClientRect().top;
    const viewTop = () => scroller.getBoundingClientRect().top;
    assert(
      firstRowTop() <= viewTop() - scroller.clientHeight,
      `rows from ${firstRowTop() - viewTop()}px, a screen is ${scroller.clientHeight}px`,
    );

    // A taller panel: the rows rendered for 500 px do not fill 1,400.
    host.style.height = '1400px';
    await waitFor(() => renders > 1, 'a render for the new size');
    await list.updateComplete;
    await frame();
    assert(firstRowTop() <= viewTop(), `rows from ${firstRowTop() - viewTop()}px`);
    assert(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2, 'at the bottom');
    assert(list.shadowRoot!.textContent!.includes('Message number 10000'), 'latest visible');
    host.remove();
  });

  it("keeps the reader's place when earlier messages are prepended", async () => {
    const all = makeMessages(400);
    const [list, scroller] = await mountList(all.slice(300));
    await frame();
    scroller.scrollTop = 150;
    scroller.dispatchEvent(new Event('scroll'));
    await list.updateComplete;
    await frame();
    const anchor = [...list.shadowRoot!.querySelectorAll<HTMLElement>('.row')].find(
      (r) => r.getBoundingClientRect().top >= scroller.getBoundingClientRect().top,
    )!;
    const key = anchor.dataset.key!;
    const before = anchor.getBoundingClientRect().top;
    list.messages = all.slice(100);
    await list.updateComplete;
    await frame();
    const after = list.shadowRoot!.querySelector<HTMLElement>(`[data-key="${key}"]`)!;
    assert(after, 'anchor row still rendered');
    assert(
      Math.abs(after.getBoundingClientRect().top - before) < 2,
      `moved ${after.getBoundingClientRect().top - before}px`,
    );
    assert(scroller.scrollTop > 1000, 'scroll position moved down by the prepended height');
    list.parentElement!.remove();
  });

  it('offers a jump to the latest when messages arrive while scrolled up', async () => {
    const all = makeMessages(205);
    const [list, scroller] = await mountList(all.slice(0, 200));
    await frame();
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    await list.updateComplete;
    list.messages = all.map((m) => ((m.seq ?? 0) > 200 ? { ...m, senderId: 'them' } : m));
    await list.updateComplete;
    const jump = await waitFor(
      () => list.shadowRoot!.querySelector<HTMLButtonElement>('.jump'),
      'jump button',
    );
    assert(jump.textContent!.includes('5'), jump.textContent!);
    jump.click();
    await waitFor(
      () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2,
      'bottom',
    );
    await waitFor(() => !list.shadowRoot!.querySelector('.jump'), 'jump gone');
    assertEqual(list.shadowRoot!.textContent!.includes('Message number 205'), true);
    list.parentElement!.remove();
  });
});
