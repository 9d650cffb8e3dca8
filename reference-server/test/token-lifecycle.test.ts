import { createHmac, generateKeyPairSync } from 'node:crypto';
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

  it('refuses an HTTP token once it expires although it was accepted a moment before, and a re-signed copy of it at once', async () => {
    const server = await startTestServer();
    try {
      const token = server.token('tom', { expiresIn: 2 });
      const [head, payload] = token.split('.');
      const forged = `${head}.${payload}.${createHmac('sha256', 'not the secret').update(`${head}.${payload}`).digest('base64url')}`;
      const outcome = async (t: string) => {
        const res = await api<{ error?: { code: string } }>(
          server.url,
          t,
          'GET',
          '/chat/unread-count',
        );
        return [res.status, res.body.error?.code];
      };
      expect(await outcome(token)).toEqual([200, undefined]);
      // The same claims under another signature: a different token, verified on its own.
      expect(await outcome(forged)).toEqual([401, 'unauthorized']);
      const exp = (JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number })
        .exp;
      await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
      expect(await outcome(token)).toEqual([401, 'token_expired']);
    } finally {
      await server.close();
    }
  });

  it('keeps neither the token nor the handshake headers (cookies), query or URL of a connected socket', async () => {
    const server = await startTestServer();
    try {
      const token = server.token('tess');
      const cookie = 'host_session=s3cr3t-host-app-session';
      const socket = await connectSocket(server.url, token, {
        extraHeaders: { cookie },
        query: { tag: 'query-s3cr3t' },
      });
      try {
        const [held] = await server.server.io.fetchSockets();
        const kept = JSON.stringify(held!.handshake);
        expect(kept).not.toContain(token);
        expect(kept).not.toContain('s3cr3t');
        expect(kept).not.toContain('EIO');
        expect(held!.handshake.address).toMatch(/127\.0\.0\.1/);
        expect(held!.data.userId).toBe('tess');
      } finally {
        socket.close();
      }
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
