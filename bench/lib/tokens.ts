import jwt from 'jsonwebtoken';

/** HS256 secret shared by the bench's server runner and load generators (loopback only). */
export const BENCH_JWT_SECRET = 'parley-bench-secret-that-is-at-least-32-bytes';

export function benchToken(userId: string, name?: string): string {
  return jwt.sign(name ? { sub: userId, name } : { sub: userId }, BENCH_JWT_SECRET, {
    algorithm: 'HS256',
    expiresIn: 3 * 3600,
  });
}
