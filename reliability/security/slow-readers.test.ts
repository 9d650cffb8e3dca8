/**
 * Clients that stop reading: whatever the server must answer or deliver to them waits in its
 * memory until they read. A client that floods pings (answered by ws before any of our limits), or
 * sends events and never reads their acks, is dropped before it can grow the server without bound;
 * a recipient that stops reading is dropped once `maxUnsentBytes` (1 MiB) waits for it, and loses
 * nothing: every message it was sent is stored. REST needs nothing of ours: Node's HTTP server stops
 * reading a connection whose answers are not taken.
 *
 * The server runs in its own process, so that its RSS is its own; the clients are frame-level
 * Socket.IO clients (`RawSocket`) that stop reading, and write their floods raw on TCP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, request, signToken } from '../../reference-server/test/support.js';
import type { TestSocket } from '../../reference-server/test/support.js';
import { ChatClient, memoryStorage } from '../../sdk/src/index.js';
import { serverMessages } from '../../sdk/test/helpers.js';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { seededRandom } from '../support/random.js';
import { RawSocket } from '../support/raw-socket.js';
import { report } from '../support/report.js';
import { sleep, until } from '../support/scale.js';
import { ServerUnderTest } from '../support/server-under-test.js';

const MB = 1024 * 1024;
/** What a flood may send at most: unchecked, the server would hold about as much again. */
const FLOOD_CAP = 256 * MB;

/** A client WebSocket frame (masked, with a zero key: the payload goes as it is). */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

const text = (packet: string): Buffer => frame(0x1, Buffer.from(packet));

/**
 * Writes `chunk` on `tcp` again and again, as fast as the server reads, until the server closes the
 * connection or `cap` bytes are sent; returns the bytes sent.
 */
async function flood(tcp: Socket, chunk: Buffer, cap: number): Promise<number> {
  const closed = new Promise<void>((resolve) => tcp.once('close', () => resolve()));
  let sent = 0;
  while (!tcp.destroyed && sent < cap) {
    sent += chunk.length;
    if (!tcp.write(chunk)) {
      await Promise.race([new Promise((resolve) => tcp.once('drain', resolve)), closed]);
    }
  }
  return sent;
}

describe('clients that stop reading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-slow-readers-'));
  let server: ServerUnderTest;
  const sockets: TestSocket[] = [];
  let conversationId = '';
  let address = 0;
  /** Each client from its own loopback address, so that the per-IP handshake limit stays out. */
  const nextAddress = (): string => `127.0.4.${++address}`;

  /**
   * A Socket.IO client at the frame level that stops reading (`ws.pause()`): what the server writes
   * stays in the kernel's buffers, then in the server. Frames go raw on its TCP socket.
   */
  async function openSilent(token?: string): Promise<RawSocket> {
    const [socket, answer] = await RawSocket.open(server.url, {
      token,
      localAddress: nextAddress(),
    });
    if (token !== undefined && !answer.startsWith('40')) throw new Error(`refused: ${answer}`);
    socket.ws.pause();
    return socket;
  }

  beforeAll(async () => {
    server = await ServerUnderTest.start({ db: join(dir, 'chat.db') });
    const { body } = await api<{ conversation: { id: string } }>(
      server.url,
      signToken('reader-ann'),
      'POST',
      '/chat/conversations',
      { userId: 'reader-bob' },
    );
    conversationId = body.conversation.id;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const dropLogs = (): number =>
    server.output().split('dropped a connection that stopped reading').length - 1;

  interface Sender {
    socket: TestSocket;
    conversationId: string;
  }

  /** Twelve users, each with a conversation with `reader` and a connected socket. */
  async function sendersTo(reader: string): Promise<Sender[]> {
    return Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const userId = `${reader}-sender-${i}`;
        const { body } = await api<{ conversation: { id: string } }>(
          server.url,
          signToken(userId),
          'POST',
          '/chat/conversations',
          { userId: reader },
        );
        const socket = await connectSocket(server.url, signToken(userId));
        sockets.push(socket);
        return { socket, conversationId: body.conversation.id };
      }),
    );
  }

  /**
   * The senders send at the rate limit (20 a second each) messages of 4,000 three-byte characters,
   * about 2.9 MB a second for a reader who reads none of it, until the server drops a connection;
   * returns the `clientMessageId`s acked, by conversation.
   */
  async function sendUntilDropped(senders: Sender[]): Promise<Map<string, string[]>> {
    const drops = dropLogs();
    const stored = new Map(senders.map((s) => [s.conversationId, [] as string[]]));
    const deadline = Date.now() + 30_000;
    let n = 0;
    while (dropLogs() === drops) {
      if (Date.now() > deadline) throw new Error('the reader was never dropped');
      await Promise.all(
        senders.map(async ({ socket, conversationId }) => {
          const clientMessageId = `big-${n++}`;
          const ack = await request<{ ok: boolean }>(socket, 'sendMessage', {
            conversationId,
            content: '€'.repeat(4000),
            clientMessageId,
          });
          if (ack.ok) stored.get(conversationId)!.push(clientMessageId);
        }),
      );
      await sleep(50);
    }
    return stored;
  }

  /**
   * Floods with `chunk` until the server closes the connection (or the cap), then reports what was
   * sent and how much the server's RSS grew meanwhile, in KB.
   */
  async function measureFlood(
    name: string,
    client: RawSocket,
    chunk: Buffer,
  ): Promise<{ sent: number; growthKb: number }> {
    const before = server.rssKb();
    const sent = await flood(client.tcp, chunk, FLOOD_CAP);
    const growthKb = server.rssKb() - before;
    client.close();
    report(name, { sentBytes: sent, rssKb: before, growthKb });
    return { sent, growthKb };
  }

  /** A send by a well-behaved client, which must still be answered at once. */
  async function stillServes(): Promise<boolean> {
    const socket = await connectSocket(server.url, signToken('reader-ann'));
    sockets.push(socket);
    const ack = await request<{ ok: boolean }>(socket, 'sendMessage', {
      conversationId,
      content: 'still here',
      clientMessageId: `still-${Date.now()}`,
    });
    return ack.ok;
  }

  it('drops a client that floods pings and never reads the pongs', async () => {
    // No token: the upgrade alone is enough to be answered pongs.
    const client = await openSilent();
    const ping = frame(0x9, Buffer.alloc(125, 'p'));
    const { sent, growthKb } = await measureFlood(
      'ping-flood',
      client,
      Buffer.concat(Array.from({ length: 512 }, () => ping)),
    );
    // ws answers each ping with a pong; with 60 pongs unsent it closes the connection. Before that,
    // the pongs filled the loopback's buffers (a few MB), then the server's memory, without end.
    expect(client.tcp.destroyed).toBe(true);
    expect(sent).toBeLessThan(64 * MB);
    expect(growthKb).toBeLessThan(64 * 1024);
    expect(await stillServes()).toBe(true);
  });

  it('drops a client that sends events and never reads their acks, once 1 MiB waits', async () => {
    const client = await openSilent(signToken('reader-ann'));
    // Each asks for an ack (`42<id>[...]`), answered with an error: the conversation is not one of
    // this user's, and past 20 a second the user is rate-limited anyway.
    const events = Array.from({ length: 512 }, (_, i) =>
      text(
        `42${i}${JSON.stringify(['sendMessage', { conversationId: 'not-a-conversation', content: 'x', clientMessageId: `f${i}` }])}`,
      ),
    );
    const { sent, growthKb } = await measureFlood('ack-flood', client, Buffer.concat(events));
    // Unchecked, each event's ack waited in the server, which grew about 3 bytes for each byte the
    // client sent (256 MB sent: +762 MB). What grows now is the garbage of handling what the kernel
    // had buffered before the drop, which the next collection takes back.
    expect(client.tcp.destroyed).toBe(true);
    expect(sent).toBeLessThan(64 * MB);
    expect(growthKb).toBeLessThan(160 * 1024);
    // The operator is told, once (the log reaches this process a little after the drop).
    await until(() => dropLogs() >= 1, 'the drop in the log', 5000);
    await sleep(500);
    expect(dropLogs()).toBe(1);
    expect(await stillServes()).toBe(true);
  });

  it('drops a long-polling client that posts events and never polls for their acks', async () => {
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const post = (body: string): Promise<Response> =>
      fetch(`${base}&sid=${sid}`, { method: 'POST', body });
    expect((await post(`40${JSON.stringify({ token: signToken('reader-ann') })}`)).status).toBe(
      200,
    );
    const before = server.rssKb();
    // Bodies just under the 64 KB frame limit, each holding about 600 events that ask for an ack.
    const body = Array.from(
      { length: 600 },
      (_, i) =>
        `42${i}${JSON.stringify(['sendMessage', { conversationId: 'not-a-conversation', content: 'x', clientMessageId: `p${i}` }])}`,
    ).join('\x1e');
    let posts = 0;
    let status = 200;
    while (status === 200 && posts < 4000) {
      status = (await post(body)).status;
      posts++;
    }
    const after = server.rssKb();
    report('polling-ack-flood', {
      posts,
      status,
      rssKb: [before, after],
      growthKb: after - before,
    });
    // Without a GET to answer, every ack waits; past 1 MiB the session is closed, and the next
    // POST is refused as engine.io refuses an unknown session.
    expect(status).toBe(400);
    expect(posts).toBeLessThan(100);
    expect(await stillServes()).toBe(true);
  });

  it('stops reading REST requests pipelined by a client that never reads the answers', async () => {
    const token = signToken('reader-ann');
    const tcp = connect({ port: server.port, host: '127.0.0.1', localAddress: nextAddress() });
    tcp.on('error', () => undefined);
    await new Promise((resolve) => tcp.once('connect', resolve));
    tcp.pause();
    const before = server.rssKb();
    const get = `GET /chat/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`;
    const chunk = Buffer.from(get.repeat(200));
    // Node's HTTP server stops reading a connection whose answers are not being taken: the writes
    // then stall (no 'drain' within a second) long before the cap.
    let sent = 0;
    let stalled = false;
    while (!stalled && sent < 64 * MB) {
      sent += chunk.length;
      if (!tcp.write(chunk)) {
        stalled = !(await Promise.race([
          new Promise<boolean>((resolve) => tcp.once('drain', () => resolve(true))),
          sleep(1000).then(() => false),
        ]));
      }
    }
    const after = server.rssKb();
    tcp.destroy();
    report('pipelined-rest', { sentBytes: sent, rssKb: [before, after], growthKb: after - before });
    expect(stalled).toBe(true);
    expect(after - before).toBeLessThan(64 * 1024);
    expect(await stillServes()).toBe(true);
  });

  it('drops a recipient that stops reading once 1 MiB waits for it, and loses none of its messages', async () => {
    const reader = await openSilent(signToken('slow-reader'));
    const senders = await sendersTo('slow-reader');
    const stored = await sendUntilDropped(senders);
    // It reads again: what the kernel held, then the server's close.
    reader.ws.resume();
    for (const end = Date.now() + 10_000; !reader.closed && Date.now() < end;) await sleep(50);
    expect(reader.closed).toBe(true);
    // Everything acked is in the reader's conversations, for it to fetch when it comes back.
    const fetched = new Set<string>();
    for (const { conversationId: id } of senders) {
      const history = await serverMessages(server.url, signToken('slow-reader'), id);
      for (const message of history) fetched.add(message.clientMessageId);
    }
    const acked = [...stored.values()].flat();
    report('slow-recipient', {
      acked: acked.length,
      fetched: fetched.size,
      readBytes: reader.tcp.bytesRead,
    });
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.filter((id) => !fetched.has(id))).toEqual([]);
    expect(await stillServes()).toBe(true);
  });

  it("drops an SDK client whose link stops carrying the server's data; it comes back with every message", async () => {
    const proxy = new ChaosProxy(server.port, seededRandom(15));
    await proxy.listen();
    const senders = await sendersTo('sdk-reader');
    const reader = new ChatClient({
      url: proxy.url,
      tokenProvider: () => signToken('sdk-reader', { name: 'sdk-reader' }),
      storage: memoryStorage(),
      reconnectDelayMs: 50,
      reconnectDelayMaxMs: 400,
      transports: ['websocket'],
    });
    try {
      await reader.connect();
      for (const { conversationId } of senders) await reader.loadConversation(conversationId);
      let connects = 0;
      reader.on('status', (status) => {
        if (status === 'connected') connects++;
      });
      // The reader's link stops carrying what the server sends (a phone in a lift, say): the SDK
      // sees nothing wrong, the server's writes pile up until it drops the connection.
      proxy.holdServerData(true);
      const stored = await sendUntilDropped(senders);
      proxy.holdServerData(false);
      // The SDK reconnects by itself and catches up: each conversation holds every acked message,
      // once, and its unread count says how many there are.
      const complete = (): boolean =>
        senders.every(({ conversationId }) => {
          const state = reader.getState().byId[conversationId];
          const ids = (state?.messages ?? []).map((m) => m.clientMessageId);
          const acked = stored.get(conversationId)!;
          return (
            acked.every((id) => ids.includes(id)) &&
            new Set(ids).size === ids.length &&
            state?.conversation.unreadCount === acked.length
          );
        });
      await until(complete, "every acked message in the SDK's state", 30_000);
      report('slow-sdk-reader', {
        acked: [...stored.values()].flat().length,
        reconnects: connects,
        proxyConnections: proxy.stats.connections,
      });
      expect(connects).toBeGreaterThanOrEqual(1);
    } finally {
      reader.disconnect();
      await proxy.close();
    }
  });
});
