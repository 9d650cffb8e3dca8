import type { ClientMessage } from '@parley/sdk';
import type { ChatStrings } from '../strings.js';
import { dayLabel } from '../utils/time.js';

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

/**
 * Turns messages (ascending) into rows with day separators and bubble groups. Local-time date
 * work happens once per day, not once per message: 10,000 messages take a few milliseconds.
 */
export function buildRows(
  messages: readonly ClientMessage[],
  meId: string | null,
  locale: string | undefined,
  strings: ChatStrings,
): Row[] {
  const rows: Row[] = [];
  let dayStart = 0;
  let dayEnd = -1;
  let prev: Row | null = null;
  let prevTime = 0;
  for (const message of messages) {
    const time = Date.parse(message.createdAt);
    if (!(time >= dayStart && time < dayEnd)) {
      const date = new Date(time);
      dayStart = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
      dayEnd = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
      rows.push({ key: `d:${dayStart}`, day: dayLabel(message.createdAt, locale, strings) });
      prev = null;
    }
    const row: Row = { key: messageKey(message), message, mine: message.senderId === meId };
    const joined = prev?.message?.senderId === message.senderId && time - prevTime < GROUP_GAP_MS;
    row.first = !joined;
    row.last = true;
    if (joined && prev) prev.last = false;
    rows.push(row);
    prev = row;
    prevTime = time;
  }
  return rows;
}

/** A first guess of a row's height before it is measured, from its text length. */
export function estimateHeight(row: Row): number {
  if (!row.message) return 36;
  const lines = Math.max(1, Math.ceil(row.message.content.length / 34));
  return 34 + (lines - 1) * 20 + (row.first ? 6 : 0) + (row.message.status === 'failed' ? 28 : 0);
}
