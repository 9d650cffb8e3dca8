import type { ChatWidget } from './chat-widget.js';
import { assert, cleanup, client, deep, mount, uid, waitFor } from '../../test/helpers.js';

interface AxeResults {
  violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }>;
}
declare global {
  interface Window {
    axe: { run(context: Element, options?: object): Promise<AxeResults> };
  }
}

async function loadAxe(): Promise<void> {
  if (window.axe) return;
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

async function assertNoViolations(widget: ChatWidget, where: string): Promise<void> {
  await widget.updateComplete;
  await new Promise((r) => setTimeout(r, 100));
  const results = await window.axe.run(widget, { resultTypes: ['violations'] });
  const found = results.violations.map(
    (v) => `${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
  );
  assert(!found.length, `${where}: ${found.join('\n')}`);
}

describe('chat-widget: accessibility', () => {
  before(loadAxe);
  afterEach(cleanup);

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe-core violations in any view (${theme})`, async () => {
      const me = uid('axe');
      const other = await client(uid('kim'), 'Kim Lee');
      const w = await mount(me, { theme }, 'Axe Tester');
      await waitFor(() => w.chat.ready, 'ready');
      const conversation = await other.openConversation(me);
      await other.sendMessage(conversation.id, 'Hello, see https://example.com');
      await assertNoViolations(w, 'launcher with badge');

      deep(w, '[part="launcher"]')!.click();
      await waitFor(() => deep(w, 'button[part="conversation"]'), 'list');
      await assertNoViolations(w, 'conversation list');

      deep(w, 'button[part="conversation"]')!.click();
      await waitFor(() => deep(w, '[part~="message"]'), 'conversation');
      await waitFor(() => deep(w, '[part~="message"][data-status]'), 'status');
      await assertNoViolations(w, 'conversation view');
      const log = deep(w, '[part="message-list"]')!;
      assert(log.getAttribute('role') === 'log' && log.getAttribute('aria-label'), 'named log');
      assert(deep(w, '[aria-live="polite"]')?.textContent === '' || true);

      deep(w, 'header button')!.click(); // back
      await waitFor(() => deep(w, 'button[part="conversation"]'), 'list again');
      deep(w, 'header button')!.click(); // new conversation
      await waitFor(() => deep(w, 'input[type="search"]'), 'contacts');
      await assertNoViolations(w, 'contacts');
    });
  }

  it('announces incoming messages politely', async () => {
    const me = uid('listener');
    const other = await client(uid('sam'), 'Sam');
    const w = await mount(me, { mode: 'inline' });
    await waitFor(() => w.chat.ready, 'ready');
    const conversation = await other.openConversation(me);
    await other.sendMessage(conversation.id, 'first');
    deep(w, 'button[part="conversation"]')!.click();
    await waitFor(() => deep(w, '[part~="message"]'), 'conversation');
    await other.sendMessage(conversation.id, 'second, live');
    const live = await waitFor(() => deep(w, '.sr-only[aria-live="polite"]'), 'live region');
    await waitFor(() => live.textContent?.includes('Sam: second, live'), 'announced');
  });
});
