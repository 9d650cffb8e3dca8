/**
 * What crosses between the main thread and the writer thread, made small for the one write that
 * matters: a send. Structured clone writes every object's keys beside its values, so an append
 * goes as a tuple of its four values, and a stored append comes back as the three values the
 * main thread does not have (id, seq, time): it built the rest itself, and the content is not
 * copied back. Everything else (other writes, duplicates, failures) crosses as it is.
 */
import type { AppendResult, NewMessage } from '../chat-store.js';
import type { WriteOp, WriteOutcome } from './writer.js';

/** An append as `[conversationId, senderId, content, clientMessageId]`, any other op as is. */
export type WireOp = WriteOp | [string, string, string, string];

/** A stored append as `[id, seq, createdAt]`, any other outcome as is. */
export type WireOutcome = WriteOutcome | [string, number, string];

/** The message that an append stores: also what the main thread rebuilds from a wire outcome. */
export function storedMessage(
  input: NewMessage,
  id: string,
  seq: number,
  at: string,
): AppendResult['message'] {
  return {
    id,
    conversationId: input.conversationId,
    senderId: input.senderId,
    content: input.content,
    seq,
    clientMessageId: input.clientMessageId,
    isRead: false,
    readAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

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
    const op = ops[i];
    if (op?.kind !== 'append') throw new Error(`a stored append answered op ${i}, not an append`);
    const [id, seq, at] = outcome;
    const value: AppendResult = { message: storedMessage(op.input, id, seq, at), duplicate: false };
    return { ok: true, value };
  });
}
