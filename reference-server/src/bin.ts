#!/usr/bin/env node
import { createChatServer } from './chat-server.js';
import { ConfigError } from './config.js';
import { DEMO_PAGES } from './http/app.js';
import { parseCli, USAGE } from './cli.js';

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const server = await createChatServer(parsed.options);
  if (parsed.options.demo) {
    process.stdout.write(
      'DEMO MODE: the server mints tokens for any user. Never expose it; a real app signs tokens in its own backend.\n' +
        `Open ${server.url}/ in two browser windows and pick a different user in each.\n` +
        DEMO_PAGES.map((page) => `Example host page: ${server.url}/examples/${page}/\n`).join(''),
    );
  }
  process.stdout.write(`listening on ${server.url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `chat-server: ${error instanceof ConfigError ? '' : 'cannot start: '}${message}\n`,
  );
  process.exit(1);
});
