import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { api, connectSocket } from '../support.js';
import { useTarget } from './fixtures.js';

const { target } = useTarget();

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens a host app would never issue. Each must be refused on both transports. */
async function badTokens(): Promise<Array<[string, string, string]>> {
  const t = target();
  const now = Math.floor(Date.now() / 1000);
  const user = t.user('mallory');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return [
    [
      'forged (wrong secret)',
      jwt.sign({ sub: user }, 'another-secret-that-is-32-bytes-long!!', { expiresIn: 60 }),
      'unauthorized',
    ],
    [
      'alg none',
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user, exp: now + 60 })}.`,
      'unauthorized',
    ],
    [
      'RS256 with an unknown key',
      jwt.sign({ sub: user }, privateKey, { algorithm: 'RS256', expiresIn: 60 }),
      'unauthorized',
    ],
    ['garbage', 'not-a-jwt', 'unauthorized'],
    ['expired', await t.token(user, { expiresIn: -30 }), 'token_expired'],
    ['without exp', t.sign({ sub: user, iat: now }), 'unauthorized'],
    ['without sub', t.sign({ exp: now + 60 }), 'unauthorized'],
    ['not yet valid', t.sign({ sub: user, exp: now + 120, nbf: now + 60 }), 'unauthorized'],
    [
      'name over 100 characters',
      t.sign({ sub: user, exp: now + 60, name: 'x'.repeat(101) }),
      'unauthorized',
    ],
    ['oversized', t.sign({ sub: user, exp: now + 60, pad: 'x'.repeat(10_000) }), 'unauthorized'],
  ];
}

describe('authentication', () => {
  it('answers /health without a token', async () => {
    const res = await api(target().url, null, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, version: expect.any(String) });
  });

  it('refuses REST calls without a token', async () => {
    const res = await api(target().url, null, 'GET', '/chat/conversations');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      error: { code: 'unauthorized', message: expect.any(String) },
    });
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await api(target().url, null, 'GET', '/chat/conversations', undefined, {
      authorization: 'Token abc',
    });
    expect(res.status).toBe(401);
  });

  it('refuses bad tokens over REST with the right code', async () => {
    for (const [label, token, code] of await badTokens()) {
      const res = await api(target().url, token, 'GET', '/chat/unread-count');
      expect(res.status, label).toBe(401);
      expect((res.body as { error: { code: string } }).error.code, label).toBe(code);
    }
  });

  it('refuses bad tokens at the Socket.IO handshake with connect_error data', async () => {
    for (const [label, token, code] of await badTokens()) {
      const error = await connectSocket(target().url, token).then(
        () => null,
        (e: { data?: { code: string; message: string } }) => e,
      );
      expect(error?.data?.code, label).toBe(code);
      expect(error?.data?.message, label).toEqual(expect.any(String));
    }
  });

  it('refuses a handshake without a token', async () => {
    const error = await connectSocket(target().url, '').then(
      () => null,
      (e: { data?: { code: string } }) => e,
    );
    expect(error?.data?.code).toBe('unauthorized');
  });

  it('accepts a valid token and upserts the profile from its claims', async () => {
    const t = target();
    const viewer = t.user('viewer');
    const subject = t.user('subject');
    await api(
      t.url,
      await t.token(subject, { name: 'Zed First', picture: 'https://img.example/z.png' }),
      'GET',
      '/chat/unread-count',
    );
    const res = await api<{ conversation: { otherUser: { name: string; avatarUrl: string } } }>(
      t.url,
      await t.token(viewer),
      'POST',
      '/chat/conversations',
      { userId: subject },
    );
    expect(res.body.conversation.otherUser).toMatchObject({
      id: subject,
      name: 'Zed First',
      avatarUrl: 'https://img.example/z.png',
    });
    await api(t.url, await t.token(subject, { name: 'Zed Second' }), 'GET', '/chat/unread-count');
    const again = await api<{ conversation: { otherUser: { name: string } } }>(
      t.url,
      await t.token(viewer),
      'POST',
      '/chat/conversations',
      { userId: subject },
    );
    expect(again.status).toBe(200);
    expect(again.body.conversation.otherUser.name).toBe('Zed Second');
  });
});
