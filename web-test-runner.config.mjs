// Browser tests of the widget, in headless Chromium, against the real reference server.
// Run through tsx (`npm run test:widget`) so that the server's TypeScript can be imported here.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import jwt from 'jsonwebtoken';
import { createChatServer } from './reference-server/src/index.ts';

const port = Number(process.env.WTR_PORT ?? 8765);
const origin = `http://localhost:${port}`;

/**
 * Starts a reference server (demo mode, in-memory database, the test page's origin allowed) for
 * the run, and serves the test page what it needs: `/__parley/config` (the server URL) and
 * `/__parley/token?sub=&name=&picture=` (a token signed with the demo secret, so that tests can
 * use any display name). It also points `@parley/sdk` at the SDK's sources, so that the tests
 * need no build.
 */
function parleyServer() {
  let server;
  return {
    name: 'parley-server',
    async serverStart() {
      server = await createChatServer({
        port: 0,
        host: '127.0.0.1',
        db: ':memory:',
        demo: true,
        origins: [origin],
        logLevel: 'silent',
        offlineGraceMs: 300,
        rateLimits: { messages: 0, typing: 0, requests: 0, handshakes: 0 },
      });
    },
    async serverStop() {
      await server?.close();
    },
    serve(context) {
      if (context.path === '/__parley/config') {
        return { body: JSON.stringify({ serverUrl: server.url }), type: 'json' };
      }
      if (context.path === '/__parley/csp.html') {
        // A page under a strict policy: no inline script or style, no eval, Trusted Types.
        const ws = server.url.replace('http', 'ws');
        return {
          body: '<!doctype html><script type="module" src="/widget/test/csp-page.ts"></script>',
          type: 'html',
          headers: {
            'content-security-policy': `default-src 'self'; connect-src 'self' ${server.url} ${ws}; require-trusted-types-for 'script'`,
          },
        };
      }
      if (context.path === '/__parley/token') {
        const q = context.query;
        const claims = { sub: String(q.sub), name: q.name ? String(q.name) : undefined };
        if (q.picture) claims.picture = String(q.picture);
        const token = jwt.sign(claims, server.demoSecret, { algorithm: 'HS256', expiresIn: 3600 });
        return { body: JSON.stringify({ token }), type: 'json' };
      }
      return undefined;
    },
    resolveImport({ source }) {
      if (source === '@parley/sdk') return '/sdk/src/index.ts';
      return undefined;
    },
  };
}

export default {
  rootDir: '.',
  files: ['widget/src/**/*.test.ts'],
  port,
  hostname: 'localhost',
  nodeResolve: { browser: true, exportConditions: ['browser'] },
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [
    parleyServer(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './widget/tsconfig.json' }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      },
    }),
  ],
};
