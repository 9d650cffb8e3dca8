/** The echo bot against a real reference server: live answers, read marks and the backlog. */
import { ChatClient } from '@parley/sdk';
import type { Message } from '@parley/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_JWT_SECRET } from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { botTokenProvider, startEchoBot } from '../bot/echo-bot.js';
import type { EchoBot } from '../bot/echo-bot.js';

let server: TestServer;
let bot: EchoBot | undefined;
let alice: ChatClient;

function botOn(url: string): Promise<EchoBot> {
  const tokenProvider = botTokenProvider({
    url,
    userId: 'echo-bot',
    name: 'Echo Bot',
    secret: TEST_JWT_SECRET,
  });
  return startEchoBot({ url, tokenProvider, typingMs: 50 });
}

/** Resolves with the next message from `senderId`. */
function nextFrom(client: ChatClient, senderId: string): Promise<Message> {
  return new Promise((resolve) => {
    const off = client.on('message', (message) => {
      if (message.senderId !== senderId) return;
      off();
      resolve(message);
    });
  });
}

beforeEach(async () => {
  server = await startTestServer();
  alice = new ChatClient({ url: server.url, tokenProvider: () => server.token('alice') });
  await alice.connect();
});

afterEach(async () => {
  bot?.stop();
  bot = undefined;
  alice.disconnect();
  await server.close();
});

describe('the echo bot', () => {
  it('answers each message once, shows typing and marks it read', async () => {
    bot = await botOn(server.url);
    const conversation = await alice.openConversation('echo-bot');
    await alice.loadConversation(conversation.id);
    const typing = new Promise((resolve) =>
      alice.on('typing', (event) => event.userId === 'echo-bot' && event.isTyping && resolve(1)),
    );
    const reply = nextFrom(alice, 'echo-bot');
    const sent = await alice.sendMessage(conversation.id, 'Hello, bot');
    await typing;
    expect((await reply).content).toBe('Echo: Hello, bot');
    expect(
      alice.getState().byId[conversation.id]?.conversation.otherLastReadSeq,
    ).toBeGreaterThanOrEqual(sent.seq);

    const second = nextFrom(alice, 'echo-bot');
    await alice.sendMessage(conversation.id, 'Again');
    expect((await second).content).toBe('Echo: Again');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { messages } = await alice.getMessages(conversation.id);
    expect(messages.map((m) => m.content)).toEqual([
      'Hello, bot',
      'Echo: Hello, bot',
      'Again',
      'Echo: Again',
    ]);
  });

  it('answers what was written while it was away', async () => {
    const conversation = await alice.openConversation('echo-bot');
    await alice.loadConversation(conversation.id);
    await alice.sendMessage(conversation.id, 'Are you there?');
    const reply = nextFrom(alice, 'echo-bot');
    bot = await botOn(server.url);
    expect((await reply).content).toBe('Echo: Are you there?');
  });

  it('says what to do when it cannot get a token', async () => {
    const tokenProvider = botTokenProvider({ url: server.url, userId: 'b', name: 'B' });
    await expect(startEchoBot({ url: server.url, tokenProvider })).rejects.toThrow(/--demo/);
  });
});
