/**
 * An echo bot on `@parley/sdk`: a template for integrations (support bots, notifications,
 * assistants). It connects as its own user, answers every message written to it, marks what it
 * answered as read, and on start answers what arrived while it was away.
 *
 * Run it next to a server: `npm run bot -w examples` (see README.md).
 */
import { pathToFileURL } from 'node:url';
import { ChatClient, ChatError } from '@parley/sdk';
import type { Message, TokenProvider } from '@parley/sdk';
import jwt from 'jsonwebtoken';

export interface EchoBotOptions {
  /** The chat server, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Gives the bot a JWT for its own user id (see {@link botTokenProvider}). */
  tokenProvider: TokenProvider;
  /** What to answer; the default echoes. Return `null` to stay silent. */
  reply?: (message: Message) => string | null | Promise<string | null>;
  /** How long the bot shows "typing" before it answers, in ms. Default 400. */
  typingMs?: number;
  log?: (line: string) => void;
}

export interface EchoBot {
  client: ChatClient;
  /** Disconnects; the process can exit afterwards. */
  stop(): void;
}

/**
 * A token provider for a bot. With the server's HS256 secret (`CHAT_JWT_SECRET`) the bot signs
 * its own short-lived token, like any backend of the host app; without it, it asks a demo-mode
 * server's `/demo/token`.
 *
 * @example
 * const tokenProvider = botTokenProvider({ url, userId: 'echo-bot', name: 'Echo Bot', secret });
 */
export function botTokenProvider(options: {
  url: string;
  userId: string;
  name: string;
  secret?: string;
}): TokenProvider {
  const { url, userId, name, secret } = options;
  if (secret) {
    return () => jwt.sign({ sub: userId, name }, secret, { algorithm: 'HS256', expiresIn: '1h' });
  }
  return async () => {
    const res = await fetch(`${url}/demo/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, name }),
    });
    if (!res.ok) {
      const message = `${url}/demo/token answered ${res.status}: set CHAT_JWT_SECRET, or run the server with --demo`;
      // A 4xx will not change by asking again: refuse for good. Anything else (a 5xx, a failed
      // fetch) is passing, and the SDK asks again with backoff.
      if (res.status < 500) throw new ChatError('unauthorized', message);
      throw new Error(message);
    }
    return ((await res.json()) as { token: string }).token;
  };
}

const echo = (message: Message): string => `Echo: ${message.content}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects the bot and starts answering.
 *
 * @example
 * const bot = await startEchoBot({ url, tokenProvider });
 * process.on('SIGINT', () => bot.stop());
 */
export async function startEchoBot(options: EchoBotOptions): Promise<EchoBot> {
  const { url, tokenProvider, reply = echo, typingMs = 400, log = () => {} } = options;
  const client = new ChatClient({ url, tokenProvider });
  // A message can come both live and from the start-up backlog: answer it once.
  const answered = new Set<string>();

  async function answer(message: Message): Promise<void> {
    const me = client.getState().me?.id;
    // Never answer yourself: two echo bots would otherwise talk forever.
    if (!me || message.senderId === me || answered.has(message.id)) return;
    answered.add(message.id);
    const { conversationId } = message;
    try {
      await client.markAsRead(conversationId, message.id);
      const text = await reply(message);
      if (text === null) return;
      client.setTyping(conversationId, true);
      await sleep(typingMs);
      await client.sendMessage(conversationId, text.slice(0, 4000));
      log(`answered ${message.senderId} in ${conversationId}`);
    } catch (error) {
      log(`could not answer ${message.id}: ${(error as Error).message}`);
    }
  }

  client.on('message', (message) => void answer(message));
  client.on('error', (error) => log(`error: ${error.code}: ${error.message}`));
  client.on('status', (status) => log(`status: ${status}`));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }

  // What was written while the bot was away: every conversation's unread messages.
  for (const conversation of await client.getConversations()) {
    if (!conversation.unreadCount) continue;
    const { messages } = await client.getMessages(conversation.id, {
      afterSeq: conversation.lastReadSeq,
      limit: 200,
    });
    for (const message of messages) await answer(message);
  }

  return { client, stop: () => client.disconnect() };
}

// Run as a script: `node --import tsx examples/bot/echo-bot.ts`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.CHAT_URL ?? 'http://127.0.0.1:3000';
  const userId = process.env.BOT_USER_ID ?? 'echo-bot';
  const name = process.env.BOT_NAME ?? 'Echo Bot';
  const tokenProvider = botTokenProvider({
    url,
    userId,
    name,
    secret: process.env.CHAT_JWT_SECRET || undefined,
  });
  startEchoBot({ url, tokenProvider, log: (line) => console.log(`[${userId}] ${line}`) }).then(
    (bot) => {
      console.log(
        `${name} (${userId}) is listening on ${url}. Write to it: in the widget, "New conversation", then "${name}".`,
      );
      const stop = () => {
        bot.stop();
        console.log('stopped');
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: Error) => {
      console.error(`The bot could not connect to ${url}: ${error.message}`);
      console.error('Is the server running? Start it with `npm start` in another terminal.');
      process.exitCode = 1;
    },
  );
}
