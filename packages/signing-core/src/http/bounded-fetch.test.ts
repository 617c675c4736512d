// createBoundedFetch on its own (as the Fondy `fetch` uses it), against real HTTP on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../errors/errors.js';
import { type HostileServer, hostile, startHostileServer } from '../testing/hostile.node.js';
import { createBoundedFetch, readBodyBounded } from './bounded-fetch.js';

let server: HostileServer;
let other: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
  other = await startHostileServer();
});
afterAll(() => Promise.all([server.close(), other.close()]));
afterEach(() => {
  server.reset();
  other.reset();
});

const bounded = (options: Partial<Parameters<typeof createBoundedFetch>[0]> = {}) =>
  createBoundedFetch({ provider: 'test', timeoutMs: 300, maxResponseBytes: 64 * 1024, ...options });

describe('createBoundedFetch', () => {
  it('returns the whole body, already read, with status, headers and url', async () => {
    server.handle = hostile.json(201, { ok: true }, { 'x-request-id': 'r-1' });
    const response = await bounded()(`${server.origin}/pay`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(response.url).toBe(`${server.origin}/pay`);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('keeps a null body for 204', async () => {
    server.handle = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const response = await bounded()(`${server.origin}/x`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('its own deadline covers the body: a stall and a drip end in ERR_TIMEOUT', async () => {
    for (const fault of [hostile.stallAfterHeaders, hostile.drip(40)]) {
      server.handle = fault;
      const started = performance.now();
      await expect(bounded()(`${server.origin}/x`)).rejects.toMatchObject({
        name: 'TransportError',
        code: 'ERR_TIMEOUT',
      });
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it("the caller's abort wins over the deadline and is passed on as it is", async () => {
    server.handle = hostile.stallAfterHeaders;
    const controller = new AbortController();
    const pending = bounded({ timeoutMs: 5_000 })(`${server.origin}/x`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it("sends a request that already says redirect: 'manual' as it is, also with ky's empty init", async () => {
    server.handle = hostile.json(200, { ok: true });
    const seen: { input: unknown; init: RequestInit | undefined }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ input, init });
      return fetch(input, init);
    };
    const send = bounded({ fetch: spy, timeoutMs: 0 });
    const request = new Request(`${server.origin}/ky`, { method: 'POST', body: '{}', redirect: 'manual' });
    expect(await (await send(request, {})).json()).toEqual({ ok: true });
    expect(seen[0]?.input).toBe(request);
    expect(Object.keys(seen[0]?.init ?? {})).toEqual([]);
    // Anything to add (here a signal of its own) goes to the runtime with the request.
    const own = new Request(`${server.origin}/own`, { redirect: 'manual' });
    expect((await bounded({ fetch: spy })(own, {})).status).toBe(200);
    expect(seen[1]?.init).toMatchObject({ redirect: 'manual', signal: expect.any(AbortSignal) });
  });

  it('refuses a declared length over the limit before reading, and an undeclared one while reading', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'content-length': String(1024 * 1024) });
      res.end(Buffer.alloc(1024 * 1024));
    };
    await expect(bounded()(`${server.origin}/x`)).rejects.toMatchObject({ code: 'ERR_RESPONSE_TOO_LARGE' });
    server.handle = hostile.endlessBody;
    await expect(bounded()(`${server.origin}/x`)).rejects.toMatchObject({
      name: 'ResponseFormatError',
      code: 'ERR_RESPONSE_TOO_LARGE',
    });
  });

  it('a reset mid-body and a refused connection are both ERR_NETWORK', async () => {
    server.handle = hostile.resetMidBody;
    await expect(bounded()(`${server.origin}/x`)).rejects.toMatchObject({ code: 'ERR_NETWORK' });
    const closed = await startHostileServer();
    const origin = closed.origin;
    await closed.close();
    const refused = await bounded()(`${origin}/x`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({ code: 'ERR_NETWORK', message: 'could not reach test: ECONNREFUSED' });
    // the runtime's own error stays reachable for diagnosis
    expect((refused as Error).cause).toBeInstanceOf(TypeError);
  });

  // The other runtimes' connection failures, as the conformance suite sees them on the real
  // binaries (conformance/suite/cases/errors.mjs): Bun rejects with `TypeError: Unable to
  // connect…` and a code, workerd with a plain `Error`. Neither is known to ky.
  it.each([
    [
      'Bun',
      Object.assign(new TypeError('Unable to connect. Is the computer able to access the url?'), {
        code: 'ECONNREFUSED',
      }),
      'ECONNREFUSED',
    ],
    ['workerd', new Error('Network connection lost.'), 'Network connection lost.'],
  ])('types a %s connection failure as ERR_NETWORK', async (_runtime, thrown, reason) => {
    const fetch = async (): Promise<Response> => {
      throw thrown;
    };
    const failure = await bounded({ fetch })(`${server.origin}/x`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ code: 'ERR_NETWORK', message: `could not reach test: ${reason}`, cause: thrown });
  });

  it("keeps a typed error that the caller's fetch throws on purpose", async () => {
    const own = new TransportError('ERR_ABORTED', 'stopped by the caller', { provider: 'test' });
    const fetch = async (): Promise<Response> => {
      throw own;
    };
    await expect(bounded({ fetch })(`${server.origin}/x`)).rejects.toBe(own);
  });

  describe("redirect: 'same-origin'", () => {
    it('turns a 303 after a POST into a GET without body or content type', async () => {
      const seen: { method: string | undefined; body: string; type: string | undefined }[] = [];
      server.handle = (req, res, body) => {
        seen.push({ method: req.method, body, type: req.headers['content-type'] });
        if (req.url === '/start') return hostile.redirect(303, '/next')(req, res, body);
        return hostile.json(200, { done: true })(req, res, body);
      };
      const response = await bounded({ redirect: 'same-origin' })(`${server.origin}/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(await response.json()).toEqual({ done: true });
      expect(seen).toEqual([
        { method: 'POST', body: '{"a":1}', type: 'application/json' },
        { method: 'GET', body: '', type: undefined },
      ]);
    });

    it('stops after 5 hops, and refuses another origin or a missing location', async () => {
      server.handle = hostile.redirect(307, '/loop');
      await expect(bounded({ redirect: 'same-origin' })(`${server.origin}/loop`)).rejects.toMatchObject({
        code: 'ERR_REDIRECT',
        message: expect.stringContaining('more than 5 redirects'),
      });
      expect(server.requests).toBe(6);
      server.handle = hostile.redirect(307, `${other.origin}/x`);
      await expect(bounded({ redirect: 'same-origin' })(`${server.origin}/x`)).rejects.toMatchObject({
        code: 'ERR_REDIRECT',
        redirect: { status: 307, origin: other.origin },
      });
      expect(other.requests).toBe(0);
      server.handle = (_req, res) => {
        res.writeHead(302);
        res.end();
      };
      await expect(bounded({ redirect: 'same-origin' })(`${server.origin}/x`)).rejects.toMatchObject({
        code: 'ERR_REDIRECT',
        redirect: { status: 302, origin: 'an unknown location' },
      });
    });
  });

  it('readBodyBounded stops at once on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const chunked = new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1)) }));
    await expect(readBodyBounded(chunked, 10, 'test', controller.signal)).rejects.toThrow('stop');
    const declared = new Response('abc', { headers: { 'content-length': '3' } });
    await expect(readBodyBounded(declared, 10, 'test', controller.signal)).rejects.toThrow('stop');
    const many = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new Uint8Array([1, 2]));
          c.enqueue(new Uint8Array([3]));
          c.close();
        },
      }),
    );
    expect([...(await readBodyBounded(many, 10, 'test'))]).toEqual([1, 2, 3]);
  });
});
