import type { RequestHandler } from 'express';
import type { Identity } from '../auth/token-verifier.js';
import { bearerToken } from '../auth/token-verifier.js';
import type { ChatService } from '../service/chat-service.js';

/** The verified caller, set by `authenticate`. */
export function identityOf(res: { locals: Record<string, unknown> }): Identity {
  return res.locals.identity as Identity;
}

export function authenticate(
  verify: (token: string) => Identity,
  service: ChatService,
): RequestHandler {
  return async (req, res, next) => {
    const identity = verify(bearerToken(req.headers.authorization));
    await service.limits.consume('requests', identity.userId);
    await service.touch(identity);
    res.locals.identity = identity;
    next();
  };
}
