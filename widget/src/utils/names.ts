import type { User } from '@parley/sdk';

/** Display name of an untrusted user profile, with fallbacks. */
export function displayName(
  user: Pick<User, 'id' | 'name'> | null | undefined,
  fallback: string,
): string {
  const name = user?.name?.trim();
  return name || user?.id || fallback;
}

/** One or two initials for an avatar placeholder. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const second = words.length > 1 ? ([...(words[words.length - 1] ?? '')][0] ?? '') : '';
  return (first + second).toUpperCase();
}
