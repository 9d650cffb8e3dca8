import { ChatServerError } from '../../errors.js';

const UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED)/;

/**
 * A write the disk refused (full, read-only, I/O error, locked) becomes an `internal` error that
 * says so; the client retries, and nothing was acked. Anything else passes through unchanged.
 */
export function storageFailure(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !UNAVAILABLE.test(code)) return error;
  return new ChatServerError(
    'internal',
    `Storage unavailable (${code}): the message was not stored; retry shortly`,
    { cause: error },
  );
}
