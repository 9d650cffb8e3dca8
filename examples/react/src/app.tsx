import { useCallback, useState } from 'react';
import type { ChatErrorEvent, ChatReadyEvent, ChatUnreadChangeEvent } from '@parley/widget';

const USERS = ['alice', 'bob', 'carol', 'dave'];

/** Demo only: the demo server mints tokens. Your app asks its own backend instead. */
async function demoToken(userId: string): Promise<string> {
  const res = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`/demo/token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export function App({ initialUser }: { initialUser: string }) {
  const [user, setUser] = useState(initialUser);
  const [me, setMe] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState('');

  // A stable function, so React does not hand the widget a new provider on every render.
  const tokenProvider = useCallback(() => demoToken(user), [user]);

  const switchTo = (next: string) => {
    setUser(next);
    setMe(null);
    setUnread(0);
    history.replaceState(null, '', `?user=${encodeURIComponent(next)}`);
  };

  return (
    <>
      <header className="app-header">
        <strong>Acme Support</strong>
        <span className="inbox">
          Inbox
          {unread > 0 && (
            <span className="count" aria-label={`${unread} unread`} data-testid="unread">
              {unread}
            </span>
          )}
        </span>
        <label className="user">
          Demo user{' '}
          <select value={user} onChange={(e) => switchTo(e.target.value)}>
            {USERS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
        </label>
      </header>
      <main>
        <p role="status">{me ? `Signed in as ${me}` : 'Connecting…'}</p>
        {error && <p role="alert">{error}</p>}
        <chat-widget
          // A new element (and connection) per user.
          key={user}
          server-url={location.origin}
          mode="inline"
          tokenProvider={tokenProvider}
          onchat-ready={(e: ChatReadyEvent) => setMe(e.detail.me?.name ?? user)}
          onchat-unread-change={(e: ChatUnreadChangeEvent) => setUnread(e.detail.total)}
          onchat-error={(e: ChatErrorEvent) => setError(e.detail.error.message)}
        />
      </main>
    </>
  );
}
