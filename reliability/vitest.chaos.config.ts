import { defineConfig } from 'vitest/config';

// Chaos suites kill and restart real server processes: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    include: ['reliability/chaos/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
