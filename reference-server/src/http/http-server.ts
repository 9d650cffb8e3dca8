import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/**
 * An HTTP server whose requests and responses are born with the Express app's prototypes.
 *
 * Express otherwise moves every request and response onto its own prototypes with
 * `Object.setPrototypeOf` when it receives them. V8 then keeps each of those objects past the next
 * young-generation collection: a history page at one request at a time promoted about 1.5 MB per
 * scavenge, and each scavenge paused the server 4 to 8 ms, once every 80 or so requests: enough
 * to hold the history benchmark's p99 at 4 to 6 ms. Created with the right prototype, the objects
 * die young (pauses of about 1 ms), and Express's own `setPrototypeOf` finds nothing to change.
 *
 * The server exists before the app (Socket.IO attaches to it first); `serve(app)` sets the
 * prototypes before the first request can arrive.
 */
export function createHttpServer(): { server: HttpServer; serve(app: Express): void } {
  // Node calls these with `new`; Reflect.construct builds the real object with our prototype.
  const Request = function (...args: [Socket]): IncomingMessage {
    return Reflect.construct(IncomingMessage, args, Request) as IncomingMessage;
  } as unknown as typeof IncomingMessage & { prototype: object };
  const Response = function (...args: [IncomingMessage, object?]): ServerResponse {
    return Reflect.construct(ServerResponse, args, Response) as ServerResponse;
  } as unknown as typeof ServerResponse & { prototype: object };
  Request.prototype = IncomingMessage.prototype;
  Response.prototype = ServerResponse.prototype;
  const server = createServer({ IncomingMessage: Request, ServerResponse: Response });
  return {
    server,
    serve(app) {
      Request.prototype = app.request;
      Response.prototype = app.response;
      server.on('request', app);
    },
  };
}
