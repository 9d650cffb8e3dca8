import {
  assert,
  assertEqual,
  cleanup,
  client,
  deep,
  mount,
  uid,
  waitFor,
} from '../../test/helpers.js';

describe('chat-widget: unread badge', () => {
  afterEach(cleanup);

  it('counts up while closed and clears once the conversation is read', async () => {
    const bob = uid('bob');
    const dave = uid('dave');
    const b = await mount(bob, {}, 'Bob');
    const totals: number[] = [];
    b.addEventListener('chat-unread-change', (e) => totals.push(e.detail.total));
    await waitFor(() => b.chat.ready, 'ready');
    assert(!deep(b, '[part="unread-badge"]'), 'no badge at first');

    const other = await client(dave, 'Dave');
    const conversation = await other.openConversation(bob);
    await other.sendMessage(conversation.id, 'one');
    const badge = await waitFor(() => deep(b, '[part="unread-badge"]'), 'badge');
    await waitFor(() => badge.textContent?.trim() === '1', 'badge shows 1');
    await other.sendMessage(conversation.id, 'two');
    await waitFor(() => deep(b, '[part="unread-badge"]')?.textContent?.trim() === '2', 'badge 2');
    const launcher = deep(b, '[part="launcher"]')!;
    assert(launcher.getAttribute('aria-label')!.includes('2 unread'), 'launcher names the count');

    // Opening the panel alone does not read anything; opening the conversation does.
    launcher.click();
    await waitFor(() => deep(b, '[part="conversation"] .count')?.textContent === '2', 'list count');
    assert(deep(b, '[part="unread-badge"]'), 'badge still there with the list open');
    deep(b, 'button[part="conversation"]')!.click();
    await waitFor(() => !deep(b, '[part="unread-badge"]'), 'badge cleared');
    assertEqual(totals.at(-1), 0, 'last chat-unread-change total');
    assert(totals.includes(2), `chat-unread-change counted up: ${totals}`);
  });
});
