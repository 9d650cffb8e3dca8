import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'sdk/test/**/*.test.ts',
      'reference-server/test/**/*.test.ts',
      'examples/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
