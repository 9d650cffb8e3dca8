import { existsSync } from 'node:fs';
import cors from 'cors';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';
import type { Identity } from '../auth/token-verifier.js';
import { ChatServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChatService } from '../service/chat-service.js';
import { adminRoutes } from './admin-routes.js';
import { authenticate } from './authenticate.js';
import { chatRoutes } from './chat-routes.js';
import { demoRoutes } from './demo-routes.js';
import { errorHandler, notFound, sendError } from './http-errors.js';
import type { OriginPolicy } from './origin-policy.js';

/** The example pages that demo mode serves besides the demo itself (at `/`). */
export const DEMO_PAGES = ['script-tag', 'react'] as const;

export interface AppOptions {
  service: ChatService;
  verify: (token: string) => Identity;
  origins: OriginPolicy;
  logger: Logger;
  version: string;
  adminKey?: string;
  /** Set in demo mode: the secret that demo tokens are signed with, and the examples folder. */
  demo?: { secret: string; examplesDir: string };
  widgetBundlePath: string;
  bodyLimit: string;
  /** Why the store can take no more writes, for good; null while it can (`GET /health`). */
  storageFailure: () => Error | null;
}

function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      // Path only: no query string, no headers, no body. Tokens and content never reach a log line.
      logger.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - start) / 1e6,
          userId: (res.locals.identity as Identity | undefined)?.userId,
        },
        'request',
      );
    });
    next();
  };
}

export function createApp(options: AppOptions): Express {
  const { service, origins, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      // The widget bundle is loaded by other origins' pages; the API itself is bearer-authenticated.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: {
        directives: {
          upgradeInsecureRequests: null,
          'img-src': ["'self'", 'data:', 'https:', 'http:'],
        },
      },
    }),
  );
  app.use(requestLog(logger));

  // For load balancers and supervisors: a server that can store nothing more answers 500, so
  // that it is taken out of rotation and restarted.
  app.get('/health', (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    const failure = options.storageFailure();
    if (failure) {
      // A store of one's own may report a plain Error: its message is the reason all the same.
      const error =
        failure instanceof ChatServerError
          ? failure
          : new ChatServerError('internal', failure.message, { cause: failure });
      res.status(error.status).json({ ok: false, version: options.version, error: error.toBody() });
      return;
    }
    res.json({ ok: true, version: options.version });
  });
  app.get('/widget/chat-widget.js', (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!existsSync(options.widgetBundlePath)) {
      sendError(
        res,
        new ChatServerError('not_found', 'Widget bundle not built: run `npm run build`'),
      );
      return;
    }
    res.type('application/javascript').sendFile(options.widgetBundlePath, { maxAge: '5m' });
  });

  // Browsers outside the allow-list are refused outright, not merely denied CORS headers.
  const checkOrigin: RequestHandler = (req, res, next) => {
    if (origins.isAllowed(req.headers.origin)) return next();
    sendError(res, new ChatServerError('forbidden', `Origin ${req.headers.origin} is not allowed`));
  };
  const corsFor = cors({
    origin: (origin, callback) => callback(null, origins.isAllowed(origin)),
    allowedHeaders: ['Authorization', 'Content-Type'],
    methods: ['GET', 'POST', 'PUT'],
    maxAge: 600,
  });
  const json = express.json({ limit: options.bodyLimit, strict: true });

  app.use(
    '/chat',
    checkOrigin,
    corsFor,
    json,
    authenticate(options.verify, service),
    chatRoutes(service),
  );
  if (options.adminKey)
    app.use('/admin', checkOrigin, json, adminRoutes(service, options.adminKey));
  if (options.demo) {
    app.use('/demo', checkOrigin, demoRoutes(service, options.demo.secret));
    // Only the example pages and their built assets: never the examples' sources or tests.
    const pagesOnly: RequestHandler = (req, res, next) =>
      /\.(tsx?|mts|md|map)$/i.test(req.path) ? notFound(req, res, next) : next();
    for (const page of DEMO_PAGES) {
      app.use(
        `/examples/${page}`,
        pagesOnly,
        express.static(`${options.demo.examplesDir}/${page}`),
      );
    }
    app.use('/', pagesOnly, express.static(`${options.demo.examplesDir}/demo`));
  }
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
