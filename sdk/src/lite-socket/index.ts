export { io } from './io.js';
export { LiteSocket } from './lite-socket.js';
export type * from './types.js';
