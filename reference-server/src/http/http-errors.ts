import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ChatServerError, toChatServerError } from '../errors.js';
import type { Logger } from '../logger.js';

export function sendError(res: Parameters<RequestHandler>[1], error: ChatServerError): void {
  if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
  res.status(error.status).json({ error: error.toBody() });
}

export const notFound: RequestHandler = (req, res) => {
  sendError(
    res,
    new ChatServerError('not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`),
  );
};

/** Turns body-parser failures and anything thrown into the contract's error body. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const type = (err as { type?: string } | null)?.type;
    let error: ChatServerError;
    if (type === 'entity.too.large') {
      error = new ChatServerError('payload_too_large', 'Request body is larger than 64 KB');
    } else if (type === 'entity.parse.failed') {
      error = new ChatServerError('bad_request', 'Request body is not valid JSON');
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      error = new ChatServerError('bad_request', 'Request body must be UTF-8 JSON');
    } else if (typeof type === 'string') {
      error = new ChatServerError('bad_request', 'Request body could not be read');
    } else if (err instanceof URIError) {
      // Express fails to decode a path parameter such as `%FF` before any route runs.
      error = new ChatServerError('bad_request', 'The path is not valid percent-encoded UTF-8');
    } else {
      error = toChatServerError(err);
    }
    if (error.code === 'internal')
      logger.error(
        { err, method: req.method, path: req.originalUrl.split('?')[0] },
        'request failed',
      );
    sendError(res, error);
  };
}
