import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import type { ChatServerOptions } from './config.js';
import type { LogLevel } from './logger.js';

export const USAGE = `Usage: chat-server [options]

Each option can also be set by the environment variable in brackets; a flag wins.

  --port <n>                 port, 0 picks a free one (PORT, default 3000)
  --host <addr>              address to bind (HOST, default 127.0.0.1)
  --db <path>                SQLite file or :memory: (CHAT_DB_PATH, default ./data/chat.db)
  --jwt-secret <s>           HS256 secret, at least 32 bytes (CHAT_JWT_SECRET)
  --jwt-public-key <pem>     RS256/ES256 public key, PEM text or file (CHAT_JWT_PUBLIC_KEY)
  --jwt-issuer <iss>         required iss claim (CHAT_JWT_ISSUER)
  --jwt-audience <aud>       required aud claim (CHAT_JWT_AUDIENCE)
  --origins <list>           comma-separated exact browser origins (CHAT_ALLOWED_ORIGINS)
  --admin-key <key>          enables /admin with this bearer key (CHAT_ADMIN_KEY)
  --require-connections      only connections may chat (CHAT_REQUIRE_CONNECTIONS=1)
  --trust-proxy              per-IP limits use X-Forwarded-For (CHAT_TRUST_PROXY=1)
  --rate-limit-messages <n>  sends per user per second, bursts of 2n, 0 = off (CHAT_RATE_LIMIT_MESSAGES, default 20)
  --synchronous <mode>       full (survives power loss) or normal (CHAT_SYNCHRONOUS, default full)
  --log-level <level>        fatal, error, warn, info, debug, silent (CHAT_LOG_LEVEL, default info)
  --demo                     demo mode: serves the examples, mints demo tokens (CHAT_DEMO=1)
  --help                     this text
`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new ConfigError(`${name}: "${value}" is not a whole number`);
  return Number(value);
}

const flag = (value: string | undefined): boolean => value === '1' || value === 'true';

/** Flags first, then the environment, then the defaults of `createChatServer`. */
export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: ChatServerOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        'jwt-secret': { type: 'string' },
        'jwt-public-key': { type: 'string' },
        'jwt-issuer': { type: 'string' },
        'jwt-audience': { type: 'string' },
        origins: { type: 'string' },
        'admin-key': { type: 'string' },
        'require-connections': { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
        'rate-limit-messages': { type: 'string' },
        synchronous: { type: 'string' },
        'log-level': { type: 'string' },
        demo: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return { help: true };
  const synchronous = values.synchronous ?? env.CHAT_SYNCHRONOUS ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new ConfigError(`--synchronous: "${synchronous}" is neither full nor normal`);
  }
  const logLevel = values['log-level'] ?? env.CHAT_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const origins = values.origins ?? env.CHAT_ALLOWED_ORIGINS;
  const messages = integer(
    '--rate-limit-messages',
    values['rate-limit-messages'] ?? env.CHAT_RATE_LIMIT_MESSAGES,
  );
  return {
    help: false,
    options: {
      port: integer('--port', values.port ?? env.PORT) ?? 3000,
      host: values.host ?? env.HOST ?? '127.0.0.1',
      db: values.db ?? env.CHAT_DB_PATH ?? './data/chat.db',
      jwtSecret: values['jwt-secret'] ?? (env.CHAT_JWT_SECRET || undefined),
      jwtPublicKey: values['jwt-public-key'] ?? (env.CHAT_JWT_PUBLIC_KEY || undefined),
      jwtIssuer: values['jwt-issuer'] ?? (env.CHAT_JWT_ISSUER || undefined),
      jwtAudience: values['jwt-audience'] ?? (env.CHAT_JWT_AUDIENCE || undefined),
      origins: origins
        ? origins
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : [],
      adminKey: values['admin-key'] ?? (env.CHAT_ADMIN_KEY || undefined),
      requireConnections: values['require-connections'] ?? flag(env.CHAT_REQUIRE_CONNECTIONS),
      trustProxy: values['trust-proxy'] ?? flag(env.CHAT_TRUST_PROXY),
      demo: values.demo ?? flag(env.CHAT_DEMO),
      rateLimits: messages === undefined ? {} : { messages },
      synchronous,
      logLevel: logLevel as LogLevel,
    },
  };
}
