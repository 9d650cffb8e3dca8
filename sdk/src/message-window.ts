import type { ChatError } from './chat-error.js';
import type { OutboxEntry } from './outbox.js';
import type { Message } from './protocol.js';
import type { ClientMessage } from './types.js';

/** A stored message as client state. */
export function toClientMessage(message: Message): ClientMessage {
  return { ...message, status: 'sent' };
}

/** An outbox entry as an optimistic client message (`pending` or `failed`). */
export function entryToClientMessage(
  entry: OutboxEntry,
  error: ChatError | undefined,
): ClientMessage {
  const message: ClientMessage = {
    id: entry.clientMessageId,
    conversationId: entry.conversationId,
    senderId: entry.senderId,
    content: entry.content,
    seq: null,
    clientMessageId: entry.clientMessageId,
    isRead: false,
    readAt: null,
    createdAt: entry.createdAt,
    updatedAt: entry.createdAt,
    status: entry.status,
  };
  if (error) message.error = error;
  return message;
}

/** The stored (`sent`) part of a window, ordered by seq. */
export function storedPart(messages: readonly ClientMessage[]): ClientMessage[] {
  return messages.filter((m) => m.status === 'sent');
}

/**
 * Merges stored messages into a window by id: one copy each, ascending seq, the newer copy
 * winning (read flags only move forward). Returns the same array when nothing changed.
 */
export function mergeStored(
  window: readonly ClientMessage[],
  incoming: readonly Message[],
): ClientMessage[] {
  const stored = storedPart(window);
  const bySeq = new Map<number, ClientMessage>();
  for (const m of stored) bySeq.set(m.seq as number, m);
  let changed = false;
  for (const m of incoming) {
    const old = bySeq.get(m.seq);
    if (old && old.id === m.id && (old.isRead || !m.isRead)) continue;
    bySeq.set(m.seq, toClientMessage(old?.isRead && !m.isRead ? { ...m, isRead: true } : m));
    changed = true;
  }
  if (!changed) return stored;
  return [...bySeq.values()].sort((a, b) => (a.seq as number) - (b.seq as number));
}

/**
 * The full window: stored messages, then the outbox's entries for this conversation in the order
 * written, minus those whose stored copy has already arrived.
 */
export function withPending(
  stored: ClientMessage[],
  pending: readonly ClientMessage[],
): ClientMessage[] {
  if (pending.length === 0) return stored;
  const arrived = new Set(stored.map((m) => `${m.senderId}\u0000${m.clientMessageId}`));
  const still = pending.filter((m) => !arrived.has(`${m.senderId}\u0000${m.clientMessageId}`));
  return still.length === 0 ? stored : [...stored, ...still];
}

/** Marks messages of `senderId` up to `seq` read; the same array when nothing changed. */
export function markRead(
  messages: ClientMessage[],
  senderId: string,
  seq: number,
  readAt: string,
): ClientMessage[] {
  let changed = false;
  const next = messages.map((m) => {
    if (m.isRead || m.senderId !== senderId || m.seq === null || m.seq > seq) return m;
    changed = true;
    return { ...m, isRead: true, readAt };
  });
  return changed ? next : messages;
}
