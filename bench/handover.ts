/**
 * What a send costs to cross to the writer thread and back: structured clone (V8's serializer,
 * which postMessage uses; `v8.serialize` here) of a batch of appends and of their outcomes, in
 * the wire form that crosses (`writer-wire.ts`) and as the plain ops and outcomes would.
 * Run: node --import tsx bench/handover.ts [--batch 20]
 */
import { parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { storedMessage } from '../reference-server/src/store/sqlite/rows.js';
import { toWireOps, toWireOutcomes } from '../reference-server/src/store/sqlite/writer-wire.js';
import type { WriteOp, WriteOutcome } from '../reference-server/src/store/sqlite/writer.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '20' } } });
const batch = Number(values.batch);
const at = new Date().toISOString();
const ops: WriteOp[] = Array.from({ length: batch }, (_, i) => ({
  kind: 'append',
  input: {
    conversationId: '0193e0c2-7a4b-7cc1-9f1e-3b2a1c0d9e8f',
    senderId: `user-${i}`,
    content: 'benchmark message: a typical short chat line of about sixty chars',
    clientMessageId: `client-${i}`,
  },
}));
const outcomes: WriteOutcome[] = ops.map((op, i) => ({
  ok: true,
  value: {
    message: storedMessage(
      (op as Extract<WriteOp, { kind: 'append' }>).input,
      '0193e0c2-7a4b-7cc1-9f1e-3b2a1c0d9e90',
      1000 + i,
      at,
    ),
    duplicate: false,
  },
}));

/** µs per message to serialize and deserialize `value`, a batch of `batch` messages. */
function clone(value: unknown): number {
  const rounds = 200_000 / batch;
  for (let i = 0; i < rounds / 4; i++) deserialize(serialize(value));
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) deserialize(serialize(value));
  return ((performance.now() - t0) * 1000) / rounds / batch;
}

const rows = [
  ['ops, plain', clone(ops)],
  ['ops, wire', clone(toWireOps(ops))],
  ['outcomes, plain', clone(outcomes)],
  ['outcomes, wire', clone(toWireOutcomes(ops, outcomes))],
] as const;
console.log(`batches of ${batch}: serialize + deserialize, µs per message`);
for (const [name, us] of rows) console.log(`  ${name.padEnd(16)} ${us.toFixed(2)}`);
