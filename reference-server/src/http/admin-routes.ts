import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { ChatServerError } from '../errors.js';
import { parse, schemas } from '../schemas.js';
import type { ChatService } from '../service/chat-service.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `/admin/*`: server-to-server profile and connection management, behind the admin key. */
export function adminRoutes(service: ChatService, adminKey: string): Router {
  const router = Router();
  const requireKey: RequestHandler = (req, _res, next) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match || !sameSecret(match[1]!, adminKey)) {
      throw new ChatServerError(
        'unauthorized',
        'Admin routes need Authorization: Bearer <admin key>',
      );
    }
    next();
  };
  router.use(requireKey);

  router.put('/users/:id', async (req, res) => {
    const { id } = parse(schemas.adminUserParam, req.params, 'id');
    const body = parse(schemas.adminUserBody, req.body, 'body');
    res.json({ user: await service.adminUpsertUser(id, body) });
  });

  router.put('/users/:id/connections', async (req, res) => {
    const { id } = parse(schemas.adminUserParam, req.params, 'id');
    const body = parse(schemas.adminConnectionsBody, req.body, 'body');
    await service.adminReplaceConnections(id, body.userIds);
    res.json({ userId: id, userIds: [...new Set(body.userIds)].filter((u) => u !== id) });
  });

  return router;
}
