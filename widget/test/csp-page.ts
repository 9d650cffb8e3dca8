// Loaded by /__parley/csp.html (strict CSP, Trusted Types) in an iframe of
// chat-widget.csp.test.ts: mounts a widget, sends a message and reports every CSP violation.
import type { ChatWidget } from '../src/chat-widget/chat-widget.js';
import '../src/index.js';

const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) =>
  violations.push(`${e.violatedDirective}: ${e.sample || e.blockedURI}`),
);
const params = new URLSearchParams(location.search);
const config = (await (await fetch('/__parley/config')).json()) as { serverUrl: string };
const { token } = (await (await fetch(`/__parley/token?sub=${params.get('sub')}`)).json()) as {
  token: string;
};
const widget = document.createElement('chat-widget') as ChatWidget;
widget.mode = 'inline';
widget.serverUrl = config.serverUrl;
widget.token = token;
widget.conversationWith = params.get('with')!;
document.body.append(widget);
widget.addEventListener('chat-message', (e) => {
  parent.postMessage({ sent: e.detail.message.content, violations }, '*');
});
widget.addEventListener('chat-ready', () => {
  const timer = setInterval(() => {
    const view = widget.shadowRoot!.querySelector('chat-conversation-view');
    const composer = view?.shadowRoot?.querySelector('chat-composer');
    const input = composer?.shadowRoot?.querySelector('textarea');
    if (!input) return;
    clearInterval(timer);
    input.value = 'sent under a strict CSP';
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
  }, 50);
});
