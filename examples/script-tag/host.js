// The host page's own script. Everything the widget needs is a server URL and a token; the rest
// shows how a page can react to the widget (unread count in its own navigation) and drive it.

const params = new URLSearchParams(location.search);
const userId = params.get('user') ?? 'carol';

// The chat server's origin. Here the demo server serves this page too; in your app it is
// something like https://chat.example.com (and your page's origin must be in its --origins).
const chatServer = location.origin;

/** Demo only: a real host app asks its own backend, which signs for the signed-in user. */
async function fetchToken() {
  const res = await fetch(`${chatServer}/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return (await res.json()).token;
}

const widget = document.querySelector('chat-widget');
widget.setAttribute('server-url', chatServer);
widget.tokenProvider = fetchToken;

widget.addEventListener('chat-ready', (event) => {
  document.getElementById('who').textContent = `Signed in as ${event.detail.me?.name ?? userId}`;
});
widget.addEventListener('chat-unread-change', (event) => {
  const { total } = event.detail;
  document.getElementById('inbox-count').textContent = total ? String(total) : '';
});
widget.addEventListener('chat-error', (event) => {
  console.warn('chat:', event.detail.error.code, event.detail.error.message);
});

document.getElementById('ask-seller').addEventListener('click', () => {
  void widget.openConversationWith('dave');
});
