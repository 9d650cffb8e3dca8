/**
 * The attacker of the flood suite, in its own process so that its CPU does not skew the latency
 * that the suite measures. `node --import tsx flooder.ts <mode> <json options>`; prints one JSON
 * line with its counts when done.
 *
 * - `events`: one authenticated socket emits `rate` sendMessage per second for `ms`.
 * - `handshakes`: `count` unauthenticated Socket.IO handshakes from `localAddress`, `concurrency`
 *   at a time.
 */
import { RawSocket } from './raw-socket.js';

const [mode, raw] = process.argv.slice(2);
const options = JSON.parse(raw ?? '{}') as {
  url: string;
  token?: string;
  conversationId?: string;
  rate?: number;
  ms?: number;
  count?: number;
  concurrency?: number;
  localAddress?: string;
};

async function events(): Promise<Record<string, number>> {
  // Raw frames, prepared in advance: the flood costs the attacker almost nothing, as it would
  // cost a real one, so that it reaches its rate even at the lowest priority.
  const [socket, answer] = await RawSocket.open(options.url, { token: options.token });
  if (!answer.startsWith('40')) throw new Error(`refused: ${answer}`);
  const counts: Record<string, number> = { emitted: 0 };
  const rate = options.rate ?? 1000;
  const end = Date.now() + (options.ms ?? 3000);
  let n = 0;
  // Every few ms, catch up with the schedule: `rate` events a second, whatever the timers do.
  const start = Date.now();
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    while (n < due) {
      const id = `flood-${n}`;
      socket.send(
        `42${n++}${JSON.stringify(['sendMessage', { conversationId: options.conversationId, content: id, clientMessageId: id }])}`,
      );
      counts.emitted!++;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 1000));
  for (const frame of socket.frames.splice(0)) {
    if (!frame.startsWith('43')) continue;
    const key = frame.includes('"ok":true') ? 'ok' : (/"code":"(\w+)"/.exec(frame)?.[1] ?? 'other');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  counts.perSecond = Math.round(counts.emitted! / ((options.ms ?? 3000) / 1000));
  socket.close();
  return counts;
}

async function handshakes(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const total = options.count ?? 10_000;
  let next = 0;
  const start = Date.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      // No token, a garbage token, or a well-formed one signed with the wrong key.
      const token = i % 3 === 0 ? undefined : i % 3 === 1 ? 'garbage' : 'e30.e30.e30';
      const outcome = await RawSocket.open(options.url, {
        token,
        localAddress: options.localAddress,
        timeoutMs: 10_000,
      }).then(
        ([socket, answer]) => {
          socket.close();
          return answer.startsWith('44')
            ? (/"code":"(\w+)"/.exec(answer)?.[1] ?? 'refused')
            : 'accepted';
        },
        (error: Error) => `error:${error.message.slice(0, 40)}`,
      );
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 100 }, worker));
  counts.ms = Date.now() - start;
  return counts;
}

const result = mode === 'events' ? await events() : await handshakes();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
