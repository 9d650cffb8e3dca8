import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/** Node's constructors are plain functions: callable on an object made with another prototype. */
type Initializer<A extends unknown[]> = { call(self: object, ...args: A): void };

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
 * The constructors below are plain functions that run Node's own on `this` (`new` has already
 * made it with our prototype). They replaced `Reflect.construct(IncomingMessage, args, Request)`,
 * which V8 runs through a slow path: `GET /health` took 0.31–0.37 ms at p50 with it and
 * 0.16–0.17 ms without, history routes 0.2 ms less at p50 and about 1 ms less at p99
 * (docs/performance.md, "What the profiles changed").
 *
 * The server exists before the app, and its one request listener, which calls the app, is there
 * from the start: Socket.IO, attached next, takes the listeners it finds and calls them only for
 * requests that are not its own. A listener added after it would also answer Socket.IO's
 * long-polling requests, with a 404 on top of Socket.IO's answer (long-polling clients then failed
 * with "xhr poll error"). `serve(app)` sets the app and its prototypes before the first request
 * can arrive; until then the server answers 503.
 *
 * A request whose headers and body take longer than `requestTimeoutMs` to arrive is answered
 * `408` and closed (slow-body and slow-header attacks hold a connection for minutes under Node's
 * defaults). Node checks it every `connectionsCheckingInterval`, 30 s by default; once a second
 * here. Upgraded WebSockets and long-polling GETs, complete once their headers are in, are not
 * affected.
 */
export function createHttpServer(requestTimeoutMs: number): {
  server: HttpServer;
  serve(app: Express): void;
} {
  const Request = function (this: object, socket: Socket): void {
    (IncomingMessage as unknown as Initializer<[Socket]>).call(this, socket);
  } as unknown as typeof IncomingMessage & { prototype: object };
  const Response = function (this: object, req: IncomingMessage, options?: object): void {
    (ServerResponse as unknown as Initializer<[IncomingMessage, object?]>).call(this, req, options);
  } as unknown as typeof ServerResponse & { prototype: object };
  Request.prototype = IncomingMessage.prototype;
  Response.prototype = ServerResponse.prototype;
  let app: Express | undefined;
  const server = createServer(
    {
      IncomingMessage: Request,
      ServerResponse: Response,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    },
    (req, res) => {
      if (app) app(req, res);
      else res.writeHead(503).end();
    },
  );
  return {
    server,
    serve(next) {
      Request.prototype = next.request;
      Response.prototype = next.response;
      app = next;
    },
  };
}
