import type { ChatErrorCode } from './protocol.js';

/** Placeholder: the SDK helper owns this file. */
export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
  }
}
