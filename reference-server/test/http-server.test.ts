import { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/http/http-server.js';

describe('createHttpServer', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("creates requests and responses with the app's prototypes, so Express need not swap them", async () => {
    const app = express();
    app.get('/echo', (req, res) => {
      res.json({ path: req.path, query: req.query });
    });
    // A body read through the request's stream, and a response streamed in chunks.
    app.post('/echo', express.json(), (req, res) => {
      res.write('{"body":');
      res.end(`${JSON.stringify(req.body)}}`);
    });
    const { server, serve } = createHttpServer(30_000);
    serve(app);
    const born: boolean[] = [];
    // Runs before Express sees the objects: what Node created them with.
    server.prependListener('request', (req, res) => {
      born.push(
        Object.getPrototypeOf(req) === app.request &&
          Object.getPrototypeOf(res) === app.response &&
          req instanceof IncomingMessage &&
          res instanceof ServerResponse,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;

    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/echo?x=${i}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ path: '/echo', query: { x: String(i) } });
    }
    const posted = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'é'.repeat(5000) }),
    });
    expect(posted.headers.get('transfer-encoding')).toBe('chunked');
    expect(await posted.json()).toEqual({ body: { text: 'é'.repeat(5000) } });
    expect(born).toEqual([true, true, true, true]);
  });
});
