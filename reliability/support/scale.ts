/**
 * The CI share and the soak run the same tests; `CHAOS_SOAK=1` scales them up to the figures of
 * issue 7 (20 clients, 60 s, 10 crashes), the default keeps `npm test` within its time budget.
 */
export const SOAK = process.env.CHAOS_SOAK === '1';

export function scaled<T>(ci: T, soak: T): T {
  return SOAK ? soak : ci;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, or throws with `label` after `ms`: a bounded wait, never a hang. */
export async function until(
  check: () => boolean | Promise<boolean>,
  label: string,
  ms: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${label}`);
    await sleep(everyMs);
  }
}

/** The p-th percentile (0..100) of a sample, by nearest rank. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
