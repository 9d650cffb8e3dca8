/**
 * Identity and origin: forged, confused, expired, early, incomplete and oversized tokens are
 * refused on both transports; browser origins outside the allow-list are refused on REST, on the
 * Socket.IO handshake (WebSocket and polling), including look-alike suffixes.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  signToken,
  startTestServer,
  TEST_JWT_SECRET,
} from '../../reference-server/test/support.js';
import type { TestServer } from '../../reference-server/test/support.js';
import { RawSocket } from '../support/raw-socket.js';
import { report } from '../support/report.js';

const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Signs any header and payload by hand, for claims that jsonwebtoken refuses to sign. */
function hs256(header: object, payload: object, secret = TEST_JWT_SECRET): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Refused on REST (401) and on the handshake (connect_error with a 401 code). */
async function expectRefused(url: string, token: string, label: string): Promise<void> {
  const res = await api<{ error: { code: string } }>(url, token, 'GET', '/chat/conversations');
  expect(res.status, label).toBe(401);
  expect(['unauthorized', 'token_expired'], label).toContain(res.body.error.code);
  const refusal = await connectSocket(url, token).then(
    (s) => {
      s.close();
      return null;
    },
    (e: { data?: { code: string } }) => e.data?.code,
  );
  expect(['unauthorized', 'token_expired'], label).toContain(refusal);
}

describe('tokens', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let hs: TestServer;
  let rs: TestServer;
  beforeAll(async () => {
    hs = await startTestServer({ rateLimits: { handshakes: 0, requests: 0 } });
    rs = await startTestServer({
      jwtSecret: undefined,
      jwtPublicKey: publicPem,
      rateLimits: { handshakes: 0, requests: 0 },
    });
  });
  afterAll(async () => {
    await hs?.close();
    await rs?.close();
  });

  it('refuses every forged or unfit token on an HS256 server', async () => {
    const exp = now() + 600;
    const cases: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'eve', exp })}.`,
      'alg none, signature kept': `${b64({ alg: 'none' })}.${b64({ sub: 'eve', exp })}.${signToken('eve').split('.')[2]}`,
      'wrong key': jwt.sign({ sub: 'eve', exp }, 'another-secret-that-is-at-least-32-bytes!!'),
      'HS512 with the right secret': jwt.sign({ sub: 'eve', exp }, TEST_JWT_SECRET, {
        algorithm: 'HS512',
      }),
      'RS256 with an attacker key': jwt.sign({ sub: 'eve', exp }, otherRsa.privateKey, {
        algorithm: 'RS256',
      }),
      expired: jwt.sign({ sub: 'eve', exp: now() - 10 }, TEST_JWT_SECRET),
      'not yet valid': jwt.sign({ sub: 'eve', exp, nbf: now() + 300 }, TEST_JWT_SECRET),
      'missing sub': jwt.sign({ exp }, TEST_JWT_SECRET),
      'empty sub': jwt.sign({ sub: '', exp }, TEST_JWT_SECRET),
      'numeric sub': jwt.sign({ sub: 42, exp }, TEST_JWT_SECRET),
      'sub over 128': jwt.sign({ sub: 'e'.repeat(129), exp }, TEST_JWT_SECRET),
      'missing exp': jwt.sign({ sub: 'eve' }, TEST_JWT_SECRET, { noTimestamp: true }),
      'string exp': hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'eve', exp: 'never' }),
      'exp as a numeric string': hs256({ alg: 'HS256' }, { sub: 'eve', exp: String(exp) }),
      'sub as an array': hs256({ alg: 'HS256' }, { sub: ['eve'], exp }),
      'javascript: picture': jwt.sign(
        { sub: 'eve', exp, picture: 'javascript:alert(1)' },
        TEST_JWT_SECRET,
      ),
      'name over 100': jwt.sign({ sub: 'eve', exp, name: 'n'.repeat(101) }, TEST_JWT_SECRET),
      oversized: jwt.sign({ sub: 'eve', exp, pad: 'x'.repeat(9000) }, TEST_JWT_SECRET),
      'tampered payload': (() => {
        const [h, , s] = signToken('eve').split('.');
        return `${h}.${b64({ sub: 'admin', exp })}.${s}`;
      })(),
      garbage: 'not.a.token',
      'two dots only': '..',
    };
    for (const [label, token] of Object.entries(cases)) await expectRefused(hs.url, token, label);
    // Never in a query string: a token there is not read.
    const viaQuery = await fetch(`${hs.url}/chat/conversations?token=${signToken('eve')}`);
    expect(viaQuery.status).toBe(401);
    report('tokens-hs256', { refused: Object.keys(cases).length + 1 });
  });

  it('refuses HS/RS confusion and foreign keys on an RS256 server', async () => {
    const exp = now() + 600;
    const cases: Record<string, string> = {
      'HS256 signed with the public key as secret': jwt.sign({ sub: 'eve', exp }, publicPem, {
        algorithm: 'HS256',
        allowInsecureKeySizes: true,
      } as jwt.SignOptions),
      'HS256 with the test secret': signToken('eve'),
      'RS256 with another key': jwt.sign({ sub: 'eve', exp }, otherRsa.privateKey, {
        algorithm: 'RS256',
      }),
      'RS512 with the right key': jwt.sign({ sub: 'eve', exp }, rsa.privateKey, {
        algorithm: 'RS512',
      }),
      'PS256 with the right key': jwt.sign({ sub: 'eve', exp }, rsa.privateKey, {
        algorithm: 'PS256',
      }),
      'alg none': `${b64({ alg: 'none' })}.${b64({ sub: 'eve', exp })}.`,
      expired: jwt.sign({ sub: 'eve', exp: now() - 10 }, rsa.privateKey, { algorithm: 'RS256' }),
    };
    for (const [label, token] of Object.entries(cases)) await expectRefused(rs.url, token, label);
    // The real thing works, so the refusals above are about the tokens.
    const good = jwt.sign({ sub: 'eve', exp }, rsa.privateKey, { algorithm: 'RS256' });
    expect((await api(rs.url, good, 'GET', '/chat/conversations')).status).toBe(200);
    report('tokens-rs256', { refused: Object.keys(cases).length });
  });
});

describe('origins', () => {
  let server: TestServer;
  const allowed = 'https://example.com';
  beforeAll(async () => {
    server = await startTestServer({
      origins: [allowed],
      rateLimits: { handshakes: 0, requests: 0 },
    });
  });
  afterAll(async () => server?.close());

  const lookAlikes = [
    'https://evilexample.com',
    'https://example.com.evil.com',
    'https://sub.example.com',
    'http://example.com',
    'https://example.com:8443',
    'https://example.co',
    'https://xn--exmple-cua.com',
    'https://example.com%2eevil.com',
    'null',
    'file://',
    'https://EXAMPLE.com.',
    `${allowed}, https://evil.com`,
  ];

  it('refuses look-alike origins on REST, preflight, WebSocket and polling; the real one passes', async () => {
    const token = signToken('ann');
    for (const origin of lookAlikes) {
      const res = await api(server.url, token, 'GET', '/chat/conversations', undefined, { origin });
      expect(res.status, origin).toBe(403);
      const preflight = await fetch(`${server.url}/chat/conversations`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
      const ws = await RawSocket.open(server.url, { token, origin }).then(
        ([s]) => {
          s.close();
          return 'open';
        },
        (e: Error) => e.message,
      );
      expect(ws, origin).toMatch(/HTTP 403|HTTP 400/);
      const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
        headers: { origin },
      });
      expect(polling.status, origin).toBeGreaterThanOrEqual(400);
    }
    const ok = await api(server.url, token, 'GET', '/chat/conversations', undefined, {
      origin: allowed,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    const [ws, answer] = await RawSocket.open(server.url, { token, origin: allowed });
    expect(answer.startsWith('40')).toBe(true);
    ws.close();
    report('origins', { lookAlikesRefused: lookAlikes.length });
  });
});
