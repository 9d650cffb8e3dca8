/**
 * Disk faults: the database's disk fills up, or the database becomes read-only, under load.
 * Refused writes answer a clear error (to the client: `internal`, retryable; to the operator: a
 * log line naming the cause), nothing is acked that was not committed, reads keep working, and
 * everything resumes, without a gap or a duplicate, when the disk is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Message } from '@parley/sdk/protocol';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  request,
  signToken,
  startTestServer,
} from '../../reference-server/test/support.js';
import type { TestServer, TestSocket } from '../../reference-server/test/support.js';
import type { SqliteStore } from '../../reference-server/src/index.js';
import { ChatClient, memoryStorage } from '../../sdk/src/index.js';
import type { Conversation } from '../../sdk/src/index.js';
import { countAnomalies, readDatabase } from '../support/checker.js';
import { SmallDisk } from '../support/disk.js';
import { report } from '../support/report.js';
import { until } from '../support/scale.js';
import { ServerUnderTest } from '../support/server-under-test.js';

type SendAck = { ok: boolean; message?: Message; error?: { code: string; message: string } };

function captureLogs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino<never>({ level: 'warn' }, stream), lines };
}

interface Rig {
  server: TestServer;
  store: SqliteStore;
  db: string;
  conversationId: string;
  ann: TestSocket;
  client: ChatClient;
  logs: string[];
}

async function rig(db: string): Promise<Rig> {
  const { logger, lines } = captureLogs();
  const server = await startTestServer({
    db,
    logger,
    rateLimits: { messages: 0, requests: 0 },
  });
  const { body } = await api<{ conversation: Conversation }>(
    server.url,
    signToken('ann'),
    'POST',
    '/chat/conversations',
    { userId: 'ben' },
  );
  const ann = await connectSocket(server.url, signToken('ann'));
  const client = new ChatClient({
    url: server.url,
    tokenProvider: () => signToken('ben'),
    storage: memoryStorage(),
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 500,
    transports: ['websocket'],
  });
  await client.connect();
  await client.loadConversation(body.conversation.id);
  return {
    server,
    store: server.server.store as SqliteStore,
    db,
    conversationId: body.conversation.id,
    ann,
    client,
    logs: lines,
  };
}

/** Sends from ann in batches of 20 (one group commit each) until a send is refused. */
async function sendUntilRefused(r: Rig, tag: string, max: number) {
  const acked = new Map<string, Message>();
  const refused: SendAck['error'][] = [];
  for (let i = 0; i < max && refused.length === 0; i += 20) {
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, k) => {
        const id = `${tag}-${i + k}`;
        return request<SendAck>(r.ann, 'sendMessage', {
          conversationId: r.conversationId,
          content: `${id} ${'x'.repeat(3000)}`,
          clientMessageId: id,
        }).then((ack) => [id, ack] as const);
      }),
    );
    for (const [id, ack] of acks) {
      if (ack.ok) acked.set(id, ack.message!);
      else refused.push(ack.error);
    }
  }
  return { acked, refused };
}

/** Every ack exists in the file once, seqs have no gap, and the file is intact. */
function verifyFile(db: string, acked: Map<string, Message>) {
  const attempted = new Map(
    [...acked.values()].map((m) => [
      m.content,
      { senderId: m.senderId, conversationId: m.conversationId },
    ]),
  );
  const history = {
    attempted,
    acked: new Map([...acked.values()].map((m) => [m.content, m])),
  };
  const stored = readDatabase(db);
  // Rows committed without an ack are allowed (the sender retries and gets `duplicate: true`).
  const { counts } = countAnomalies(stored, history);
  const check = new Database(db, { readonly: true });
  const integrity = check.pragma('integrity_check', { simple: true });
  check.close();
  return { ...counts, unexpected: undefined, unacked: undefined, integrity };
}

describe('disk faults', () => {
  const base = mkdtempSync(join(tmpdir(), 'parley-chaos-disk-'));
  const disks: SmallDisk[] = [];
  const rigs: Rig[] = [];
  afterAll(async () => {
    for (const r of rigs) {
      r.client.disconnect();
      r.ann.close();
      await r.server.close().catch(() => undefined);
    }
    for (const d of disks) d.unmount();
    rmSync(base, { recursive: true, force: true });
  });

  it('a full disk: refused with a clear error, no ack without a commit, recovery', async () => {
    const disk = SmallDisk.create(join(base, 'full'), 4096);
    disks.push(disk);
    const r = await rig(join(disk.dir, 'chat.db'));
    rigs.push(r);
    const before = await sendUntilRefused(r, 'before', 40);
    expect(before.refused).toEqual([]);

    // The real thing when a tmpfs can be mounted; SQLite's page limit otherwise.
    if (disk.mounted) disk.fill();
    else await r.store.writerPragma(`max_page_count = ${await r.store.writerPragma('page_count')}`);
    const during = await sendUntilRefused(r, 'full', 4000);
    expect(during.refused.length).toBeGreaterThan(0);
    expect(during.refused[0]).toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^Storage unavailable \(SQLITE_FULL\)/),
    });
    expect(r.logs.join('')).toMatch(/SQLITE_FULL|disk is full/);

    // Reads still work; the SDK keeps its message and retries it.
    const page = await api(
      r.server.url,
      signToken('ben'),
      'GET',
      `/chat/conversations/${r.conversationId}?limit=5`,
    );
    expect(page.status).toBe(200);
    const pending = r.client.sendMessage(r.conversationId, 'written while the disk was full');
    const read = await api(
      r.server.url,
      signToken('ben'),
      'PUT',
      `/chat/messages/${before.acked.get('before-0')!.id}/read`,
    );
    expect([200, 500]).toContain(read.status);

    if (disk.mounted) disk.free();
    else await r.store.writerPragma('max_page_count = 1073741823');
    const stored = await pending;
    const after = await sendUntilRefused(r, 'after', 40);
    expect(after.refused).toEqual([]);
    await until(
      () => r.client.getState().byId[r.conversationId]!.messages.every((m) => m.status === 'sent'),
      'the SDK outbox to drain',
      10_000,
    );

    const acked = new Map([...before.acked, ...during.acked, ...after.acked]);
    acked.set('sdk', stored);
    const file = verifyFile(r.db, acked);
    report('disk-full', {
      realDisk: disk.mounted,
      ackedBeforeFull: before.acked.size,
      ackedWhileFilling: during.acked.size,
      refused: during.refused.length,
      refusal: during.refused[0],
      ...file,
    });
    expect(file).toMatchObject({ lost: 0, duplicated: 0, seqGaps: 0, readFlagMismatches: 0 });
    expect(file.integrity).toBe('ok');
  });

  it('a read-only database: refused with a clear error, reads work, recovery', async () => {
    const r = await rig(join(base, 'ro', 'chat.db'));
    rigs.push(r);
    const before = await sendUntilRefused(r, 'before', 20);
    expect(before.refused).toEqual([]);

    // A real read-only remount is refused (EBUSY) while the server holds the file open for
    // writing, so the database is made read-only the way SQLite itself would report it.
    await r.store.writerPragma('query_only = 1');
    const during = await sendUntilRefused(r, 'ro', 20);
    expect(during.acked.size).toBe(0);
    expect(during.refused[0]).toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^Storage unavailable \(SQLITE_READONLY/),
    });
    expect(r.logs.join('')).toMatch(/SQLITE_READONLY|readonly/i);
    const list = await api(r.server.url, signToken('ben'), 'GET', '/chat/conversations');
    expect(list.status).toBe(200);
    const pending = r.client.sendMessage(r.conversationId, 'written while read-only');

    await r.store.writerPragma('query_only = 0');
    const stored = await pending;
    const acked = new Map([...before.acked, ['sdk', stored] as const]);
    const file = verifyFile(r.db, acked);
    report('disk-readonly', {
      refused: during.refused.length,
      refusal: during.refused[0],
      ...file,
    });
    expect(file).toMatchObject({ lost: 0, duplicated: 0, seqGaps: 0 });
    expect(file.integrity).toBe('ok');
  });

  it('starting on a read-only disk fails at once with a message that says what to do', async () => {
    const disk = SmallDisk.create(join(base, 'ro-start'), 4096);
    disks.push(disk);
    // A real read-only mount (root, as on CI); never silently passed over.
    expect(disk.mounted, 'a tmpfs could not be mounted (needs root)').toBe(true);
    const db = join(disk.dir, 'chat.db');
    const first = await ServerUnderTest.start({ db });
    await first.stop('SIGTERM');
    disk.remount('ro');
    const error = await ServerUnderTest.start({ db, port: first.port }).then(
      (s) => s.stop('SIGKILL').then(() => null),
      (e: Error) => e.message,
    );
    disk.remount('rw');
    report('disk-readonly-start', { error });
    expect(error).toMatch(/exited with 1/);
    expect(error).toMatch(/database|read-only|readonly/i);
  });
});
