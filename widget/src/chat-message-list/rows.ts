import type { ClientMessage } from '@parley/sdk';
import type { ChatStrings } from '../strings.js';
import { dayKey, dayLabel } from '../utils/time.js';

/** One line of the virtual list: a day separator or a message with its place in a group. */
export interface Row {
  key: string;
  day?: string;
  message?: ClientMessage;
  mine?: boolean;
  /** First / last of a run of messages from one sender within a few minutes. */
  first?: boolean;
  last?: boolean;
}

const GROUP_GAP_MS = 5 * 60_000;

/** Stable across the pending → stored transition, unique per sender. */
export function messageKey(message: ClientMessage): string {
  return `m:${message.senderId}:${message.clientMessageId}`;
}

/** Turns messages (ascending) into rows with day separators and bubble groups. */
export function buildRows(
  messages: readonly ClientMessage[],
  meId: string | null,
  locale: string | undefined,
  strings: ChatStrings,
): Row[] {
  const rows: Row[] = [];
  let day = '';
  let prev: Row | null = null;
  for (const message of messages) {
    const key = dayKey(message.createdAt);
    if (key !== day) {
      day = key;
      rows.push({ key: `d:${key}`, day: dayLabel(message.createdAt, locale, strings) });
      prev = null;
    }
    const row: Row = { key: messageKey(message), message, mine: message.senderId === meId };
    const joined =
      prev?.message &&
      prev.message.senderId === message.senderId &&
      Date.parse(message.createdAt) - Date.parse(prev.message.createdAt) < GROUP_GAP_MS;
    row.first = !joined;
    row.last = true;
    if (joined && prev) prev.last = false;
    rows.push(row);
    prev = row;
  }
  return rows;
}

/** A first guess of a row's height before it is measured, from its text length. */
export function estimateHeight(row: Row): number {
  if (!row.message) return 36;
  const lines = Math.max(1, Math.ceil(row.message.content.length / 34));
  return 34 + (lines - 1) * 20 + (row.first ? 6 : 0) + (row.message.status === 'failed' ? 28 : 0);
}
