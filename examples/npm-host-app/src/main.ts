/**
 * The host app's page: its own sign-in, then the chat. It imports the SDK and the widget from npm
 * and gives the widget a `ChatClient` whose token provider asks the host app's backend, so the
 * browser never holds the signing secret.
 */
import { ChatClient } from '@parley/sdk';
import '@parley/widget';
import type { ChatWidget } from '@parley/widget';

interface SessionUser {
  id: string;
  name: string;
}

interface Session {
  user: SessionUser | null;
  chatUrl: string;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

/** The integration's browser half: fetch a token from our own backend, for the session's user. */
const fetchChatToken = async (): Promise<string> =>
  (await api<{ token: string }>('POST', '/api/chat-token')).token;

let client: ChatClient | null = null;

function showSignedOut(): void {
  client?.disconnect();
  client = null;
  $('chat-slot').replaceChildren();
  $('account').hidden = true;
  $('chat').hidden = true;
  $('sign-in').hidden = false;
  $<HTMLInputElement>('name').focus();
}

function showSignedIn(session: Session & { user: SessionUser }): void {
  $('sign-in').hidden = true;
  $('account').hidden = false;
  $('chat').hidden = false;
  $('user-name').textContent = session.user.name;

  client = new ChatClient({ url: session.chatUrl, tokenProvider: fetchChatToken });
  client.on('unread', ({ total }) => {
    $('nav-unread').textContent = total ? String(total) : '';
  });

  const widget = document.createElement('chat-widget') as ChatWidget;
  widget.mode = 'inline';
  // The widget connects the client it is given; the page keeps it to read unread counts too.
  widget.client = client;
  widget.addEventListener('chat-ready', () => ($('chat-status').textContent = 'Connected'));
  widget.addEventListener('chat-error', (event) => {
    $('chat-status').textContent = `Chat error: ${event.detail.error.message}`;
  });
  $('chat-slot').replaceChildren(widget);
}

async function main(): Promise<void> {
  $('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    try {
      const name = $<HTMLInputElement>('name').value;
      const session = await api<Session>('POST', '/api/sign-in', { name });
      if (session.user) showSignedIn({ ...session, user: session.user });
    } catch (error) {
      $('sign-in-error').textContent = (error as Error).message;
    }
  });
  $('sign-out').addEventListener('click', async () => {
    await api('POST', '/api/sign-out');
    showSignedOut();
  });

  const session = await api<Session>('GET', '/api/session');
  if (session.user) showSignedIn({ ...session, user: session.user });
  else showSignedOut();
}

void main();
