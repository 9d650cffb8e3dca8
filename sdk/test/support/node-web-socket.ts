/**
 * Node 20 has no global WebSocket (Node 22 has): the lite socket run gives it the `ws` package's,
 * which socket.io already depends on. Browsers and newer Nodes keep their own.
 */
import { WebSocket } from 'ws';

globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;
