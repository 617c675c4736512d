// toNodeHandler mounted on a real Express 5 app, over HTTP on 127.0.0.1.
import express, { type ErrorRequestHandler } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  echo,
  type Listening,
  listen,
  messageOf,
  parseEcho,
  send,
  sha256Hex,
  trickyBodies,
} from '../__fixtures__/node-http.js';
import { isAuthError } from '../errors/errors.js';
import { toNodeHandler, toWebRequest, writeWebResponse } from './index.node.js';

const servers: Listening[] = [];
async function start(app: express.Express): Promise<Listening> {
  const server = await listen(app);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('Express 5', () => {
  it('a route mounted before express.json() gets the exact bytes; the rest of the app still parses JSON', async () => {
    const app = express();
    app.post('/webhooks/snap', toNodeHandler(echo));
    app.use(express.json());
    app.post('/api/orders', (req, res) => {
      res.json({ parsed: req.body });
    });
    const server = await start(app);
    for (const bytes of Object.values(trickyBodies)) {
      const sent = await send(server.url, {
        path: '/webhooks/snap',
        headers: [['content-type', 'application/json']],
        body: bytes,
      });
      expect(sent.status).toBe(200);
      expect(parseEcho(sent).sha256).toBe(await sha256Hex(bytes));
    }
    const orders = await send(server.url, {
      path: '/api/orders',
      headers: [['content-type', 'application/json']],
      body: '{"a":1}',
    });
    expect(JSON.parse(orders.body.toString())).toEqual({ parsed: { a: 1 } });
  });

  it('keeps the full path under a mounted router (originalUrl), with the query', async () => {
    const app = express();
    const router = express.Router();
    router.post('/v1.0/transfer-va/payment', toNodeHandler(echo));
    app.use('/snap', router);
    const server = await start(app);
    const sent = await send(server.url, { path: '/snap/v1.0/transfer-va/payment?trace=1', body: '{}' });
    expect(parseEcho(sent).url).toBe(`${server.url}/snap/v1.0/transfer-va/payment?trace=1`);
  });

  it('express.json() mounted first: a detail-free 500, and onError gets the typed error saying what to change', async () => {
    const onError = vi.fn();
    const handler = vi.fn(echo);
    const app = express();
    app.use(express.json());
    app.post('/webhooks/snap', toNodeHandler(handler, { onError }));
    const server = await start(app);
    const sent = await send(server.url, {
      path: '/webhooks/snap',
      headers: [['content-type', 'application/json']],
      body: '{"amount":"10.00"}',
    });
    expect(sent.status).toBe(500);
    expect(sent.body.toString()).toBe('Internal Server Error');
    expect(handler).not.toHaveBeenCalled();
    const error = onError.mock.calls[0]?.[0];
    expect(isAuthError(error, 'ERR_INVALID_INPUT')).toBe(true);
    expect(error).toMatchObject({ name: 'InputError', field: 'body' });
    expect(messageOf(error)).toMatch(/express\.json\(\).*Mount this route before express\.json\(\)/s);
    expect(messageOf(error)).toContain('express.raw');
    // A body express.json() does not parse (another content type) is still read as bytes.
    const text = await send(server.url, {
      path: '/webhooks/snap',
      headers: [['content-type', 'text/plain']],
      body: '{"amount":"10.00"}',
    });
    expect(parseEcho(text).sha256).toBe(await sha256Hex('{"amount":"10.00"}'));
  });

  it('forwardErrors hands the error to the error middleware through next(error)', async () => {
    const seen: unknown[] = [];
    const app = express();
    app.use(express.json());
    app.post('/webhooks/snap', toNodeHandler(echo, { forwardErrors: true }));
    app.post(
      '/throws',
      toNodeHandler(
        () => {
          throw new Error('handler failed');
        },
        { forwardErrors: true },
      ),
    );
    const onError: ErrorRequestHandler = (error, _req, res, _next) => {
      seen.push(error);
      res.status(503).json({ handled: isAuthError(error) ? error.code : 'other' });
    };
    app.use(onError);
    const server = await start(app);
    const parsed = await send(server.url, {
      path: '/webhooks/snap',
      headers: [['content-type', 'application/json']],
      body: '{}',
    });
    expect(parsed.status).toBe(503);
    expect(JSON.parse(parsed.body.toString())).toEqual({ handled: 'ERR_INVALID_INPUT' });
    const thrown = await send(server.url, { path: '/throws', body: '' });
    expect(JSON.parse(thrown.body.toString())).toEqual({ handled: 'other' });
    expect(messageOf(seen[1])).toBe('handler failed');
  });

  it('takes the Buffer that express.raw() leaves in req.body as the exact bytes', async () => {
    const app = express();
    app.post('/webhooks/snap', express.raw({ type: '*/*' }), toNodeHandler(echo));
    const server = await start(app);
    const bytes = trickyBodies['not UTF-8'] as Uint8Array;
    const sent = await send(server.url, {
      path: '/webhooks/snap',
      headers: [['content-type', 'application/octet-stream']],
      body: bytes,
    });
    expect(parseEcho(sent)).toMatchObject({ length: bytes.byteLength, sha256: await sha256Hex(bytes) });
  });

  it('refuses what express.text() decoded', async () => {
    const onError = vi.fn();
    const app = express();
    app.post('/webhooks/snap', express.text({ type: '*/*' }), toNodeHandler(echo, { onError }));
    const server = await start(app);
    const sent = await send(server.url, {
      path: '/webhooks/snap',
      headers: [['content-type', 'text/plain']],
      body: 'abc',
    });
    expect(sent.status).toBe(500);
    expect(messageOf(onError.mock.calls[0]?.[0])).toContain('text parser');
  });

  it('limits and deadlines hold inside Express too', async () => {
    const app = express();
    app.post('/small', toNodeHandler(echo, { maxBodyBytes: 16 }));
    app.post('/slow', toNodeHandler(echo, { bodyTimeoutMs: 200 }));
    const server = await start(app);
    expect((await send(server.url, { path: '/small', body: 'x'.repeat(17) })).status).toBe(413);
    expect((await send(server.url, { path: '/small', body: 'x'.repeat(16) })).status).toBe(200);
    const slow = await send(server.url, {
      path: '/slow',
      headers: [['content-length', '10']],
      chunks: [new Uint8Array([1]), new Uint8Array([2])],
      delayMs: 20,
      end: false,
    });
    expect(slow.status).toBe(408);
  });

  it('a GET route, response headers set by Express middleware, and repeated Set-Cookie', async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader('x-frame-options', 'DENY');
      next();
    });
    app.get(
      '/session',
      toNodeHandler(() => {
        const headers = new Headers({ 'content-type': 'text/plain' });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return new Response('hello', { status: 202, headers });
      }),
    );
    const server = await start(app);
    const sent = await send(server.url, { method: 'GET', path: '/session' });
    expect(sent.status).toBe(202);
    expect(sent.headers['x-frame-options']).toBe('DENY');
    expect(sent.headers['x-powered-by']).toBe('Express');
    expect(sent.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(sent.body.toString()).toBe('hello');
  });

  it('toWebRequest and writeWebResponse can be used inside an ordinary Express route', async () => {
    const app = express();
    app.put('/manual', async (req, res) => {
      const request = await toWebRequest(req);
      await writeWebResponse(res, await echo(request));
    });
    const server = await start(app);
    const sent = await send(server.url, { method: 'PUT', path: '/manual', body: '{ "x" : 1 }' });
    expect(parseEcho(sent)).toMatchObject({ method: 'PUT', sha256: await sha256Hex('{ "x" : 1 }') });
  });
});
