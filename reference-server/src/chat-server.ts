import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createTokenVerifier, rememberVerified } from './auth/token-verifier.js';
import { resolveOptions } from './config.js';
import type { ChatServerOptions } from './config.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/http-server.js';
import { seedDemoUsers } from './http/demo-routes.js';
import { OriginPolicy } from './http/origin-policy.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { ChatService } from './service/chat-service.js';
import type { EventSink } from './service/event-sink.js';
import { attachSocketHandlers, createIo, socketSink } from './socket/socket-server.js';
import type { ChatIo } from './socket/socket-server.js';
import type { ChatStore } from './store/chat-store.js';
import { openSqliteStore } from './store/sqlite/open.js';

export interface ChatServer {
  /** `http://host:port`, with the port actually bound (useful with `port: 0`). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly app: Express;
  readonly io: ChatIo;
  readonly httpServer: HttpServer;
  readonly store: ChatStore;
  readonly logger: Logger;
  /** Set in demo mode: the HS256 secret demo tokens are signed with. */
  readonly demoSecret: string | undefined;
  /** Tells sockets, commits in-flight writes, closes the database. Safe to call twice. */
  close(): Promise<void>;
}

function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${port} on ${host} is already in use: stop the other process or pass --port <n> (0 picks a free one)`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new Error(`Not allowed to listen on ${host}:${port}: use a port above 1023`));
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Starts a Parley reference server: REST under `/chat`, Socket.IO on the default namespace,
 * SQLite storage, JWT identity.
 *
 * @example
 * const server = await createChatServer({ port: 0, db: ':memory:', jwtSecret: process.env.CHAT_JWT_SECRET });
 * console.log(`chat on ${server.url}`);
 * await server.close();
 */
export async function createChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const config = resolveOptions(options);
  const logger = options.logger ?? createLogger(config.logLevel);
  const verify = createTokenVerifier(config.jwt);
  const origins = new OriginPolicy(config.origins);
  const store = options.store ?? openSqliteStore(config.db, config.synchronous, logger);

  const { server: httpServer, serve } = createHttpServer(config.requestTimeoutMs);
  const io = createIo(
    httpServer,
    origins,
    { maxFrameBytes: config.maxFrameBytes, maxUnsentBytes: config.maxUnsentBytes },
    logger,
  );
  const sink: EventSink = socketSink(io, options.testHooks);
  const service = new ChatService(store, sink, logger, {
    requireConnections: config.requireConnections,
    offlineGraceMs: config.offlineGraceMs,
    typingExpiryMs: config.typingExpiryMs,
    rateLimits: config.rateLimits,
  });
  const stopSocketHandlers = attachSocketHandlers(
    io,
    service,
    verify,
    service.limits,
    logger,
    config.trustProxy,
  );
  const app = createApp({
    service,
    verify: rememberVerified(verify),
    origins,
    logger,
    version: config.version,
    adminKey: config.adminKey,
    demo: config.demo ? { secret: config.jwt.secret!, examplesDir: config.examplesDir } : undefined,
    widgetBundlePath: config.widgetBundlePath,
    bodyLimit: `${config.bodyLimitBytes}b`,
    storageFailure: () => store.failure?.() ?? null,
  });
  serve(app);

  try {
    // A file database is written by a thread of its own, which opens it after this point: a server
    // that could store nothing must not start (its first sends would be refused, /health fine).
    await store.ready?.();
    if (config.demo) await seedDemoUsers(service);
    await listen(httpServer, config.port, config.host);
  } catch (error) {
    stopSocketHandlers();
    io.close();
    await store.close();
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  origins.addOwn(config.host, port);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, demo: config.demo, origins: origins.list() }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopSocketHandlers();
      io.emit('sessionEnd', {
        code: 'shutdown',
        message: 'Server is shutting down: reconnect shortly',
      });
      io.disconnectSockets(true);
      // A socket's writes leave at the end of the tick that queued them (coalesced-writes.ts):
      // one turn of the event loop sends sessionEnd and the disconnect before io.close() ends
      // every transport at once.
      await new Promise((resolve) => setImmediate(resolve));
      // Sends accepted before this point are committed by the store's close; later ones fail
      // without an ack, so their senders retry against the next server.
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeIdleConnections();
      const force = setTimeout(() => httpServer.closeAllConnections(), 2000);
      await closed;
      clearTimeout(force);
      await service.close();
      await store.close();
      logger.info('stopped');
    })();
    return closing;
  };

  return {
    url,
    port,
    host: config.host,
    app,
    io,
    httpServer,
    store,
    logger,
    demoSecret: config.demo ? config.jwt.secret : undefined,
    close,
  };
}
