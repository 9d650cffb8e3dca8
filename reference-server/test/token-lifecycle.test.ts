import { generateKeyPairSync } from 'node:crypto';
import type { SessionEndEvent } from '@parley/sdk/protocol';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  nextEvent,
  signToken,
  startTestServer,
  TEST_JWT_SECRET,
} from './support.js';

describe('token lifecycle', () => {
  it('disconnects a socket when its token expires, with token_expired', async () => {
    const server = await startTestServer();
    try {
      const socket = await connectSocket(server.url, server.token('tim', { expiresIn: 2 }));
      const ended = nextEvent<SessionEndEvent>(socket, 'sessionEnd', 5000);
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect((await ended).code).toBe('token_expired');
      expect(await disconnected).toBe('io server disconnect');
    } finally {
      await server.close();
    }
  });

  it('verifies RS256 and ES256 tokens with a public key and refuses HS256 tokens signed with it', async () => {
    for (const [type, algorithm] of [
      ['rsa', 'RS256'],
      ['ec', 'ES256'],
    ] as const) {
      const keys =
        type === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const server = await startTestServer({ jwtSecret: undefined, jwtPublicKey: pem });
      try {
        const good = jwt.sign({ sub: 'kim' }, keys.privateKey, { algorithm, expiresIn: 60 });
        expect((await api(server.url, good, 'GET', '/chat/unread-count')).status, algorithm).toBe(
          200,
        );
        // Key confusion: an HS256 token whose "secret" is the public key text.
        const confused = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: 'kim', exp: Math.floor(Date.now() / 1000) + 60 }),
        ).toString('base64url')}`;
        const { createHmac } = await import('node:crypto');
        const forged = `${confused}.${createHmac('sha256', pem).update(confused).digest('base64url')}`;
        expect((await api(server.url, forged, 'GET', '/chat/unread-count')).status, algorithm).toBe(
          401,
        );
        expect(
          (await api(server.url, signToken('kim'), 'GET', '/chat/unread-count')).status,
          algorithm,
        ).toBe(401);
      } finally {
        await server.close();
      }
    }
  });

  it('enforces issuer and audience when configured', async () => {
    const server = await startTestServer({ jwtIssuer: 'https://app.example', jwtAudience: 'chat' });
    try {
      const sign = (claims: object) =>
        jwt.sign({ sub: 'ida', ...claims }, TEST_JWT_SECRET, { expiresIn: 60 });
      expect(
        (
          await api(
            server.url,
            sign({ iss: 'https://app.example', aud: 'chat' }),
            'GET',
            '/chat/unread-count',
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await api(
            server.url,
            sign({ iss: 'https://evil.example', aud: 'chat' }),
            'GET',
            '/chat/unread-count',
          )
        ).status,
      ).toBe(401);
      expect(
        (
          await api(
            server.url,
            sign({ iss: 'https://app.example', aud: 'other' }),
            'GET',
            '/chat/unread-count',
          )
        ).status,
      ).toBe(401);
      expect((await api(server.url, sign({}), 'GET', '/chat/unread-count')).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
