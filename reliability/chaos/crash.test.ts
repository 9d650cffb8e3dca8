/**
 * Crashes: SDK clients send, read and reconnect while the server process is killed with SIGKILL
 * at random moments and restarted on the same database and port. Afterwards every acked message
 * exists exactly once, seqs have no gap, clients agree with the database, unread counts agree
 * with a recount.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/random.js';
import { SOAK, scaled, sleep } from '../support/scale.js';
import { ServerUnderTest } from '../support/server-under-test.js';
import { CLEAN_COUNTS, Workload } from '../support/workload.js';
import { report } from '../support/report.js';

const CLIENTS = scaled(8, 20);
const DURATION_MS = scaled(20_000, 60_000);
const KILLS = scaled(4, 10);

describe(`SIGKILL at random moments (${CLIENTS} clients, ${KILLS} kills in ${DURATION_MS / 1000} s)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-chaos-crash-'));
  const db = join(dir, 'chat.db');
  let server: ServerUnderTest | undefined;
  let workload: Workload | undefined;
  afterAll(async () => {
    workload?.stop();
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing acked, duplicates nothing, leaves no seq gap, and every client converges', async () => {
    const random = seededRandom();
    server = await ServerUnderTest.start({ db });
    workload = new Workload({
      clientUrl: server.url,
      serverUrl: server.url,
      clients: CLIENTS,
      random,
      prefix: 'crash',
    });
    await workload.setUp();

    // Kill times spread over the run, each at a random point of its own slot.
    const slot = DURATION_MS / KILLS;
    const downtimes: number[] = [];
    const faults = (async () => {
      const start = Date.now();
      for (let k = 0; k < KILLS; k++) {
        const at = k * slot + random.int(Math.floor(slot * 0.2), Math.floor(slot * 0.8));
        await sleep(Math.max(0, start + at - Date.now()));
        await server!.stop('SIGKILL');
        await sleep(random.int(0, 400));
        const down = Date.now();
        await server!.restart();
        downtimes.push(Date.now() - down);
      }
    })();
    await Promise.all([workload.run(DURATION_MS), faults]);

    await workload.settle(60_000);
    const { counts, details } = await workload.check(db, 30_000);
    report('crash', {
      seed: random.seed,
      soak: SOAK,
      kills: KILLS,
      downtimeMs: downtimes,
      ...counts,
      ...workload.stats,
      errors: workload.errors,
      starts: server.starts,
    });
    expect(details.slice(0, 20)).toEqual([]);
    expect(counts).toMatchObject(CLEAN_COUNTS);
    expect(server.exits.filter((e) => e.signal === 'SIGKILL' && e.code === null)).toHaveLength(
      KILLS,
    );
    expect(counts.acked).toBeGreaterThan(CLIENTS * 10);
  }, 300_000);
});
