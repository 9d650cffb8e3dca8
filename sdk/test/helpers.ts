/**
 * Helpers of the SDK suite. Every test runs real `ChatClient`s against the real reference server
 * (`reference-server/test/support.ts`): no mocked socket, no mocked database.
 */
import { afterEach } from 'vitest';
import { api } from '../../reference-server/test/support.js';
import { ChatClient, memoryStorage } from '../src/index.js';
import type { ChatClientOptions, Conversation, Message, OutboxStorage } from '../src/index.js';

export { api, sleep } from '../../reference-server/test/support.js';

const live = new Set<ChatClient>();

afterEach(() => {
  for (const client of live) client.disconnect();
  live.clear();
});

export interface TokenSigner {
  url: string;
  token(userId: string, claims?: { name?: string; expiresIn?: number | string }): string;
}

/** A client for `userId` with fast reconnects; disconnected after each test. */
export function makeClient(
  server: TokenSigner,
  userId: string,
  options: Partial<ChatClientOptions> & { storage?: OutboxStorage } = {},
): ChatClient {
  const client = new ChatClient({
    url: server.url,
    tokenProvider: () => server.token(userId, { name: userId }),
    storage: memoryStorage(),
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 400,
    transports: ['websocket'],
    ...options,
  });
  live.add(client);
  return client;
}

/** Polls until `check` returns true; fails with `label` after `ms` (a guard, not a benchmark). */
export async function waitFor(check: () => boolean, label: string, ms = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every message the client emits through `on('message')`, in order. */
export function collectMessages(client: ChatClient): Message[] {
  const seen: Message[] = [];
  client.on('message', (m) => seen.push(m));
  return seen;
}

/** The server's full list of messages of a conversation, by REST, in seq order. */
export async function serverMessages(
  url: string,
  token: string,
  conversationId: string,
): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.at(-1)?.seq ?? 0;
    const res = await api<{ messages: Message[]; hasMore: boolean }>(
      url,
      token,
      'GET',
      `/chat/conversations/${conversationId}?afterSeq=${after}&limit=200`,
    );
    if (res.status !== 200) throw new Error(`GET messages: ${res.status}`);
    all.push(...res.body.messages);
    if (!res.body.hasMore || res.body.messages.length === 0) return all;
  }
}

/** Creates (or finds) the conversation between two users by REST. */
export async function createConversation(
  url: string,
  token: string,
  otherUserId: string,
): Promise<Conversation> {
  const res = await api<{ conversation: Conversation }>(url, token, 'POST', '/chat/conversations', {
    userId: otherUserId,
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`POST conversation: ${res.status}`);
  return res.body.conversation;
}

/** Stored (sent) messages in a client's window, as `seq:content`. */
export function windowOf(client: ChatClient, conversationId: string): string[] {
  const cs = client.getState().byId[conversationId];
  return (cs?.messages ?? [])
    .filter((m) => m.status === 'sent')
    .map((m) => `${m.seq}:${m.content}`);
}

/**
 * Records the path and query of every REST request made in this process, handing each on to the
 * real fetch unchanged. `stop()` puts the real fetch back.
 */
export function recordRequests(baseUrl: string): { asked: string[]; stop(): void } {
  const asked: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    asked.push(String(input).replace(baseUrl, ''));
    return realFetch(input, init);
  };
  return { asked, stop: () => (globalThis.fetch = realFetch) };
}
