/**
 * Network faults: every client goes through a proxy that delays, stalls and cuts its TCP
 * connections at random (REST and WebSocket alike). Then a SIGTERM during load: the server stops
 * cleanly, nothing acked is lost, and the clients reconnect by themselves to its successor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChaosProxy } from '../support/chaos-proxy.js';
import { seededRandom } from '../support/random.js';
import { report } from '../support/report.js';
import { SOAK, scaled, sleep, until } from '../support/scale.js';
import { ServerUnderTest } from '../support/server-under-test.js';
import { CLEAN_COUNTS, Workload } from '../support/workload.js';

const CLIENTS = scaled(8, 20);
const DURATION_MS = scaled(15_000, 60_000);

describe('network faults and SIGTERM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-chaos-net-'));
  const servers: ServerUnderTest[] = [];
  const workloads: Workload[] = [];
  const proxies: ChaosProxy[] = [];
  afterAll(async () => {
    for (const w of workloads) w.stop();
    for (const p of proxies) await p.close();
    for (const s of servers) await s.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`cuts, delays and stalls (${CLIENTS} clients, ${DURATION_MS / 1000} s): the same guarantees hold`, async () => {
    const random = seededRandom();
    const db = join(dir, 'proxy.db');
    const server = await ServerUnderTest.start({ db });
    servers.push(server);
    const proxy = new ChaosProxy(server.port, random);
    proxies.push(proxy);
    await proxy.listen();
    const workload = new Workload({
      clientUrl: proxy.url,
      serverUrl: server.url,
      clients: CLIENTS,
      random,
      prefix: 'net',
    });
    workloads.push(workload);
    await workload.setUp();

    proxy.setChaos({
      delayChance: 0.2,
      delayMs: [5, 300],
      stallChance: 0.01,
      stallMs: [500, 3000],
      cutChance: 0.01,
    });
    await workload.run(DURATION_MS);
    proxy.setChaos(null);

    await workload.settle(60_000);
    const { counts, details } = await workload.check(db, 30_000);
    report('network', {
      seed: random.seed,
      soak: SOAK,
      clients: CLIENTS,
      durationMs: DURATION_MS,
      ...counts,
      proxy: proxy.stats,
      ...workload.stats,
      errors: workload.errors,
    });
    expect(details.slice(0, 20)).toEqual([]);
    expect(counts).toMatchObject(CLEAN_COUNTS);
    expect(proxy.stats.cuts).toBeGreaterThan(0);
    expect(counts.acked).toBeGreaterThan(CLIENTS * 10);
  });

  it('SIGTERM during load: exit 0, nothing acked lost, clients reconnect by themselves', async () => {
    const random = seededRandom();
    const db = join(dir, 'sigterm.db');
    const server = await ServerUnderTest.start({ db });
    servers.push(server);
    const workload = new Workload({
      clientUrl: server.url,
      serverUrl: server.url,
      clients: scaled(6, 20),
      random,
      prefix: 'term',
    });
    workloads.push(workload);
    await workload.setUp();
    const statuses = workload.clients.map((c) => {
      const seen: string[] = [];
      c.on('status', (s) => seen.push(s));
      return seen;
    });

    const running = workload.run(scaled(8_000, 20_000));
    await sleep(3000);
    const ackedBefore = workload.history.acked.size;
    const code = await server.stop('SIGTERM');
    const ackedAtStop = workload.history.acked.size;
    await sleep(500);
    await server.restart();
    await running;
    await workload.settle(60_000);

    // The workload's own reconnects call connect(); what matters here is that every client is
    // connected again, and that each went through `reconnecting` without being told to.
    await until(
      () => workload.clients.every((c) => c.getState().status === 'connected'),
      'every client connected again',
      20_000,
    );
    const { counts, details } = await workload.check(db, 30_000);
    report('sigterm', {
      seed: random.seed,
      exitCode: code,
      ackedBefore,
      ackedAtStop,
      ...counts,
      errors: workload.errors,
    });
    expect(code).toBe(0);
    expect(ackedBefore).toBeGreaterThan(0);
    expect(statuses.every((s) => s.includes('reconnecting'))).toBe(true);
    expect(details.slice(0, 20)).toEqual([]);
    expect(counts).toMatchObject(CLEAN_COUNTS);
  });
});
