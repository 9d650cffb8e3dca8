import { assert, cleanup, client, deep, deepAll, mount, uid, waitFor } from '../../test/helpers.js';

describe('chat-widget: history', () => {
  afterEach(cleanup);

  it('loads earlier messages on scrolling up and keeps the scroll position', async () => {
    const me = uid('reader');
    const other = await client(uid('writer'), 'Writer');
    const w = await mount(me, { mode: 'inline' }, 'Reader', { pageSize: 30 });
    await waitFor(() => w.chat.ready, 'ready');
    const conversation = await other.openConversation(me);
    for (let i = 1; i <= 100; i++) await other.sendMessage(conversation.id, `history ${i}`);

    await waitFor(() => deep(w, 'button[part="conversation"]'), 'conversation');
    deep(w, 'button[part="conversation"]')!.click();
    await waitFor(
      () => deepAll(w, '[part~="message"]').some((m) => m.textContent!.includes('history 100')),
      'latest',
    );
    const scroller = deep(w, '[part="message-list"]')!;
    await waitFor(() => scroller.scrollTop > 0, 'at the bottom');
    const list = scroller.getRootNode() as ShadowRoot;

    // Hold the earlier page back until the list has settled at the top, to measure cleanly.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const loadEarlier = w.chat.loadEarlier.bind(w.chat);
    w.chat.loadEarlier = async (id) => {
      await gate;
      return loadEarlier(id);
    };
    const frames = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));

    // Scroll up to the top: earlier messages load, and what the reader saw stays put.
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    await waitFor(() => deep(w, '.loading'), 'loading indicator');
    await frames();
    const top = scroller.getBoundingClientRect().top;
    const seen = [...list.querySelectorAll<HTMLElement>('.row.msg')].find(
      (row) => row.getBoundingClientRect().top >= top,
    )!;
    const key = seen.dataset.key!;
    const before = seen.getBoundingClientRect().top;
    const scrolledBefore = scroller.scrollTop;
    release();
    await waitFor(() => w.chat.state!.byId[conversation.id]!.messages.length > 30, 'earlier page');
    await waitFor(() => !deep(w, '.loading'), 'loading done');
    await frames();
    const same = list.querySelector<HTMLElement>(`[data-key="${key}"]`);
    assert(same, 'the row the reader saw is still there');
    const moved = same.getBoundingClientRect().top - before;
    assert(Math.abs(moved) < 1, `the row moved ${moved}px`);
    assert(
      scroller.scrollTop > scrolledBefore + 300,
      `scrolled down by the new content (${scrolledBefore} → ${scroller.scrollTop})`,
    );

    // Keep scrolling up: eventually the first message is reached.
    for (let i = 0; i < 10 && !list.textContent!.includes('history 1 '); i++) {
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(
      () => deepAll(w, '[part~="message"] .content').some((c) => c.textContent === 'history 1'),
      'first message',
    );
  });
});
