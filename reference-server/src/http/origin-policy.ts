const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The exact-origin allow-list. By default it holds only the server's own origin (with its
 * loopback aliases when it listens on loopback). Requests without an `Origin` header come from
 * servers and Node clients, not from browser pages, and are allowed.
 */
export class OriginPolicy {
  private readonly allowed = new Set<string>();

  constructor(configured: readonly string[] = []) {
    for (const origin of configured) this.allowed.add(normalize(origin));
  }

  /** Adds the server's own origin once its port is known. */
  addOwn(host: string, port: number): void {
    const hosts = LOOPBACK.has(host)
      ? ['127.0.0.1', 'localhost', '[::1]']
      : [host.includes(':') ? `[${host}]` : host];
    for (const h of hosts) this.allowed.add(`http://${h}:${port}`);
  }

  isAllowed(origin: string | undefined): boolean {
    return origin === undefined || this.allowed.has(origin);
  }

  list(): string[] {
    return [...this.allowed];
  }
}

/** `https://Example.com/` → `https://example.com`: origins compare exactly after this. */
export function normalize(origin: string): string {
  const url = new URL(origin);
  if (url.origin === 'null') throw new Error(`Not an origin: ${origin}`);
  return url.origin;
}
