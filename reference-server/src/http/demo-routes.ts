import express, { Router } from 'express';
import jwt from 'jsonwebtoken';
import { parse, schemas } from '../schemas.js';
import type { ChatService } from '../service/chat-service.js';

export const DEMO_USERS = [
  { id: 'alice', name: 'Alice Martin' },
  { id: 'bob', name: 'Bob Nguyen' },
  { id: 'carol', name: 'Carol Diaz' },
  { id: 'dave', name: 'Dave Okafor' },
] as const;

/**
 * Demo mode only: mints tokens for any user id, which is exactly what a real deployment must
 * never do (the host app's backend signs tokens for its own signed-in user).
 */
export function demoRoutes(
  service: ChatService,
  secret: string,
  tokenTtlSeconds = 12 * 3600,
): Router {
  const router = Router();
  router.use(express.json({ limit: '4kb' }));

  router.get('/users', (_req, res) => {
    res.json({ users: DEMO_USERS, demo: true });
  });

  router.post('/token', async (req, res) => {
    const body = parse(schemas.demoToken, req.body, 'body');
    const known = DEMO_USERS.find((u) => u.id === body.userId);
    const name = body.name ?? known?.name ?? body.userId;
    const token = jwt.sign({ sub: body.userId, name }, secret, {
      algorithm: 'HS256',
      expiresIn: tokenTtlSeconds,
    });
    // The profile is on record before the token is first used, so others can find this user.
    await service.adminUpsertUser(body.userId, { name });
    res.json({ token, userId: body.userId, name, demo: true });
  });

  return router;
}

/** Seeds the demo users so that the contact list is not empty on a fresh database. */
export async function seedDemoUsers(service: ChatService): Promise<void> {
  for (const user of DEMO_USERS) await service.adminUpsertUser(user.id, { name: user.name });
}
