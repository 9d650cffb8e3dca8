import { sendKeys } from '@web/test-runner-commands';
import type { ChatWidget } from './chat-widget.js';
import {
  activeElement,
  assert,
  assertEqual,
  cleanup,
  client,
  deep,
  messageTexts,
  mount,
  uid,
  waitFor,
} from '../../test/helpers.js';

function composer(widget: ChatWidget): HTMLTextAreaElement {
  return deep(widget, 'textarea[part="composer-input"]') as HTMLTextAreaElement;
}

async function type(widget: ChatWidget, text: string): Promise<void> {
  const input = await waitFor(() => composer(widget), 'composer');
  input.focus();
  await sendKeys({ type: text });
}

describe('chat-widget: two users', () => {
  afterEach(cleanup);

  it('sends and receives between two widgets, with typing, presence and read receipts', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const b = await mount(bob, { mode: 'inline' }, 'Bob');
    await waitFor(() => b.chat.ready, 'Bob ready');
    const a = await mount(alice, { mode: 'inline', 'conversation-with': bob }, 'Alice');
    const bobReceived: string[] = [];
    b.addEventListener('chat-message', (e) => {
      if (e.detail.incoming) bobReceived.push(e.detail.message.content);
    });

    // Alice writes with the keyboard: Enter sends.
    await type(a, 'Hello Bob');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => messageTexts(a).includes('Hello Bob'), 'own message shown');
    await waitFor(
      () => deep(a, '[part~="message"][data-status="sent"]'),
      'own message acknowledged',
    );

    // Bob sees the conversation appear in his list, with an unread count, and opens it.
    const item = await waitFor(
      () => deep(b, 'button[part="conversation"]'),
      'conversation in list',
    );
    await waitFor(() => item.textContent?.includes('Hello Bob'), 'preview');
    assert(bobReceived.includes('Hello Bob'), 'chat-message fired on the receiving widget');
    item.click();
    await waitFor(() => messageTexts(b).includes('Hello Bob'), "message in Bob's view");

    // Alice sees Bob online, and her message as read once Bob has it open.
    await waitFor(() => deep(a, 'header [data-presence="online"]'), 'Bob shown online');
    await waitFor(
      () => deep(a, '[part~="message"][data-status="read"]'),
      "read receipt on Alice's message",
    );

    // Bob types: Alice sees the typing indicator, then his reply.
    await type(b, 'Hi Alice');
    await waitFor(() => deep(a, '[part="typing-indicator"]'), 'typing indicator');
    assert(deep(a, '[part="typing-indicator"]')!.textContent!.includes('Bob'));
    await sendKeys({ press: 'Enter' });
    await waitFor(() => messageTexts(a).includes('Hi Alice'), 'reply received');
    await waitFor(() => !deep(a, '[part="typing-indicator"]'), 'typing indicator gone');

    // Shift+Enter makes a new line instead of sending.
    await type(b, 'line one');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    assertEqual(composer(b).value, 'line one\nline two');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => messageTexts(a).includes('line one\nline two'), 'multi-line message');

    // Bob leaves: Alice sees him offline.
    b.remove();
    await waitFor(() => deep(a, 'header [data-presence="offline"]'), 'Bob shown offline', 10_000);
  });

  it('sends with the keyboard alone, from the launcher to the composer', async () => {
    const bob = uid('bob');
    const carol = uid('carol');
    const other = await client(carol, 'Carol');
    const conversation = await other.openConversation(bob);
    await other.sendMessage(conversation.id, 'Ping');
    const b = await mount(bob, {}, 'Bob');
    await waitFor(() => b.chat.ready, 'ready');

    const received = new Promise<string>((resolve) =>
      other.on('message', (m) => m.senderId === bob && resolve(m.content)),
    );
    await sendKeys({ press: 'Tab' });
    assertEqual(activeElement()?.getAttribute('part'), 'launcher', 'Tab reaches the launcher:');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => b.open, 'panel open');
    // Into the list: past "new conversation" and "close" to the first conversation.
    for (let i = 0; i < 5 && activeElement()?.getAttribute('part') !== 'conversation'; i++) {
      await sendKeys({ press: 'Tab' });
    }
    assertEqual(activeElement()?.getAttribute('part'), 'conversation', 'Tab reaches the list:');
    await sendKeys({ press: 'Enter' });
    await waitFor(
      () => activeElement()?.getAttribute('part') === 'composer-input',
      'composer focused',
    );
    await sendKeys({ type: 'Pong from the keyboard' });
    await sendKeys({ press: 'Enter' });
    assertEqual(await received, 'Pong from the keyboard');

    // Escape closes the panel and gives focus back to the launcher.
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !b.open, 'panel closed');
    assertEqual(activeElement()?.getAttribute('part'), 'launcher');
  });
});
