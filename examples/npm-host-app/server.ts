/**
 * The host app's own backend: a fake sign-in (any name, no password) kept in a cookie session, and
 * the one endpoint a real app adds for the chat, `POST /api/chat-token`, which signs a short-lived
 * JWT for the signed-in user. The secret stays here, on the server: the browser only ever sees
 * tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';

export interface HostAppOptions {
  /** The chat server the browser connects to, e.g. `http://127.0.0.1:3001`. */
  chatUrl: string;
  /** The HS256 secret shared with the chat server (its `CHAT_JWT_SECRET`). Never sent out. */
  jwtSecret: string;
  port?: number;
  host?: string;
  /** Lifetime of a chat token in seconds; the SDK asks for a new one before it expires. */
  tokenTtlSeconds?: number;
}

export interface HostApp {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface SessionUser {
  id: string;
  name: string;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: here('./public/index.html'), type: 'text/html; charset=utf-8' },
  '/style.css': { path: here('./public/style.css'), type: 'text/css; charset=utf-8' },
  '/app.js': { path: here('./dist/app.js'), type: 'text/javascript; charset=utf-8' },
};

/** `Zoë Smith` → `zoe-smith`; a real app has real user ids. */
function userIdFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
  return slug || `user-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) throw new Error('body too large');
  }
  const value: unknown = text ? JSON.parse(text) : {};
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function sessionId(req: IncomingMessage): string | undefined {
  return /(?:^|;\s*)sid=([a-f0-9]{64})/.exec(req.headers.cookie ?? '')?.[1];
}

/**
 * Starts the host app's backend.
 *
 * @example
 * const app = await createHostApp({ chatUrl: 'http://127.0.0.1:3001', jwtSecret, port: 4000 });
 */
export async function createHostApp(options: HostAppOptions): Promise<HostApp> {
  const { chatUrl, jwtSecret, tokenTtlSeconds = 15 * 60 } = options;
  const sessions = new Map<string, SessionUser>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    const user = sessions.get(sessionId(req) ?? '');

    if (req.method === 'GET' && FILES[path]) {
      const file = FILES[path];
      try {
        res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
        res.end(await readFile(file.path));
      } catch {
        send(res, 500, { error: `${path} is missing: run \`npm run build -w examples\`` });
      }
      return;
    }
    if (req.method === 'GET' && path === '/api/session') {
      // The page learns where the chat server is from its own backend: one place to configure.
      return send(res, 200, { user: user ?? null, chatUrl });
    }
    if (req.method === 'POST' && path === '/api/sign-in') {
      const { name } = await readJson(req);
      if (typeof name !== 'string' || !name.trim() || name.length > 100) {
        return send(res, 400, { error: 'Give a name of 1 to 100 characters' });
      }
      const sid = randomBytes(32).toString('hex');
      const signedIn = { id: userIdFor(name.trim()), name: name.trim() };
      sessions.set(sid, signedIn);
      return send(
        res,
        200,
        { user: signedIn, chatUrl },
        {
          'set-cookie': `sid=${sid}; HttpOnly; SameSite=Strict; Path=/`,
        },
      );
    }
    if (req.method === 'POST' && path === '/api/sign-out') {
      sessions.delete(sessionId(req) ?? '');
      return send(res, 200, { ok: true }, { 'set-cookie': 'sid=; Max-Age=0; Path=/' });
    }
    if (req.method === 'POST' && path === '/api/chat-token') {
      // The whole integration on the server side: who is signed in decides whose token it is.
      if (!user) return send(res, 401, { error: 'Not signed in' });
      const token = jwt.sign({ sub: user.id, name: user.name }, jwtSecret, {
        algorithm: 'HS256',
        expiresIn: tokenTtlSeconds,
      });
      return send(res, 200, { token }, { 'cache-control': 'no-store' });
    }
    send(res, 404, { error: 'Not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 400, { error: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
