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
    const { server, serve } = createHttpServer();
    serve(app);
    const born: boolean[] = [];
    // Runs before Express sees the objects: what Node created them with.
    server.prependListener('request', (req, res) => {
      born.push(
        Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response,
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
    expect(born).toEqual([true, true, true]);
  });
});
