// fastifyRawBody and toFastifyHandler on a real Fastify 5 app, over HTTP on 127.0.0.1.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred, echo, messageOf, parseEcho, send, sha256Hex, trickyBodies } from '../__fixtures__/node-http.js';
import { isAuthError } from '../errors/errors.js';
import { fastifyRawBody, fastifyToWebRequest, toFastifyHandler } from './index.node.js';

const apps: FastifyInstance[] = [];
async function start(app: FastifyInstance): Promise<string> {
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/octet-stream',
];

describe('Fastify 5', () => {
  it('keeps the exact bytes for every content type, in the scope that registers fastifyRawBody only', async () => {
    const app = Fastify();
    await app.register(async (webhooks) => {
      await webhooks.register(fastifyRawBody);
      webhooks.post('/webhooks/snap', toFastifyHandler(echo));
    });
    app.post('/api/orders', async (request) => ({ parsed: request.body }));
    const url = await start(app);
    for (const type of contentTypes) {
      for (const bytes of Object.values(trickyBodies)) {
        const sent = await send(url, { path: '/webhooks/snap', headers: [['content-type', type]], body: bytes });
        expect(sent.status, type).toBe(200);
        expect(parseEcho(sent).sha256, type).toBe(await sha256Hex(bytes));
      }
    }
    const noType = await send(url, { path: '/webhooks/snap', body: trickyBodies['not UTF-8'] as Uint8Array });
    expect(parseEcho(noType).sha256).toBe(await sha256Hex(trickyBodies['not UTF-8'] as Uint8Array));
    const chunked = await send(url, {
      path: '/webhooks/snap',
      headers: [['content-type', 'application/json']],
      chunks: [new Uint8Array([0x7b, 0x0d]), new Uint8Array([0x0a, 0x7d])],
      delayMs: 5,
    });
    expect(parseEcho(chunked).sha256).toBe(await sha256Hex(new Uint8Array([0x7b, 0x0d, 0x0a, 0x7d])));
    // Outside that scope Fastify's JSON parser is untouched.
    const orders = await send(url, {
      path: '/api/orders',
      headers: [['content-type', 'application/json']],
      body: '{"a":1}',
    });
    expect(JSON.parse(orders.body.toString())).toEqual({ parsed: { a: 1 } });
  });

  it('passes method, full URL, repeated headers; GET and HEAD have no body', async () => {
    const app = Fastify();
    await app.register(fastifyRawBody);
    app.route({ method: ['GET', 'HEAD', 'POST'], url: '/v1/*', handler: toFastifyHandler(echo) });
    const url = await start(app);
    const post = await send(url, {
      path: '/v1/notify?x=1',
      headers: [
        ['x-multi', 'a'],
        ['x-multi', 'b'],
      ],
      body: '{}',
    });
    expect(parseEcho(post)).toMatchObject({ method: 'POST', url: `${url}/v1/notify?x=1`, length: 2 });
    expect(parseEcho(post).headers['x-multi']).toBe('a, b');
    const get = await send(url, { method: 'GET', path: '/v1/status' });
    expect(parseEcho(get)).toMatchObject({ method: 'GET', hasBody: false });
    const head = await send(url, { method: 'HEAD', path: '/v1/status' });
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    const empty = await send(url, { path: '/v1/empty', headers: [['content-type', 'application/json']], body: '' });
    expect(parseEcho(empty)).toMatchObject({ hasBody: false, length: 0 });
  });

  it('sends the Response through Fastify: status, repeated Set-Cookie, a streamed body', async () => {
    const app = Fastify();
    app.get(
      '/session',
      toFastifyHandler(() => {
        const headers = new Headers({ 'content-type': 'application/octet-stream' });
        headers.append('set-cookie', 'a=1; HttpOnly');
        headers.append('set-cookie', 'b=2');
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array([0xff, 0x00]));
            controller.enqueue(new Uint8Array([0x80]));
            controller.close();
          },
        });
        return new Response(body, { status: 207, headers });
      }),
    );
    const url = await start(app);
    const sent = await send(url, { method: 'GET', path: '/session' });
    expect(sent.status).toBe(207);
    expect(sent.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2']);
    expect(sent.body.equals(Buffer.from([0xff, 0x00, 0x80]))).toBe(true);
  });

  it('body limit (413) and deadline (408) of fastifyRawBody', async () => {
    const handler = vi.fn(echo);
    const app = Fastify();
    await app.register(fastifyRawBody, { maxBodyBytes: 100, bodyTimeoutMs: 200 });
    app.post('/hook', toFastifyHandler(handler));
    const url = await start(app);
    expect((await send(url, { path: '/hook', body: 'x'.repeat(101) })).status).toBe(413);
    const chunkedTooLarge = await send(url, {
      path: '/hook',
      chunks: [new Uint8Array(60), new Uint8Array(60)],
      delayMs: 5,
      end: false,
    });
    expect(chunkedTooLarge.status).toBe(413);
    expect((await send(url, { path: '/hook', body: 'x'.repeat(100) })).status).toBe(200);
    const started = performance.now();
    const slow = await send(url, {
      path: '/hook',
      headers: [['content-length', '50']],
      chunks: [new Uint8Array([1]), new Uint8Array([2])],
      delayMs: 20,
      end: false,
    });
    expect(slow.status).toBe(408);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("without fastifyRawBody the parsed body is refused: a detail-free 500, or Fastify's error handler with forwardErrors", async () => {
    const onError = vi.fn();
    const seen: unknown[] = [];
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      seen.push(error);
      return reply.code(503).send({ handled: isAuthError(error) ? error.code : 'other' });
    });
    app.post('/hook', toFastifyHandler(echo, { onError }));
    app.post('/forward', toFastifyHandler(echo, { forwardErrors: true }));
    const url = await start(app);
    const sent = await send(url, { path: '/hook', headers: [['content-type', 'application/json']], body: '{"a":1}' });
    expect(sent.status).toBe(500);
    expect(sent.body.toString()).toBe('Internal Server Error');
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'body' });
    expect(messageOf(onError.mock.calls[0]?.[0])).toContain('fastifyRawBody');
    const forwarded = await send(url, {
      path: '/forward',
      headers: [['content-type', 'application/json']],
      body: '{"a":1}',
    });
    expect(forwarded.status).toBe(503);
    expect(JSON.parse(forwarded.body.toString())).toEqual({ handled: 'ERR_INVALID_INPUT' });
  });

  it('a throwing handler: 500 without details, onError told; forwardErrors throws to Fastify', async () => {
    const onError = vi.fn();
    const app = Fastify();
    await app.register(fastifyRawBody);
    const failing = () => {
      throw new Error('secret detail');
    };
    app.post('/hook', toFastifyHandler(failing, { onError }));
    app.post('/forward', toFastifyHandler(failing, { forwardErrors: true }));
    app.post(
      '/not-a-response',
      toFastifyHandler(() => 'text' as never),
    );
    const url = await start(app);
    const sent = await send(url, { path: '/hook', body: '{}' });
    expect(sent.status).toBe(500);
    expect(sent.body.toString()).not.toContain('secret detail');
    expect(messageOf(onError.mock.calls[0]?.[0])).toBe('secret detail');
    expect((await send(url, { path: '/forward', body: '{}' })).status).toBe(500);
    expect((await send(url, { path: '/not-a-response', body: '{}' })).status).toBe(500);
  });

  it('answers 400 for a bad Host header', async () => {
    const app = Fastify();
    app.get('/hook', toFastifyHandler(echo));
    const url = await start(app);
    const sent = await send(url, { method: 'GET', path: '/hook', headers: [['host', 'a b']] });
    expect(sent.status).toBe(400);
  });

  it('fastifyToWebRequest in an ordinary route, with trustProxy', async () => {
    const app = Fastify();
    await app.register(fastifyRawBody);
    app.post('/manual', async (request, reply) => {
      const webRequest = fastifyToWebRequest(request, { trustProxy: true });
      return reply.send(await echo(webRequest));
    });
    const url = await start(app);
    const sent = await send(url, {
      path: '/manual',
      headers: [
        ['x-forwarded-proto', 'https'],
        ['x-forwarded-host', 'shop.example'],
      ],
      body: ' {"a": 1} ',
    });
    expect(parseEcho(sent)).toMatchObject({
      url: 'https://shop.example/manual',
      sha256: await sha256Hex(' {"a": 1} '),
    });
  });

  it('refuses invalid plugin options and a handler that is not a function', async () => {
    const app = Fastify();
    await expect(app.register(fastifyRawBody, { maxBodyBytes: -1 })).rejects.toThrow(TypeError);
    expect(() => toFastifyHandler('x' as never)).toThrow(TypeError);
  });

  it('aborts request.signal when the client leaves while the handler runs', async () => {
    const aborted = deferred<void>();
    const requests: Request[] = [];
    const app = Fastify();
    app.get(
      '/wait',
      toFastifyHandler(
        (request) =>
          new Promise<Response>((_resolve, reject) => {
            requests.push(request);
            request.signal.addEventListener('abort', () => {
              aborted.resolve();
              reject(new Error('stopped'));
            });
          }),
      ),
    );
    const url = await start(app);
    await send(url, { method: 'GET', path: '/wait', abortAfterMs: 50 }).catch(() => {});
    await aborted.promise;
    expect(requests[0]?.signal.aborted).toBe(true);
  });
});

describe('Fastify: odd requests', () => {
  it('a GET with a body hands on no body; a client leaving mid-body never reaches the handler', async () => {
    const handler = vi.fn(echo);
    const app = Fastify();
    await app.register(fastifyRawBody);
    app.get('/status', toFastifyHandler(handler));
    app.post('/hook', toFastifyHandler(handler));
    const url = await start(app);
    const get = await send(url, {
      method: 'GET',
      path: '/status',
      headers: [['content-type', 'text/plain']],
      body: 'x',
    });
    expect(parseEcho(get)).toMatchObject({ method: 'GET', hasBody: false });
    await send(url, {
      path: '/hook',
      headers: [['content-length', '100']],
      body: 'partial',
      end: false,
      abortAfterMs: 50,
    }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
