/**
 * The backend under test. By default a fresh in-process reference server; with
 * `CONFORMANCE_URL` set (by `npm run conformance`) any backend that implements the contract,
 * with tokens signed by `CONFORMANCE_JWT_SECRET` or fetched from `CONFORMANCE_TOKEN_URL`.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signToken, startTestServer, TEST_JWT_SECRET } from '../support.js';
import type { TokenClaims } from '../support.js';

export interface Target {
  url: string;
  /** True for the in-process reference server. */
  local: boolean;
  token(userId: string, claims?: TokenClaims): Promise<string>;
  /** Signs any payload with the backend's key (for tokens a host app must never issue). */
  sign(payload: object): string;
  /** A user id no other test uses (backends under conformance keep data between runs). */
  user(label: string): string;
  close(): Promise<void>;
}

export async function openTarget(): Promise<Target> {
  const user = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;
  const url = process.env.CONFORMANCE_URL;
  if (!url) {
    const server = await startTestServer();
    return {
      url: server.url,
      local: true,
      user,
      token: async (id, claims) => server.token(id, claims),
      sign: (payload) => jwt.sign(payload, TEST_JWT_SECRET, { algorithm: 'HS256' }),
      close: () => server.close(),
    };
  }
  const secret = process.env.CONFORMANCE_JWT_SECRET;
  if (!secret) throw new Error("conformance: set --jwt-secret (the backend's HS256 secret)");
  return {
    url: url.replace(/\/$/, ''),
    local: false,
    user,
    token: async (id, claims) => signToken(id, claims, secret),
    sign: (payload) => jwt.sign(payload, secret, { algorithm: 'HS256' }),
    close: async () => {},
  };
}
