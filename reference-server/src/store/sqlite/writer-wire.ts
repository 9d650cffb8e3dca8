/**
 * What crosses between the main thread and the writer thread, made small for the one write that
 * matters: a send. Structured clone writes every object's keys beside its values, so an append
 * goes as a tuple of its four values, and a stored append comes back as the three values the
 * main thread does not have (id, seq, time): it built the rest itself, and the content is not
 * copied back. Everything else (other writes, duplicates, failures) crosses as it is.
 */
import type { AppendResult } from '../chat-store.js';
import { storedMessage } from './rows.js';
import type { WriteOp, WriteOutcome } from './writer.js';

/** An append as `[conversationId, senderId, content, clientMessageId]`, any other op as is. */
export type WireOp = WriteOp | [string, string, string, string];

/** A stored append as `[id, seq, createdAt]`, any other outcome as is. */
export type WireOutcome = WriteOutcome | [string, number, string];

/** Main thread, out. */
export function toWireOps(ops: readonly WriteOp[]): WireOp[] {
  return ops.map((op) =>
    op.kind === 'append'
      ? [op.input.conversationId, op.input.senderId, op.input.content, op.input.clientMessageId]
      : op,
  );
}

/** Writer thread, in. */
export function fromWireOps(wire: readonly WireOp[]): WriteOp[] {
  return wire.map((op) =>
    Array.isArray(op)
      ? {
          kind: 'append',
          input: { conversationId: op[0], senderId: op[1], content: op[2], clientMessageId: op[3] },
        }
      : op,
  );
}

/** Writer thread, out: `ops` are the ones `outcomes` answer, in order. */
export function toWireOutcomes(
  ops: readonly WriteOp[],
  outcomes: readonly WriteOutcome[],
): WireOutcome[] {
  return outcomes.map((outcome, i) => {
    if (ops[i]?.kind !== 'append' || !outcome.ok) return outcome;
    const { message, duplicate } = outcome.value as AppendResult;
    return duplicate ? outcome : [message.id, message.seq, message.createdAt];
  });
}

/** Main thread, in: `ops` are the ones sent, in order. */
export function fromWireOutcomes(
  ops: readonly WriteOp[],
  wire: readonly WireOutcome[],
): WriteOutcome[] {
  return wire.map((outcome, i) => {
    if (!Array.isArray(outcome)) return outcome;
    // The writer answers each op in order: a stored append's outcome is an append's.
    const { input } = ops[i] as Extract<WriteOp, { kind: 'append' }>;
    const [id, seq, at] = outcome;
    const value: AppendResult = { message: storedMessage(input, id, seq, at), duplicate: false };
    return { ok: true, value };
  });
}
