export { ChatClient } from './chat-client.js';
export { ChatError } from './chat-error.js';
export type { ChatClientErrorCode, ClientErrorCode, ChatErrorOptions } from './chat-error.js';
export { localStorageStorage, memoryStorage } from './outbox-storage.js';
export { ERROR_STATUS, LIMITS } from './protocol.js';
export type * from './protocol.js';
export type * from './types.js';
