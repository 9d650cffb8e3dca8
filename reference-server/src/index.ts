export { createChatServer } from './chat-server.js';
export type { ChatServer } from './chat-server.js';
export { ConfigError } from './config.js';
export type { ChatServerOptions } from './config.js';
export type { ChatStore } from './store/chat-store.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export type { TestHooks } from './socket/socket-server.js';
export type { RateLimitOptions } from './service/rate-limits.js';
