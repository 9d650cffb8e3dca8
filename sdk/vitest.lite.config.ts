/**
 * The SDK suite again, with the lite socket (`sdk/src/lite-socket/`) in place of socket.io-client,
 * as in the script-tag widget: `npm run test:sdk-lite`.
 */
import { defineConfig } from 'vitest/config';
import { liteSocket } from './build/lite-socket-plugin.mjs';

export default defineConfig({
  plugins: [liteSocket()],
  test: {
    include: ['sdk/test/**/*.test.ts'],
    // The lite client's own tests already run in the default suite.
    exclude: ['sdk/test/lite-socket/**'],
    setupFiles: ['sdk/test/support/node-web-socket.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
