/**
 * Slow requests: a client that sends its headers or its body a little at a time (slowloris) is
 * answered `408` and closed once `requestTimeoutMs` has passed, on REST and on long-polling's POST,
 * and what it was sending changes nothing. A WebSocket, and a long-polling GET that the server
 * holds open, are complete requests: they live on past the timeout.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  request,
  signToken,
  sleep,
  startTestServer,
} from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';

const TIMEOUT_MS = 500;
/** One byte of the unfinished part every this many ms: 20 bytes outlast the timeout sixfold. */
const TRICKLE_MS = 150;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ requestTimeoutMs: TIMEOUT_MS });
});
afterAll(() => server.close());

/**
 * Sends `head` at once, then `rest` one byte every `TRICKLE_MS`; resolves with what the server
 * wrote back and whether the server closed the connection before `rest` was all sent.
 */
function trickle(head: string, rest: string): Promise<{ answer: string; cut: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < rest.length) socket.write(rest[sent++]!);
    }, TRICKLE_MS);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, cut: sent < rest.length });
    });
  });
}

const status = (answer: string): string => answer.split('\r\n')[0] ?? '';

describe('a request that arrives too slowly', () => {
  it('is answered 408 and closed when its headers never end', async () => {
    const { answer, cut } = await trickle(
      'GET /chat/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n',
      'X-Slow: aaaaaaaaaaaa\r\n\r\n',
    );
    expect(status(answer)).toBe('HTTP/1.1 408 Request Timeout');
    expect(cut).toBe(true);
  });

  it('is answered 408 and closed when its REST body trickles, and creates nothing', async () => {
    const body = JSON.stringify({ userId: 'slow-bob' });
    const { answer, cut } = await trickle(
      'POST /chat/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Authorization: Bearer ${signToken('slow-ann')}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expect(status(answer)).toBe('HTTP/1.1 408 Request Timeout');
    expect(cut).toBe(true);
    const list = await api<{ conversations: unknown[] }>(
      server.url,
      signToken('slow-ann'),
      'GET',
      '/chat/conversations',
    );
    expect(list.status).toBe(200);
    expect(list.body.conversations).toEqual([]);
  });

  it("is answered 408 and closed when long-polling's POST body trickles", async () => {
    const open = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    const { sid } = JSON.parse((await open.text()).slice(1)) as { sid: string };
    const packet = `40${JSON.stringify({ token: signToken('slow-cy') })}`;
    const { answer, cut } = await trickle(
      `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ${packet.length}\r\n\r\n`,
      packet.slice(0, 20),
    );
    expect(status(answer)).toBe('HTTP/1.1 408 Request Timeout');
    expect(cut).toBe(true);
  });
});

describe('connections that outlive the timeout', () => {
  it('keep working: a WebSocket, and long-polling whose GET the server holds open', async () => {
    const created = await api<{ conversation: { id: string } }>(
      server.url,
      signToken('slow-dee'),
      'POST',
      '/chat/conversations',
      { userId: 'slow-eve' },
    );
    const conversationId = created.body.conversation.id;
    const overWebSocket = await connectSocket(server.url, signToken('slow-dee'));
    const overPolling = await connectSocket(server.url, signToken('slow-eve'), {
      transports: ['polling'],
    });
    try {
      await sleep(TIMEOUT_MS * 4); // the polling client's GET waits on the server meanwhile
      expect(overWebSocket.connected && overPolling.connected).toBe(true);
      for (const [socket, n] of [
        [overWebSocket, 1],
        [overPolling, 2],
      ] as const) {
        const ack = await request<{ ok: boolean }>(socket, 'sendMessage', {
          conversationId,
          content: `m${n}`,
          clientMessageId: `slow-m${n}`,
        });
        expect(ack.ok).toBe(true);
      }
    } finally {
      overWebSocket.close();
      overPolling.close();
    }
  });
});
