import type { ChatStrings } from '../strings.js';

const DAY = 86_400_000;

// Building an Intl formatter costs far more than using one: keep one per kind, locale and options.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function formatter<F extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => F,
): F {
  let format = formatters.get(key) as F | undefined;
  if (!format) formatters.set(key, (format = make()));
  return format;
}

function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = `date|${locale}|${JSON.stringify(options)}`;
  return formatter(key, () => new Intl.DateTimeFormat(locale, options));
}

function minutesAgo(locale: string | undefined, minutes: number): string {
  const make = () => new Intl.RelativeTimeFormat(locale, { style: 'narrow', numeric: 'always' });
  const format = formatter(`minutes|${locale}`, make);
  return format.format(-minutes, 'minute');
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

/** Clock time of a message. */
export function clockTime(iso: string, locale: string | undefined): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}
