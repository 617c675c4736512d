// Hono needs no adapter (its handlers get a Web Request): the same Web handler on Hono served by
// @hono/node-server keeps the exact bytes, and a Hono app mounts in Express through toNodeHandler.
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  echo,
  type Listening,
  listen,
  listenOn,
  parseEcho,
  send,
  sha256Hex,
  trickyBodies,
} from '../__fixtures__/node-http.js';
import { toNodeHandler } from './index.node.js';

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('Hono', () => {
  it('hands c.req.raw, with the exact bytes, to the Web handler (served by @hono/node-server)', async () => {
    const app = new Hono();
    app.post('/webhooks/snap', (c) => echo(c.req.raw));
    const server = await listenOn(createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' }) as never);
    servers.push(server);
    for (const bytes of Object.values(trickyBodies)) {
      const sent = await send(server.url, {
        path: '/webhooks/snap',
        headers: [['content-type', 'application/json']],
        body: bytes,
      });
      expect(parseEcho(sent).sha256).toBe(await sha256Hex(bytes));
    }
  });

  it('a Hono app mounted in Express with toNodeHandler(app.fetch)', async () => {
    const hono = new Hono().basePath('/hono');
    hono.post('/hook', (c) => echo(c.req.raw));
    hono.get('/cookies', (c) => {
      c.header('set-cookie', 'a=1', { append: true });
      c.header('set-cookie', 'b=2', { append: true });
      return c.text('ok', 201);
    });
    const app = express();
    app.use('/hono', toNodeHandler(hono.fetch));
    const server = await listen(app);
    servers.push(server);
    const bytes = trickyBodies['pretty JSON with CRLF and a BOM'] as Uint8Array;
    const sent = await send(server.url, { path: '/hono/hook?x=1', body: bytes });
    expect(parseEcho(sent)).toMatchObject({ url: `${server.url}/hono/hook?x=1`, sha256: await sha256Hex(bytes) });
    const cookies = await send(server.url, { method: 'GET', path: '/hono/cookies' });
    expect(cookies.status).toBe(201);
    expect(cookies.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(cookies.body.toString()).toBe('ok');
  });
});
