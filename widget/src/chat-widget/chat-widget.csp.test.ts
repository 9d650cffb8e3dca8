import { assertEqual, cleanup, client, uid } from '../../test/helpers.js';

describe('chat-widget: strict Content-Security-Policy', () => {
  afterEach(cleanup);

  it('works with no inline script or style, no eval and Trusted Types required', async () => {
    const me = uid('csp');
    const other = uid('peer');
    await client(other, 'Peer');
    const frame = document.createElement('iframe');
    const report = new Promise<{ sent: string; violations: string[] }>((resolve) =>
      window.addEventListener('message', (e) => resolve(e.data), { once: true }),
    );
    frame.src = `/__parley/csp.html?sub=${me}&with=${other}`;
    document.body.append(frame);
    try {
      const { sent, violations } = await report;
      assertEqual(sent, 'sent under a strict CSP');
      assertEqual(violations.join('\n'), '', 'CSP violations:');
    } finally {
      frame.remove();
    }
  });
});
