import type { ChatErrorCode, ERROR_STATUS, ErrorBody } from '@parley/sdk/protocol';

// Typed as the protocol's own table: a status that disagrees with the contract fails to compile.
const STATUS: typeof ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
};

/** The server's one error class: every refusal, whatever the transport, is one of these. */
export class ChatServerError extends Error {
  readonly code: ChatErrorCode;
  /** Seconds, for `rate_limited`. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ChatErrorCode,
    message: string,
    options: { retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ChatServerError';
    this.code = code;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.retryAfter === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfter: this.retryAfter };
  }
}

/** Maps anything thrown to a ChatServerError; unknown failures become `internal` without details. */
export function toChatServerError(error: unknown): ChatServerError {
  if (error instanceof ChatServerError) return error;
  return new ChatServerError('internal', 'Internal server error', { cause: error });
}
