/**
 * Untrusted URLs: only absolute http(s) URLs pass; `javascript:`, `data:`, relative and malformed
 * ones give `null`.
 */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A piece of message content: plain text, or an http(s) link. */
export type ContentPart = { text: string; href?: string };

// Only scheme-prefixed http(s) URLs become links; trailing punctuation stays text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

/** Splits message content into text and link parts. Nothing here is ever parsed as HTML. */
export function linkify(content: string): ContentPart[] {
  const parts: ContentPart[] = [];
  let last = 0;
  for (const match of content.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const href = safeHttpUrl(raw);
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push({ text: content.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < content.length) parts.push({ text: content.slice(last) });
  return parts;
}
