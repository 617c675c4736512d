// @org/signing-core/node on a plain node:http server (what a Next.js Pages API route is too),
// over HTTP on 127.0.0.1.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deferred,
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
import { trackUnhandledRejections } from '../testing/hostile.node.js';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  toNodeHandler,
  toWebRequest,
  type WebHandler,
  writeWebResponse,
} from './index.node.js';

const servers: Listening[] = [];
async function serve(handler: WebHandler, options: Parameters<typeof toNodeHandler>[1] = {}): Promise<Listening> {
  const server = await listen(toNodeHandler(handler, options));
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const unhandled = trackUnhandledRejections();
beforeAll(() => unhandled.start());
afterAll(() => unhandled.stop());
afterEach(() => {
  expect(unhandled.take()).toEqual([]);
});

describe('toNodeHandler + toWebRequest: the exact bytes', () => {
  for (const [name, bytes] of Object.entries(trickyBodies)) {
    it(`keeps ${name} byte for byte`, async () => {
      const server = await serve(echo);
      const sent = await send(server.url, {
        path: '/hook',
        headers: [['content-type', 'application/json']],
        body: bytes,
      });
      expect(sent.status).toBe(200);
      const got = parseEcho(sent);
      expect(got.length).toBe(bytes.byteLength);
      expect(got.sha256).toBe(await sha256Hex(bytes));
      expect(Buffer.from(got.base64, 'base64').equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it('keeps the bytes of a chunked body that arrives in many pieces', async () => {
    const server = await serve(echo);
    const pieces = Array.from({ length: 20 }, (_, i) => new Uint8Array([i, 0xff, 0x00, 0x0d, 0x0a]));
    const sent = await send(server.url, { chunks: pieces, delayMs: 2 });
    const all = Buffer.concat(pieces);
    expect(parseEcho(sent).sha256).toBe(await sha256Hex(all));
    expect(parseEcho(sent).length).toBe(all.byteLength);
  });

  it('passes the method, the path with its query, and every header (repeated ones joined in order)', async () => {
    const server = await serve(echo);
    const sent = await send(server.url, {
      method: 'PUT',
      path: '/v1.0/transfer-va/payment?x=1&y=%20z',
      headers: [
        ['X-Multi', 'first'],
        ['X-Signature', 'abc=='],
        ['x-multi', 'second'],
      ],
      body: '{}',
    });
    const got = parseEcho(sent);
    expect(got.method).toBe('PUT');
    expect(got.url).toBe(`${server.url}/v1.0/transfer-va/payment?x=1&y=%20z`);
    expect(got.headers['x-multi']).toBe('first, second');
    expect(got.headers['x-signature']).toBe('abc==');
  });

  it('answers GET and HEAD without a body, and HEAD gets headers only', async () => {
    const server = await serve(async (request) => {
      const answer = await echo(request);
      return new Response(answer.body, { headers: { 'x-seen': request.method, 'content-type': 'application/json' } });
    });
    const get = await send(server.url, { method: 'GET', path: '/status' });
    expect(get.status).toBe(200);
    expect(parseEcho(get)).toMatchObject({ method: 'GET', hasBody: false, length: 0 });
    const head = await send(server.url, { method: 'HEAD', path: '/status' });
    expect(head.status).toBe(200);
    expect(head.headers['x-seen']).toBe('HEAD');
    expect(head.body.byteLength).toBe(0);
    // A GET that sends a body anyway: the body is dropped, the request still works.
    const getWithBody = await send(server.url, { method: 'GET', body: 'ignored' });
    expect(parseEcho(getWithBody)).toMatchObject({ method: 'GET', hasBody: false });
  });

  it('hands a POST without a body on as a request without a body', async () => {
    const server = await serve(echo);
    const sent = await send(server.url, { method: 'POST', headers: [['content-length', '0']] });
    expect(parseEcho(sent)).toMatchObject({ method: 'POST', hasBody: false, length: 0 });
  });
});

describe('the URL', () => {
  it('comes from the Host header and the socket; X-Forwarded-* is ignored by default', async () => {
    const server = await serve(echo);
    const sent = await send(server.url, {
      path: '/a',
      headers: [
        ['x-forwarded-host', 'evil.example'],
        ['x-forwarded-proto', 'https'],
      ],
      body: '',
    });
    expect(parseEcho(sent).url).toBe(`${server.url}/a`);
  });

  it('uses X-Forwarded-Proto / X-Forwarded-Host (first value) with trustProxy', async () => {
    const server = await serve(echo, { trustProxy: true });
    const sent = await send(server.url, {
      path: '/a?b=c',
      headers: [
        ['x-forwarded-host', 'shop.example, proxy.internal'],
        ['x-forwarded-proto', 'https, http'],
      ],
    });
    expect(parseEcho(sent).url).toBe('https://shop.example/a?b=c');
    const withoutHost = await send(server.url, { path: '/a', headers: [['x-forwarded-proto', 'gopher']] });
    expect(parseEcho(withoutHost).url).toBe(`${server.url}/a`);
  });

  it('uses a fixed origin when given one', async () => {
    const server = await serve(echo, { origin: 'https://merchant.example:8443/ignored/path' });
    const sent = await send(server.url, { path: '/notify', headers: [['host', 'other.example']] });
    expect(parseEcho(sent).url).toBe('https://merchant.example:8443/notify');
  });

  it('keeps a target such as //evil.example/x on the origin, as a path', async () => {
    const server = await serve(echo);
    const sent = await send(server.url, { path: '//evil.example/x' });
    expect(parseEcho(sent).url).toBe(`${server.url}//evil.example/x`);
  });

  it('takes the path of an absolute-form target and the socket address when there is no Host', async () => {
    const server = await serve(echo);
    const absolute = await send(server.url, { path: 'http://elsewhere.example/p?q=1' });
    expect(parseEcho(absolute).url).toBe(`${server.url}/p?q=1`);
    const lenient = await listen(toNodeHandler(echo), { requireHostHeader: false });
    servers.push(lenient);
    const noHost = await send(lenient.url, { path: '/h', noHost: true });
    expect(parseEcho(noHost).url).toBe(`http://127.0.0.1:${lenient.port}/h`);
  });

  it('answers 400 for a Host header that is not a host[:port], without calling the handler', async () => {
    const handler = vi.fn(echo);
    const onError = vi.fn();
    const server = await serve(handler, { onError });
    const sent = await send(server.url, { headers: [['host', 'user@evil.example']] });
    expect(sent.status).toBe(400);
    expect(sent.headers.connection).toBe('close');
    expect(handler).not.toHaveBeenCalled();
    expect(isAuthError(onError.mock.calls[0]?.[0], 'ERR_INVALID_INPUT')).toBe(true);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ field: 'host' });
  });
});

describe('limits', () => {
  it('has documented defaults', () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(10_000);
  });

  it('refuses a declared Content-Length over maxBodyBytes with 413 before reading', async () => {
    const handler = vi.fn(echo);
    const onError = vi.fn();
    const server = await serve(handler, { maxBodyBytes: 1000, onError });
    const sent = await send(server.url, { headers: [['content-length', '1001']], body: 'x'.repeat(10), end: false });
    expect(sent.status).toBe(413);
    expect(sent.headers.connection).toBe('close');
    expect(handler).not.toHaveBeenCalled();
    expect(isAuthError(onError.mock.calls[0]?.[0], 'ERR_RESPONSE_TOO_LARGE')).toBe(true);
  });

  it('refuses a chunked body once it grows past maxBodyBytes', async () => {
    const handler = vi.fn(echo);
    const server = await serve(handler, { maxBodyBytes: 1000 });
    const chunk = new Uint8Array(400).fill(0x61);
    const sent = await send(server.url, { chunks: [chunk, chunk, chunk, chunk], delayMs: 5, end: false });
    expect(sent.status).toBe(413);
    expect(handler).not.toHaveBeenCalled();
    // Exactly at the limit is fine.
    const ok = await send(server.url, { body: new Uint8Array(1000) });
    expect(parseEcho(ok).length).toBe(1000);
  });

  it('answers 408 when the body does not arrive within bodyTimeoutMs (a slow drip cannot hold the handler)', async () => {
    const handler = vi.fn(echo);
    const onError = vi.fn();
    const server = await serve(handler, { bodyTimeoutMs: 300, onError });
    const started = performance.now();
    const sent = await send(server.url, {
      headers: [['content-length', '100']],
      chunks: Array.from({ length: 50 }, () => new Uint8Array([0x7b])),
      delayMs: 50,
      end: false,
    });
    expect(sent.status).toBe(408);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(handler).not.toHaveBeenCalled();
    expect(isAuthError(onError.mock.calls[0]?.[0], 'ERR_TIMEOUT')).toBe(true);
  });

  it('refuses invalid options when the handler is created', () => {
    expect(() => toNodeHandler(echo, { maxBodyBytes: 0 })).toThrow(TypeError);
    expect(() => toNodeHandler(echo, { bodyTimeoutMs: 1.5 })).toThrow(TypeError);
    expect(() => toNodeHandler(echo, { origin: 'not a url' })).toThrow(TypeError);
    expect(() => toNodeHandler(echo, { onError: 'log' as never })).toThrow(TypeError);
    expect(() => toNodeHandler('handler' as never)).toThrow(TypeError);
  });
});

describe('toWebRequest on its own', () => {
  it('refuses a stream that was already read, saying what to change', async () => {
    const seen: unknown[] = [];
    const server = await listen(async (req, res) => {
      for await (const _ of req) {
        // something mounted earlier read the stream
      }
      try {
        await toWebRequest(req);
      } catch (error) {
        seen.push(error);
      }
      res.end('done');
    });
    servers.push(server);
    await send(server.url, { body: '{"a":1}' });
    const error = seen[0];
    expect(isAuthError(error, 'ERR_INVALID_INPUT')).toBe(true);
    expect(error).toMatchObject({ name: 'InputError', field: 'body' });
    expect(messageOf(error)).toContain('express.json()');
    expect(messageOf(error)).toContain('bodyParser: false');
  });

  it('refuses a parsed req.body, but takes a Buffer from a raw parser as the bytes', async () => {
    const results: unknown[] = [];
    const server = await listen(async (req, res) => {
      const path = req.url ?? '';
      const withBody = req as IncomingMessage & { body?: unknown };
      if (path === '/json') withBody.body = { a: 1 };
      if (path === '/text') withBody.body = '{"a":1}';
      if (path === '/raw') withBody.body = Buffer.from([0xff, 0x00, 0xfe]);
      try {
        const request = await toWebRequest(withBody, { maxBodyBytes: 10 });
        results.push(new Uint8Array(await request.arrayBuffer()));
      } catch (error) {
        results.push(error);
      }
      res.end();
    });
    servers.push(server);
    await send(server.url, { path: '/json', body: '{"a":1}' });
    await send(server.url, { path: '/text', body: '{"a":1}' });
    await send(server.url, { path: '/raw', body: 'xyz' });
    expect(results[0]).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'body' });
    expect(messageOf(results[0])).toContain('JSON or form parser');
    expect(messageOf(results[1])).toContain('text parser');
    expect(results[2]).toEqual(new Uint8Array([0xff, 0x00, 0xfe]));
  });

  it('ends in ERR_ABORTED when the client goes away mid-body, and when its signal aborts', async () => {
    const outcome = deferred<unknown>();
    const server = await listen((req, res) => {
      toWebRequest(req).then(outcome.resolve, outcome.resolve);
      res.on('error', () => {});
    });
    servers.push(server);
    await send(server.url, {
      headers: [['content-length', '1000']],
      body: 'partial',
      end: false,
      abortAfterMs: 50,
    }).catch(() => {});
    expect(isAuthError(await outcome.promise, 'ERR_ABORTED')).toBe(true);

    const aborted = deferred<unknown>();
    const controller = new AbortController();
    const second = await listen((req) => {
      toWebRequest(req, { signal: controller.signal }).then(aborted.resolve, aborted.resolve);
      setTimeout(() => controller.abort(), 30);
    });
    servers.push(second);
    void send(second.url, { headers: [['content-length', '1000']], body: 'partial', end: false }).catch(() => {});
    expect(isAuthError(await aborted.promise, 'ERR_ABORTED')).toBe(true);
  });

  it('refuses a body read with an encoding set (the bytes were decoded)', async () => {
    const outcome = deferred<unknown>();
    const server = await listen((req, res) => {
      req.setEncoding('utf8');
      toWebRequest(req).then(outcome.resolve, outcome.resolve);
      res.end();
    });
    servers.push(server);
    await send(server.url, { body: 'abc' });
    expect(await outcome.promise).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'body' });
  });
});

describe('writeWebResponse: status, headers and body', () => {
  it('round-trips status, status text, repeated Set-Cookie, other headers and a streamed binary body', async () => {
    const parts = [new Uint8Array([0xff, 0x00]), new TextEncoder().encode('middle'), new Uint8Array([0x80])];
    const server = await serve(async () => {
      const headers = new Headers({ 'content-type': 'application/octet-stream', 'x-request-id': 'r-1' });
      headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
      headers.append('set-cookie', 'b=2; Path=/; Secure');
      headers.append('vary', 'accept');
      headers.append('vary', 'origin');
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const part of parts) {
            controller.enqueue(part);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          controller.close();
        },
      });
      return new Response(body, { status: 201, statusText: 'Made It', headers });
    });
    const sent = await send(server.url, { method: 'POST', body: 'x' });
    expect(sent.status).toBe(201);
    expect(sent.statusMessage).toBe('Made It');
    expect(sent.headers['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; Secure']);
    expect(sent.headers['x-request-id']).toBe('r-1');
    expect(sent.headers.vary).toBe('accept, origin');
    expect(sent.headers['transfer-encoding']).toBe('chunked');
    expect(sent.body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('sends a 204 and a bodyless answer with headers only', async () => {
    const server = await serve((request) =>
      new URL(request.url).pathname === '/204'
        ? new Response(null, { status: 204, headers: { 'x-empty': 'yes' } })
        : new Response(null, { status: 302, headers: { location: '/elsewhere' } }),
    );
    const noContent = await send(server.url, { path: '/204' });
    expect(noContent.status).toBe(204);
    expect(noContent.headers['x-empty']).toBe('yes');
    expect(noContent.body.byteLength).toBe(0);
    const redirect = await send(server.url, { path: '/302' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/elsewhere');
  });

  it('keeps headers set on the Node response before it, and refuses a response already sent', async () => {
    const errors: unknown[] = [];
    const server = await listen(async (_req, res) => {
      res.setHeader('x-powered-by', 'test');
      await writeWebResponse(res, new Response('ok', { headers: { 'content-type': 'text/plain' } }));
      await writeWebResponse(res, new Response('again')).catch((error: unknown) => errors.push(error));
      await writeWebResponse(res, 'not a response' as never).catch((error: unknown) => errors.push(error));
    });
    servers.push(server);
    const sent = await send(server.url, { method: 'GET' });
    expect(sent.headers['x-powered-by']).toBe('test');
    expect(sent.body.toString()).toBe('ok');
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors.every((error) => error instanceof TypeError)).toBe(true);
  });

  it('cancels the body stream when the client goes away, with no unhandled rejection', async () => {
    const cancelled = deferred<unknown>();
    const signalAborted = deferred<boolean>();
    let pulls = 0;
    const requests: Request[] = []; // undici's request.signal follows ours only while the Request is alive
    const server = await serve((request) => {
      if (new URL(request.url).pathname === '/ok') return new Response('ok');
      requests.push(request);
      request.signal.addEventListener('abort', () => signalAborted.resolve(true));
      const endless = new ReadableStream<Uint8Array>({
        async pull(controller) {
          pulls += 1;
          await new Promise((resolve) => setTimeout(resolve, 2));
          controller.enqueue(new Uint8Array(16 * 1024).fill(0x61));
        },
        cancel(reason) {
          cancelled.resolve(reason);
        },
      });
      return new Response(endless);
    });
    const sent = await send(server.url, { method: 'GET', abortAfterBytes: 64 * 1024 });
    expect(sent.status).toBe(200);
    await cancelled.promise;
    await expect(signalAborted.promise).resolves.toBe(true);
    const after = pulls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulls - after).toBeLessThanOrEqual(1);
    // The server still answers the next request.
    expect((await send(server.url, { method: 'GET', path: '/ok' })).body.toString()).toBe('ok');
  });

  it('waits for drain on a slow reader instead of buffering the whole body', async () => {
    const size = 8 * 1024 * 1024;
    const server = await serve(() => new Response(new Uint8Array(size).fill(7)));
    const received = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/big`, { method: 'GET', agent: false }, (res) => {
        let total = 0;
        res.pause();
        setTimeout(() => {
          res.on('data', (chunk: Buffer) => {
            total += chunk.byteLength;
          });
          res.on('end', () => resolve(total));
          res.resume();
        }, 50);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toBe(size);
  });

  it('destroys the connection when the body stream fails mid-way, and reports the failure', async () => {
    const onError = vi.fn();
    const server = await serve(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
              await new Promise((resolve) => setTimeout(resolve, 10));
              controller.error(new Error('the stream broke'));
            },
          }),
        ),
      { onError },
    );
    await expect(send(server.url, { method: 'GET' })).rejects.toThrow();
    await vi.waitFor(() => expect(onError).toHaveBeenCalled());
    expect(messageOf(onError.mock.calls[0]?.[0])).toBe('the stream broke');
  });
});

describe('failures of the handler', () => {
  it('become a 500 without details; onError gets the error', async () => {
    const onError = vi.fn();
    const server = await serve(
      () => {
        throw new Error('database password is hunter2');
      },
      { onError },
    );
    const sent = await send(server.url, { body: '{}' });
    expect(sent.status).toBe(500);
    expect(sent.body.toString()).toBe('Internal Server Error');
    expect(sent.body.toString()).not.toContain('hunter2');
    expect(messageOf(onError.mock.calls[0]?.[0])).toContain('hunter2');
  });

  it('a rejected promise, a non-Response and a throwing onError all end in 500', async () => {
    const server = await serve(
      async (request) => {
        if (new URL(request.url).pathname === '/reject') throw new Error('boom');
        return 'not a response' as never;
      },
      {
        onError: () => {
          throw new Error('the logger broke');
        },
      },
    );
    expect((await send(server.url, { path: '/reject' })).status).toBe(500);
    expect((await send(server.url, { path: '/string' })).status).toBe(500);
  });

  it('forwardErrors without a next function still answers 500 itself', async () => {
    const server = await serve(
      () => {
        throw new Error('x');
      },
      { forwardErrors: true },
    );
    expect((await send(server.url, { body: '' })).status).toBe(500);
  });

  it('the handler sees request.signal abort when the client leaves mid-call, and nothing is reported', async () => {
    const onError = vi.fn();
    const aborted = deferred<void>();
    const server = await serve(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => {
            aborted.resolve();
            reject(new Error('stopped'));
          });
        }),
      { onError },
    );
    await send(server.url, { body: '{}', abortAfterMs: 50 }).catch(() => {});
    await aborted.promise;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onError).not.toHaveBeenCalled();
  });
});

describe('clients that leave, and odd requests', () => {
  it('a client that leaves mid-body: the handler never runs and nothing is reported', async () => {
    const handler = vi.fn(echo);
    const onError = vi.fn();
    const server = await serve(handler, { onError });
    await send(server.url, {
      headers: [['content-length', '1000']],
      body: 'partial',
      end: false,
      abortAfterMs: 50,
    }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handler).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
    expect((await send(server.url, { body: '{}' })).status).toBe(200);
  });

  it('a client that left before the answer: its body stream is cancelled unread', async () => {
    const cancelled = deferred<boolean>();
    const server = await serve(async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.enqueue(new Uint8Array(1024));
          },
          cancel() {
            cancelled.resolve(true);
          },
        }),
      );
    });
    await send(server.url, { body: '{}', abortAfterMs: 30 }).catch(() => {});
    await expect(cancelled.promise).resolves.toBe(true);
  });

  it('an OPTIONS * request is addressed to the origin', async () => {
    const server = await serve(echo);
    const sent = await send(server.url, { method: 'OPTIONS', path: '*' });
    expect(parseEcho(sent).url).toBe(`${server.url}/`);
  });

  it('a request target that is neither a path nor a URL (a middleware rewrote it) is answered 400', async () => {
    const onError = vi.fn();
    const handler = toNodeHandler(echo, { onError });
    const server = await listen((req, res) => {
      req.url = 'not-a-path';
      handler(req, res);
    });
    servers.push(server);
    const sent = await send(server.url, { method: 'GET', path: '/x' });
    expect(sent.status).toBe(400);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'url' });
  });

  it('toWebRequest: invalid options are TypeErrors, an aborted signal ends in ERR_ABORTED, an empty raw Buffer is no body', async () => {
    const results: unknown[] = [];
    const server = await listen(async (req, res) => {
      const path = req.url;
      try {
        if (path === '/origin') await toWebRequest(req, { origin: 'nope' });
        if (path === '/limit') await toWebRequest(req, { maxBodyBytes: -1 });
        if (path === '/aborted') await toWebRequest(req, { signal: AbortSignal.abort() });
        if (path === '/empty-raw') {
          (req as IncomingMessage & { body?: unknown }).body = Buffer.alloc(0);
          results.push((await toWebRequest(req)).body);
        }
      } catch (error) {
        results.push(error);
      }
      res.end();
    });
    servers.push(server);
    for (const path of ['/origin', '/limit']) await send(server.url, { path, body: 'x' });
    await send(server.url, {
      path: '/aborted',
      headers: [['content-length', '5']],
      body: 'x',
      end: false,
      abortAfterMs: 100,
    }).catch(() => {});
    await send(server.url, { path: '/empty-raw' });
    expect(results[0]).toBeInstanceOf(TypeError);
    expect(results[1]).toBeInstanceOf(TypeError);
    expect(isAuthError(results[2], 'ERR_ABORTED')).toBe(true);
    expect(results[3]).toBeNull();
  });

  it('readBodyStream takes a stream of strings as their UTF-8 bytes', async () => {
    const { Readable } = await import('node:stream');
    const { readBodyStream } = await import('./request.node.js');
    const bytes = await readBodyStream(Readable.from(['caf', 'é', '{}']), 100, 1_000, undefined);
    expect(new TextDecoder().decode(bytes)).toBe('café{}');
  });

  it('when another middleware already answered, the connection is ended and the failure reported', async () => {
    const onError = vi.fn();
    const handler = toNodeHandler(
      (request) => {
        if (new URL(request.url).pathname === '/throws') throw new Error('late');
        return new Response('second answer');
      },
      { onError },
    );
    const server = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first answer');
      handler(req, res);
    });
    servers.push(server);
    const first = await send(server.url, { path: '/ok', method: 'GET' }).catch((error: unknown) => error);
    const second = await send(server.url, { path: '/throws', method: 'GET' }).catch((error: unknown) => error);
    // /ok: writing the second answer fails; /throws: the handler, then writing the 500.
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(3));
    for (const outcome of [first, second]) {
      if (outcome instanceof Error) continue; // the connection was destroyed before the end
      expect((outcome as { body: Buffer }).body.toString()).toBe('first answer');
    }
  });
});
