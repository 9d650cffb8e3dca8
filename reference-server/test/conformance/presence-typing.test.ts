import type { OfflineEvent, OnlineEvent, TypingEvent } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { collect, nextEvent, request, sleep } from '../support.js';
import { makePair, useTarget } from './fixtures.js';

const { target, socket } = useTarget();

describe('presence', () => {
  it('goes online with the first socket and offline only after the last one and the grace', async () => {
    const t = target();
    const pair = await makePair(t);
    const watcher = await socket(pair.tokenB);
    const online = collect<OnlineEvent>(watcher, 'online');
    const offline = collect<OfflineEvent>(watcher, 'offline');
    const a1 = await socket(pair.tokenA);
    await sleep(100);
    const a2 = await socket(pair.tokenA);
    await sleep(100);
    expect(online.filter((e) => e.userId === pair.a)).toHaveLength(1);
    a1.close();
    await sleep(3500);
    expect(offline).toEqual([]);
    const gone = nextEvent<OfflineEvent>(watcher, 'offline', 4000);
    a2.close();
    const event = await gone;
    expect(event.userId).toBe(pair.a);
    expect(event.lastSeenAt).toEqual(expect.any(String));
  });

  it('does not flap on a quick reconnect', async () => {
    const t = target();
    const pair = await makePair(t);
    const watcher = await socket(pair.tokenB);
    const a = await socket(pair.tokenA);
    await sleep(100);
    const online = collect<OnlineEvent>(watcher, 'online');
    const offline = collect<OfflineEvent>(watcher, 'offline');
    a.close();
    await sleep(50);
    await socket(pair.tokenA);
    await sleep(3500);
    expect(online).toEqual([]);
    expect(offline).toEqual([]);
  });
});

describe('typing', () => {
  it('reaches the other participant only, and ends when the typer sends', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b] = [await socket(pair.tokenA), await socket(pair.tokenB)];
    const outsider = await socket(await t.token(t.user('eve')));
    const leaked = collect<TypingEvent>(outsider, 'typing');
    const echoed = collect<TypingEvent>(a, 'typing');
    const started = nextEvent<TypingEvent>(b, 'typing');
    expect(
      await request(a, 'typing', { conversationId: pair.conversation.id, isTyping: true }),
    ).toEqual({ ok: true });
    expect(await started).toEqual({
      conversationId: pair.conversation.id,
      userId: pair.a,
      isTyping: true,
    });
    const stopped = nextEvent<TypingEvent>(b, 'typing');
    await request(a, 'sendMessage', {
      conversationId: pair.conversation.id,
      content: 'done',
      clientMessageId: 'ty1',
    });
    expect((await stopped).isTyping).toBe(false);
    await sleep(100);
    expect(leaked).toEqual([]);
    expect(echoed).toEqual([]);
  });

  it('ends when the typer disconnects', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b] = [await socket(pair.tokenA), await socket(pair.tokenB)];
    await request(a, 'typing', { conversationId: pair.conversation.id, isTyping: true });
    const stopped = nextEvent<TypingEvent>(b, 'typing', 3000, (e) => !e.isTyping);
    a.close();
    expect((await stopped).userId).toBe(pair.a);
  });

  it('ends by itself after 6 s of silence', async () => {
    const t = target();
    const pair = await makePair(t);
    const [a, b] = [await socket(pair.tokenA), await socket(pair.tokenB)];
    const events = collect<TypingEvent>(b, 'typing');
    await request(a, 'typing', { conversationId: pair.conversation.id, isTyping: true });
    await sleep(5000);
    expect(events.map((e) => e.isTyping)).toEqual([true]);
    await sleep(2000);
    expect(events.map((e) => e.isTyping)).toEqual([true, false]);
  }, 15_000);

  it("refuses malformed typing payloads and other pairs' conversations", async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    const c = await socket(await t.token(t.user('c')));
    const bad = await request(a, 'typing', {
      conversationId: pair.conversation.id,
      isTyping: 'yes',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const hidden = await request(c, 'typing', {
      conversationId: pair.conversation.id,
      isTyping: true,
    });
    expect(hidden).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('answers join with the user id', async () => {
    const t = target();
    const pair = await makePair(t);
    const a = await socket(pair.tokenA);
    expect(await request(a, 'join')).toEqual({ ok: true, userId: pair.a });
    expect(await request(a, 'join')).toEqual({ ok: true, userId: pair.a });
  });
});
