import { createPublicKey, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Algorithm } from 'jsonwebtoken';
import { z } from 'zod';
import { ChatServerError } from '../errors.js';
import { wellFormed } from '../schemas.js';

export interface TokenVerifierOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** RS256 / ES256 public key (PEM text). */
  publicKey?: string;
  issuer?: string;
  audience?: string;
}

/** The identity a verified token carries. */
export interface Identity {
  userId: string;
  /** Undefined when the claim is absent: the stored profile is then left as it is. */
  name: string | undefined;
  avatarUrl: string | undefined;
  /** Expiry, in ms since the epoch. */
  expiresAt: number;
}

const MAX_TOKEN_LENGTH = 8192;

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'picture must be an http(s) URL' })
  .max(2048, 'picture is longer than 2048 characters');

const claimsSchema = z.object({
  sub: z
    .string('sub claim is required')
    .min(1, 'sub is empty')
    .max(128, 'sub is longer than 128 characters')
    .refine(wellFormed, 'sub is not well-formed Unicode'),
  exp: z.number('exp claim is required'),
  name: z
    .string()
    .max(100, 'name claim is longer than 100 characters')
    .refine(wellFormed, 'name is not well-formed Unicode')
    .optional(),
  picture: httpUrl.optional(),
});

/** Picks the one algorithm the server accepts, from the kind of key it was given. */
function pinAlgorithm(options: TokenVerifierOptions): {
  algorithm: Algorithm;
  key: string | KeyObject;
} {
  if (options.publicKey) {
    const key = createPublicKey(options.publicKey);
    if (key.asymmetricKeyType === 'rsa') return { algorithm: 'RS256', key };
    if (key.asymmetricKeyType === 'ec') return { algorithm: 'ES256', key };
    throw new Error(
      `Unsupported public key type ${key.asymmetricKeyType}: use an RSA or P-256 EC key`,
    );
  }
  // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it
  // as a public key on every verify, which cost ~0.7 ms a request in the benchmark's profile.
  if (options.secret)
    return { algorithm: 'HS256', key: createSecretKey(Buffer.from(options.secret)) };
  throw new Error('No JWT key configured: set --jwt-secret or --jwt-public-key');
}

function expired(): ChatServerError {
  return new ChatServerError('token_expired', 'Token has expired: fetch a new one');
}

/**
 * Verifies a bearer token with one pinned algorithm; refusals are `unauthorized` or `token_expired`.
 */
export function createTokenVerifier(options: TokenVerifierOptions): (token: string) => Identity {
  const { algorithm, key } = pinAlgorithm(options);
  return (token) => verifyToken(token, algorithm, key, options);
}

/**
 * Remembers the tokens that `verify` accepted, by their exact text (the same text carries the same
 * signature and claims), so that an HTTP client's every request does not pay for the signature
 * and the claims' schema again: ~5% of the server's CPU on the history routes. The expiry is still
 * checked on each use, as jsonwebtoken does (expired once `now >= exp`); refusals are not
 * remembered; past `size` tokens the oldest is dropped. Not for sockets: each verifies once, and
 * keeping its token would cost memory per connection.
 */
export function rememberVerified(
  verify: (token: string) => Identity,
  size = 10_000,
): (token: string) => Identity {
  const verified = new Map<string, Identity>();
  return (token) => {
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known;
      verified.delete(token);
      throw expired();
    }
    const identity = verify(token);
    if (verified.size >= size) verified.delete(verified.keys().next().value!);
    verified.set(token, identity);
    return identity;
  };
}

function verifyToken(
  token: string,
  algorithm: Algorithm,
  key: string | KeyObject,
  options: TokenVerifierOptions,
): Identity {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new ChatServerError(
      'unauthorized',
      `Token is longer than ${MAX_TOKEN_LENGTH} characters`,
    );
  }
  let payload: unknown;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [algorithm],
      issuer: options.issuer,
      audience: options.audience,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw expired();
    const reason = error instanceof Error ? error.message : 'invalid token';
    throw new ChatServerError('unauthorized', `Invalid token: ${reason}`);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    throw new ChatServerError('unauthorized', `Invalid token: ${claims.error.issues[0]?.message}`);
  }
  // Shared by every request that shows this token (rememberVerified): nothing may change it.
  return Object.freeze({
    userId: claims.data.sub,
    name: claims.data.name,
    avatarUrl: claims.data.picture,
    expiresAt: claims.data.exp * 1000,
  });
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string {
  const match = header ? /^Bearer ([^\s]+)$/i.exec(header) : null;
  if (!match)
    throw new ChatServerError('unauthorized', 'Missing Authorization: Bearer <token> header');
  return match[1]!;
}
