import { defineConfig } from 'vitest/config';

// Security suites measure latency under floods: one file at a time, so they do not skew each other.
export default defineConfig({
  test: {
    include: ['reliability/security/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
