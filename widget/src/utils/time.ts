import type { ChatStrings } from '../strings.js';

const DAY = 86_400_000;

// Building an Intl formatter costs far more than using one: keep one per kind, locale and options.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function formatter<F extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  locale: string | undefined,
  make: (locale: string | undefined) => F,
): F {
  let format = formatters.get(key) as F | undefined;
  if (!format) {
    try {
      format = make(locale);
    } catch (error) {
      // A malformed `locale`: the browser's own, rather than no times at all.
      if (!(error instanceof RangeError)) throw error;
      format = make(undefined);
    }
    formatters.set(key, format);
  }
  return format;
}

function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = `date|${locale}|${JSON.stringify(options)}`;
  return formatter(key, locale, (l) => new Intl.DateTimeFormat(l, options));
}

function minutesAgo(locale: string | undefined, minutes: number): string {
  const make = (l: string | undefined) =>
    new Intl.RelativeTimeFormat(l, { style: 'narrow', numeric: 'always' });
  return formatter(`minutes|${locale}`, locale, make).format(-minutes, 'minute');
}

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
  return dateFormat(locale, {
    weekday: diff < 7 ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: diff > 300 ? 'numeric' : undefined,
  }).format(date);
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
    return minutesAgo(locale, Math.floor(elapsed / 60_000));
  }
  const diff = dayDiff(date, new Date());
  if (diff === 0) return clockTime(iso, locale);
  if (diff === 1) return strings.yesterday;
  if (diff < 7) return dateFormat(locale, { weekday: 'short' }).format(date);
  return dateFormat(locale, { day: 'numeric', month: 'short' }).format(date);
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

/** Clock time of a message. */
export function clockTime(iso: string, locale: string | undefined): string {
  return dateFormat(locale, CLOCK).format(new Date(iso));
}

/**
 * Builds the clock-time formatter in a task of its own, after the current one. A page's first
 * Intl object costs 12–94 ms in Chromium, by machine (its locale data loads): paid in the first
 * list's render, between the list's response and the list on screen, unless it was paid while
 * the list's request was in flight.
 */
export function warmTimeFormats(locale: string | undefined): void {
  setTimeout(() => void dateFormat(locale, CLOCK));
}
