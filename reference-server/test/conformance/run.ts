/**
 * `npm run conformance -- --url http://host:port --jwt-secret <secret>`: runs the black-box
 * contract suite against any backend. The suite creates users with random ids, so it can run
 * against a backend that already holds data.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { url: { type: 'string' }, 'jwt-secret': { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help || !values.url || !(values['jwt-secret'] ?? process.env.CONFORMANCE_JWT_SECRET)) {
  process.stdout.write(
    'Usage: npm run conformance -- --url http://127.0.0.1:3000 --jwt-secret <HS256 secret>\n' +
      '(or CONFORMANCE_JWT_SECRET in the environment, which keeps the secret out of `ps`)\n',
  );
  process.exit(values.help ? 0 : 2);
}
const root = fileURLToPath(new URL('../../..', import.meta.url));
const result = spawnSync('npx', ['vitest', 'run', 'reference-server/test/conformance'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    CONFORMANCE_URL: values.url,
    CONFORMANCE_JWT_SECRET: values['jwt-secret'] ?? process.env.CONFORMANCE_JWT_SECRET,
  },
});
process.exit(result.status ?? 1);
