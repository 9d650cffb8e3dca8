import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Structured JSON logs. Tokens, Authorization headers and message content are never passed to the
 * logger; the redact list is a second fence in case a future log line carries a request object.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { service: 'chat-server' },
    redact: {
      paths: ['req.headers.authorization', 'token', 'content', '*.token', '*.content'],
      censor: '[redacted]',
    },
  });
}
