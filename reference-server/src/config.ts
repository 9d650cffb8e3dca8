import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TokenVerifierOptions } from './auth/token-verifier.js';
import { normalize } from './http/origin-policy.js';
import type { Logger, LogLevel } from './logger.js';
import type { RateLimitOptions } from './service/rate-limits.js';
import type { TestHooks } from './socket/socket-server.js';
import type { ChatStore } from './store/chat-store.js';

/** Options of `createChatServer()`; the `chat-server` bin builds them from flags and variables. */
export interface ChatServerOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** SQLite file or `:memory:`. Default `./data/chat.db`. */
  db?: string;
  /** `full` (default): acked messages survive power loss; `normal`: they survive a process crash. */
  synchronous?: 'full' | 'normal';
  /** HS256 secret, at least 32 bytes (outside demo mode). */
  jwtSecret?: string;
  /** RS256 or ES256 public key: PEM text or a path to a PEM file. */
  jwtPublicKey?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Exact browser origins allowed besides the server's own. */
  origins?: string[];
  /** Enables `/admin` with this bearer key. */
  adminKey?: string;
  /** Only connections may start conversations and send to each other. */
  requireConnections?: boolean;
  /** Behind a reverse proxy: per-IP limits use the left-most `X-Forwarded-For` address. */
  trustProxy?: boolean;
  /** Serves the examples and mints tokens for demo users. Never in production. */
  demo?: boolean;
  rateLimits?: RateLimitOptions;
  /** Default 2000 ms, at most 3000. */
  offlineGraceMs?: number;
  /** Default 6000 ms. */
  typingExpiryMs?: number;
  /** Largest Socket.IO frame; a larger one closes that socket. Default 64 KB. */
  maxFrameBytes?: number;
  /** Largest REST body. Default 64 KB. */
  bodyLimitBytes?: number;
  /**
   * What may wait unsent for one client that is not reading (its acks and events, while its
   * connection cannot take more) before the server drops that connection. Default 1 MiB.
   */
  maxUnsentBytes?: number;
  /**
   * Time a client has to send a whole HTTP request, headers and body (REST, and long-polling's
   * POSTs); a slower one gets `408` and its connection is closed. Default 30000 ms.
   */
  requestTimeoutMs?: number;
  logLevel?: LogLevel;
  logger?: Logger;
  /** Another storage engine; the default is SQLite at `db`. */
  store?: ChatStore;
  testHooks?: TestHooks;
  examplesDir?: string;
  widgetBundlePath?: string;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  db: string;
  synchronous: 'full' | 'normal';
  jwt: TokenVerifierOptions;
  origins: string[];
  adminKey: string | undefined;
  requireConnections: boolean;
  trustProxy: boolean;
  demo: boolean;
  rateLimits: RateLimitOptions;
  offlineGraceMs: number;
  typingExpiryMs: number;
  maxFrameBytes: number;
  bodyLimitBytes: number;
  maxUnsentBytes: number;
  requestTimeoutMs: number;
  logLevel: LogLevel;
  version: string;
  examplesDir: string;
  widgetBundlePath: string;
}

/** A start-up problem the operator must fix; the bin prints its message alone. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const MIN_SECRET_BYTES = 32;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(here('../package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

function readPublicKey(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (!existsSync(value))
    throw new ConfigError(`--jwt-public-key: no PEM text and no file at ${value}`);
  return readFileSync(value, 'utf8');
}

export function resolveOptions(options: ChatServerOptions): ResolvedOptions {
  const demo = options.demo ?? false;
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port: ${port} is not a port number (0 to 65535)`);
  }
  if (options.jwtSecret && options.jwtPublicKey) {
    throw new ConfigError('Set either --jwt-secret or --jwt-public-key, not both');
  }
  let secret = options.jwtSecret;
  const publicKey = options.jwtPublicKey ? readPublicKey(options.jwtPublicKey) : undefined;
  if (!secret && !publicKey) {
    if (!demo) {
      throw new ConfigError(
        'No JWT key: set --jwt-secret / CHAT_JWT_SECRET (at least 32 bytes, e.g. `openssl rand -hex 32`) ' +
          'or --jwt-public-key / CHAT_JWT_PUBLIC_KEY, or run with --demo to try it out',
      );
    }
    secret = randomBytes(32).toString('hex');
  }
  if (secret && !demo && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `--jwt-secret is ${Buffer.byteLength(secret)} bytes; at least ${MIN_SECRET_BYTES} are required (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  if (demo && publicKey) {
    throw new ConfigError(
      '--demo mints HS256 tokens: use it with --jwt-secret or with no key at all',
    );
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw new ConfigError(
      `requestTimeoutMs: ${requestTimeoutMs} is not a positive integer; give milliseconds, or leave it out for 30000`,
    );
  }
  const maxUnsentBytes = options.maxUnsentBytes ?? 1024 * 1024;
  if (!Number.isInteger(maxUnsentBytes) || maxUnsentBytes < 1) {
    throw new ConfigError(
      `maxUnsentBytes: ${maxUnsentBytes} is not a positive integer; give bytes, or leave it out for 1048576`,
    );
  }
  let origins: string[];
  try {
    origins = (options.origins ?? []).map(normalize);
  } catch (error) {
    throw new ConfigError(
      `--origins: ${(error as Error).message}; give exact origins like https://app.example.com`,
    );
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    db: options.db ?? './data/chat.db',
    synchronous: options.synchronous ?? 'full',
    jwt: { secret, publicKey, issuer: options.jwtIssuer, audience: options.jwtAudience },
    origins,
    adminKey: options.adminKey || undefined,
    requireConnections: options.requireConnections ?? false,
    trustProxy: options.trustProxy ?? false,
    demo,
    rateLimits: options.rateLimits ?? {},
    offlineGraceMs: options.offlineGraceMs ?? 2000,
    typingExpiryMs: options.typingExpiryMs ?? 6000,
    maxFrameBytes: options.maxFrameBytes ?? 64 * 1024,
    bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    maxUnsentBytes,
    requestTimeoutMs,
    logLevel: options.logLevel ?? 'info',
    version: readVersion(),
    examplesDir: options.examplesDir ?? here('../../examples'),
    widgetBundlePath: options.widgetBundlePath ?? here('../../widget/dist/chat-widget.js'),
  };
}
