// @ts-check
/**
 * A Rollup/Vite plugin that swaps the SDK's socket factory (`sdk/src/socket-factory.ts`, which
 * uses socket.io-client) for the lite one (`socket-factory-lite.ts`, Socket.IO over the
 * platform's WebSocket). Used by the script-tag widget, `@parley/sdk/lite` and the SDK suite's
 * lite run (`sdk/vitest.lite.config.ts`).
 */
import { fileURLToPath } from 'node:url';

const heavy = fileURLToPath(new URL('../src/socket-factory.ts', import.meta.url));
const lite = fileURLToPath(new URL('../src/socket-factory-lite.ts', import.meta.url));

/** @returns {import('rollup').Plugin & { enforce: 'pre' }} */
export function liteSocket() {
  return {
    name: 'parley-lite-socket',
    // Vite: before its own resolver, which would otherwise answer first.
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.includes('socket-factory')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === heavy ? lite : null;
    },
  };
}
