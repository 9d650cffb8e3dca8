/**
 * A seeded random source, so that a failing chaos run can be replayed: every suite prints its
 * seed, and `CHAOS_SEED=<n>` runs the same schedule of faults again (timing still varies).
 */
export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(
  seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31),
): Random {
  let state = seed >>> 0;
  // mulberry32: small, fast and good enough to pick faults.
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}
