/**
 * The example's one command: starts a chat server (not in demo mode) and the host app's backend,
 * sharing one HS256 secret through the environment, as two real deployments would.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHostApp } from './server.js';

const hostPort = Number(process.env.HOST_APP_PORT ?? 4000);
const chatPort = Number(process.env.CHAT_PORT ?? 3001);
const hostOrigin = `http://127.0.0.1:${hostPort}`;
const chatUrl = `http://127.0.0.1:${chatPort}`;
// In production: one secret in your secret store, given to both services.
const secret = process.env.CHAT_JWT_SECRET ?? randomBytes(32).toString('hex');

const bin = fileURLToPath(new URL('../../reference-server/dist/bin.js', import.meta.url));
if (!existsSync(bin)) {
  console.error('The chat server is not built: run `npm run build` at the repository root.');
  process.exit(1);
}

const chat = spawn(process.execPath, [bin], {
  env: {
    ...process.env,
    PORT: String(chatPort),
    CHAT_JWT_SECRET: secret,
    // The browser page lives on the host app's origin: the chat server must allow it.
    CHAT_ALLOWED_ORIGINS: hostOrigin,
    CHAT_DB_PATH: process.env.CHAT_DB_PATH ?? ':memory:',
    CHAT_LOG_LEVEL: process.env.CHAT_LOG_LEVEL ?? 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
chat.on('exit', (code) => {
  if (code) console.error(`The chat server stopped (exit code ${code}).`);
  process.exit(code ?? 0);
});

await new Promise<void>((resolve) => {
  let out = '';
  chat.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (out.length < 4096) out += chunk.toString();
    if (out.includes('listening on ')) resolve();
  });
});

const app = await createHostApp({ chatUrl, jwtSecret: secret, port: hostPort });
console.log(`chat server on ${chatUrl}, allowing ${hostOrigin}`);
console.log(
  `host app on ${app.url}: open it, sign in with any name, and again in a private window`,
);

const stop = () => {
  void app.close();
  chat.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
