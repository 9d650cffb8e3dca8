/** The claims the SDK reads from a JWT. The signature is never checked here: the server does. */
export interface TokenClaims {
  sub?: string;
  name?: string;
  picture?: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

/** Decodes a JWT's payload without verifying it; `null` when it is not a readable JWT. */
export function decodeClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}

/** Milliseconds until the token expires (negative when expired); `null` without a readable `exp`. */
export function msUntilExpiry(token: string, now = Date.now()): number | null {
  const exp = decodeClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 - now : null;
}
