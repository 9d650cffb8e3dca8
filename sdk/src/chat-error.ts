import type { ChatErrorCode, ErrorBody } from './protocol.js';
import { ERROR_STATUS } from './protocol.js';

/**
 * Codes that only the SDK produces, for failures that never reached a backend's answer:
 * `network` (no connection, fetch failed, socket dropped before the ack), `timeout` (no answer in
 * time) and `cancelled` (the caller discarded the message or disconnected the client).
 */
export type ClientErrorCode = 'network' | 'timeout' | 'cancelled';

/** Every code a `ChatError` can carry: the contract's codes plus the SDK's own. */
export type ChatClientErrorCode = ChatErrorCode | ClientErrorCode;

/** Refusals that will not change by sending the same request again. */
const NON_RETRYABLE: ReadonlySet<ChatClientErrorCode> = new Set<ChatClientErrorCode>([
  'bad_request',
  'payload_too_large',
  'forbidden',
  'not_found',
  'cancelled',
]);

export interface ChatErrorOptions {
  /** HTTP status; derived from the code when omitted (0 for the SDK's own codes). */
  status?: number;
  /** Seconds to wait before retrying (`rate_limited`). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The one error class of the SDK. Every rejected promise and every `error` event carries one.
 *
 * @example
 * ```ts
 * try {
 *   await client.sendMessage(conversationId, text);
 * } catch (err) {
 *   if (err instanceof ChatError && err.code === 'payload_too_large') showTooLong();
 * }
 * ```
 */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  /** What went wrong, from the contract's table or the SDK's own codes. */
  readonly code: ChatClientErrorCode;
  /** HTTP status that goes with the code (0 when the backend never answered). */
  readonly status: number;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** Seconds the backend asked to wait, with `rate_limited`. */
  readonly retryAfter: number | undefined;

  constructor(code: ChatClientErrorCode, message: string, options: ChatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? (isWireCode(code) ? ERROR_STATUS[code] : 0);
    this.retryable = !NON_RETRYABLE.has(code);
    this.retryAfter = options.retryAfter;
  }

  /**
   * Builds a `ChatError` from the wire's `{ code, message }` shape (REST body, ack or
   * `connect_error` data). Unknown codes become `internal`.
   *
   * @example
   * ```ts
   * const err = ChatError.fromBody({ code: 'forbidden', message: 'not a connection' }, 403);
   * ```
   */
  static fromBody(body: Partial<ErrorBody> | undefined, status?: number): ChatError {
    const code = body?.code && isWireCode(body.code) ? body.code : 'internal';
    return new ChatError(code, body?.message ?? `request failed (${code})`, {
      status: status ?? ERROR_STATUS[code],
      retryAfter: typeof body?.retryAfter === 'number' ? body.retryAfter : undefined,
    });
  }

  /**
   * Wraps anything thrown into a `ChatError`, keeping it as `cause`; a `ChatError` passes through.
   *
   * @example
   * ```ts
   * client.on('error', (err) => console.warn(err.code, err.message));
   * const err = ChatError.from(new TypeError('fetch failed')); // code 'network'
   * ```
   */
  static from(error: unknown, code: ChatClientErrorCode = 'network'): ChatError {
    if (error instanceof ChatError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ChatError(code, message, { cause: error });
  }
}

function isWireCode(code: string): code is ChatErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}
