import type { Conversation } from '@parley/sdk/protocol';
import { afterAll, beforeAll } from 'vitest';
import { api, connectSocket } from '../support.js';
import type { TestSocket } from '../support.js';
import { openTarget } from './target.js';
import type { Target } from './target.js';

/** Opens the target for the file's tests and closes every socket they opened. */
export function useTarget(): {
  target: () => Target;
  socket: (token: string) => Promise<TestSocket>;
} {
  let target: Target | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    target = await openTarget();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await target?.close();
  });
  return {
    target: () => target!,
    socket: async (token) => {
      const s = await connectSocket(target!.url, token);
      sockets.push(s);
      return s;
    },
  };
}

export interface Pair {
  a: string;
  b: string;
  tokenA: string;
  tokenB: string;
  conversation: Conversation;
}

/** Two fresh users and their conversation. */
export async function makePair(
  target: Target,
  labels: [string, string] = ['a', 'b'],
): Promise<Pair> {
  const a = target.user(labels[0]);
  const b = target.user(labels[1]);
  const tokenA = await target.token(a, { name: `User ${labels[0]}` });
  const tokenB = await target.token(b, { name: `User ${labels[1]}` });
  await api(target.url, tokenB, 'GET', '/chat/unread-count'); // b becomes known to the server
  const res = await api<{ conversation: Conversation }>(
    target.url,
    tokenA,
    'POST',
    '/chat/conversations',
    { userId: b },
  );
  if (res.status !== 201)
    throw new Error(`create conversation: ${res.status} ${JSON.stringify(res.body)}`);
  return { a, b, tokenA, tokenB, conversation: res.body.conversation };
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
