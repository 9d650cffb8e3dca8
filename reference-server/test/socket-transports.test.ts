import { Socket as TcpSocket } from 'node:net';
import type { Message, OfflineEvent } from '@parley/sdk/protocol';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { makePair } from './conformance/fixtures.js';
import { openTarget } from './conformance/target.js';
import type { Target } from './conformance/target.js';
import { api, collect, connectSocket, nextEvent, request, startTestServer } from './support.js';
import type { TestSocket } from './support.js';

type SendAck = { ok: true; message: Message } | { ok: false; error: { code: string } };

let target: Target;
let sockets: TestSocket[] = [];

beforeEach(async () => {
  target = await openTarget();
});
afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  await target.close();
});

async function connect(token: string, transports: Array<'websocket' | 'polling'>) {
  const socket = await connectSocket(target.url, token, { transports });
  sockets.push(socket);
  return socket;
}

/** The client's TCP socket under its WebSocket transport (ws's, in Node). */
function tcpOf(socket: TestSocket): TcpSocket {
  const transport = socket.io.engine.transport as unknown as { ws: { _socket: TcpSocket } };
  return transport.ws._socket;
}

describe('socket transports', () => {
  it('writes the acks and echoes of a batch of sends to the sender in one socket write', async () => {
    const pair = await makePair(target);
    const id = pair.conversation.id;
    const a = await connect(pair.tokenA, ['websocket']);
    await connect(pair.tokenB, ['websocket']);
    // The server is in this process: count the writes of its end of a's TCP connection.
    if (!target.local)
      throw new Error("counts an in-process server's writes: unset CONFORMANCE_URL");
    const clientPort = tcpOf(a).localPort;
    let writes = 0;
    const proto = TcpSocket.prototype as unknown as Record<
      '_write' | '_writev',
      (this: TcpSocket, ...args: unknown[]) => unknown
    >;
    const original = { _write: proto._write, _writev: proto._writev };
    for (const name of ['_write', '_writev'] as const) {
      proto[name] = function (this: TcpSocket, ...args: unknown[]) {
        if (this.remotePort === clientPort) writes++;
        return original[name].apply(this, args);
      };
    }
    onTestFinished(() => {
      Object.assign(proto, original);
    });
    const echoes = collect<Message>(a, 'message');
    // The four sends leave the client in one TCP write (corked while socket.io-client writes
    // them), so the server reads them at once and stores them in one batch, which answers each
    // with an ack and an echo: eight packets.
    tcpOf(a).cork();
    const sent = Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((clientMessageId) =>
        request<SendAck>(a, 'sendMessage', {
          conversationId: id,
          content: `hello ${clientMessageId}`,
          clientMessageId,
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    tcpOf(a).uncork();
    const acks = await sent;
    await expect.poll(() => echoes.length).toBe(4);
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, true, true]);
    expect(echoes.map((m) => m.clientMessageId)).toEqual(['w1', 'w2', 'w3', 'w4']);
    // One write for the batch; written as they were queued, the eight packets took eight.
    expect(writes).toBe(1);
  });

  it('delivers to and acks a client on long-polling, and one that upgrades from it to WebSocket', async () => {
    const pair = await makePair(target);
    const id = pair.conversation.id;
    const polling = await connect(pair.tokenA, ['polling']);
    const upgrading = await connect(pair.tokenB, ['polling', 'websocket']);
    if (upgrading.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve) => upgrading.io.engine.once('upgrade', resolve));
    }
    const toPolling = collect<Message>(polling, 'message');
    const toUpgraded = collect<Message>(upgrading, 'message');
    for (const [from, label] of [
      [polling, 'p1'],
      [upgrading, 'u1'],
      [polling, 'p2'],
      [upgrading, 'u2'],
    ] as const) {
      const ack = await request<SendAck>(from, 'sendMessage', {
        conversationId: id,
        content: label,
        clientMessageId: label,
      });
      expect(ack.ok, label).toBe(true);
    }
    await expect.poll(() => [toPolling.length, toUpgraded.length]).toEqual([4, 4]);
    for (const seen of [toPolling, toUpgraded]) {
      expect(seen.map((m) => [m.seq, m.content])).toEqual([
        [1, 'p1'],
        [2, 'u1'],
        [3, 'p2'],
        [4, 'u2'],
      ]);
    }
  });

  it('does nothing with an event that reaches the server in the same read as the disconnect before it', async () => {
    const pair = await makePair(target);
    const id = pair.conversation.id;
    const sent = (label: string) => ({
      conversationId: id,
      content: label,
      clientMessageId: label,
    });
    const a = await connect(pair.tokenA, ['websocket']);
    expect((await request<SendAck>(a, 'sendMessage', sent('before'))).ok).toBe(true);
    // Raw Socket.IO packets on a's WebSocket, in one TCP write: a DISCONNECT of the namespace, then
    // a send that asks for an ack (packet id 1). The server decodes both in one read and handles
    // them in order: by the time the send is handled, its socket is closed.
    const ws = (a.io.engine.transport as unknown as { ws: { send(data: string): void } }).ws;
    tcpOf(a).cork();
    ws.send('41');
    ws.send(`421${JSON.stringify(['sendMessage', sent('late')])}`);
    tcpOf(a).uncork();
    // A send after it, on another socket, is stored behind whatever the server did with 'late'.
    const b = await connect(pair.tokenB, ['websocket']);
    expect((await request<SendAck>(b, 'sendMessage', sent('after'))).ok).toBe(true);
    const history = await api<{ messages: Message[] }>(
      target.url,
      pair.tokenA,
      'GET',
      `/chat/conversations/${id}`,
    );
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, 'before'],
      [2, 'after'],
    ]);
  });
});

describe('closing the server', () => {
  it('tells every socket with sessionEnd when close() is called from async code', async () => {
    const own = await startTestServer();
    onTestFinished(() => own.close());
    const s = await connectSocket(own.url, own.token('closer'), { transports: ['websocket'] });
    sockets.push(s);
    const told = nextEvent<{ code: string }>(s, 'sessionEnd');
    const reason = new Promise<string>((resolve) => s.once('disconnect', resolve));
    await Promise.resolve(); // close() runs in a promise job, as it does after any await
    await own.close();
    expect((await told).code).toBe('shutdown');
    expect(await reason).toBe('io server disconnect');
  });
});

describe('presence under another adapter', () => {
  it("sees a socket's disconnect after io.adapter() replaced the namespace's adapter", async () => {
    const own = await startTestServer();
    onTestFinished(() => own.close());
    // What a scale-out setup does once the server exists (a Redis adapter, say): every namespace
    // gets a new adapter instance. The same class here, a new instance all the same.
    const { io } = own.server;
    io.adapter(io.of('/').adapter.constructor as Parameters<typeof io.adapter>[0]);
    const pair = await makePair({
      ...target,
      url: own.url,
      token: async (id, claims) => own.token(id, claims),
    });
    const watcher = await connectSocket(own.url, pair.tokenB, { transports: ['websocket'] });
    const a = await connectSocket(own.url, pair.tokenA, { transports: ['websocket'] });
    sockets.push(watcher, a);
    const gone = nextEvent<OfflineEvent>(watcher, 'offline', 4000);
    a.close();
    expect((await gone).userId).toBe(pair.a);
  });
});
