import type { ChatStrings } from '../strings.js';

const DAY = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days between two instants, in local time. */
export function dayDiff(a: Date, b: Date): number {
  return Math.round((startOfDay(b) - startOfDay(a)) / DAY);
}

/** "Today", "Yesterday" or a localized date, for day separators. */
export function dayLabel(iso: string, locale: string | undefined, strings: ChatStrings): string {
  const date = new Date(iso);
  const diff = dayDiff(date, new Date());
  if (diff === 0) return strings.today;
  if (diff === 1) return strings.yesterday;
  return date.toLocaleDateString(locale, {
    weekday: diff < 7 ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: diff > 300 ? 'numeric' : undefined,
  });
}

/** Short relative time for the conversation list: "now", "5 min.", "14:05", "Mon", "3 Mar". */
export function relativeTime(
  iso: string,
  locale: string | undefined,
  strings: ChatStrings,
): string {
  const date = new Date(iso);
  const elapsed = Date.now() - date.getTime();
  if (elapsed < 60_000) return strings.now;
  if (elapsed < 3_600_000) {
    const rtf = new Intl.RelativeTimeFormat(locale, { style: 'narrow', numeric: 'always' });
    return rtf.format(-Math.floor(elapsed / 60_000), 'minute');
  }
  const diff = dayDiff(date, new Date());
  if (diff === 0) return date.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  if (diff === 1) return strings.yesterday;
  if (diff < 7) return date.toLocaleDateString(locale, { weekday: 'short' });
  return date.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
}

/** Clock time of a message. */
export function clockTime(iso: string, locale: string | undefined): string {
  return new Date(iso).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}
