/**
 * The core's HTTP client and token manager against a hostile server on 127.0.0.1: each fault
 * ends in a token or a typed error within its bound, with no hang and no unhandled rejection.
 * The provider packages run the same faults through their own clients (`faults.test.ts`).
 */
import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/errors.js';
import {
  type HostileServer,
  hostile,
  hostileFaults,
  routeTokenAndService,
  settlesWithin,
  startHostileServer,
  trackUnhandledRejections,
} from '../testing/hostile.node.js';
import { createTokenManager } from '../token/token-manager.js';
import { createBoundedFetch } from './bounded-fetch.js';
import { createHttpClient } from './http-client.js';

let server: HostileServer & { url: string };
let other: HostileServer;
const unhandled = trackUnhandledRejections();
beforeAll(async () => {
  const started = await startHostileServer();
  server = Object.assign(started, { url: `${started.origin}/api` });
  other = await startHostileServer();
  unhandled.start();
});
afterAll(async () => {
  unhandled.stop();
  await Promise.all([server.close(), other.close()]);
});
afterEach(async () => {
  // Let late timers and stream callbacks run, then check nothing was left unhandled.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(unhandled.take()).toEqual([]);
  server.reset();
  other.reset();
});

const tokenJson = (token: string, expiresIn: number) => JSON.stringify({ accessToken: token, expiresIn });
const { stallAfterHeaders, endlessBody: endless, resetMidBody } = hostile;
const drip = hostile.drip(50);

/** A tiny provider on the core: its token endpoint, the way a provider package wires it. */
function provider(options: { timeoutMs?: number; totalTimeoutMs?: number; maxResponseBytes?: number } = {}) {
  const http = createHttpClient({ provider: 'hostile', baseUrl: server.url, retry: 0, ...options });
  const tokens = createTokenManager({
    key: 'hostile',
    provider: 'hostile',
    fetchTimeoutMs: 2_000,
    fetchToken: async ({ signal }) => {
      const { data } = await http.requestJson<{ accessToken: string; expiresIn: number }>({
        method: 'POST',
        path: '/token',
        body: '{}',
        signal,
      });
      return {
        token: data.accessToken,
        expiresAt: Date.now() + data.expiresIn * 1000,
        fields: { token: 'accessToken', lifetime: 'expiresIn' },
      };
    },
  });
  return { http, tokens };
}

describe('a token endpoint that misbehaves', () => {
  it.each([
    ['stalls after the headers', stallAfterHeaders, 'ERR_TIMEOUT'],
    ['drips one byte at a time', drip, 'ERR_TIMEOUT'],
    ['sends an endless body', endless, 'ERR_RESPONSE_TOO_LARGE'],
    ['resets the connection mid-body', resetMidBody, 'ERR_NETWORK'],
  ])('%s: getToken() ends in a typed error, then the next call fetches afresh', async (_name, fault, code) => {
    const { tokens } = provider({ timeoutMs: 300, maxResponseBytes: 256 * 1024 });
    server.handle = fault;
    const failed = await settlesWithin(tokens.getToken(), 3_000);
    expect(failed.error).toMatchObject({ code });
    // The provider recovers: the single-flight slot is free, a new request goes out.
    server.handle = (_req, res) => res.end(tokenJson('recovered', 600));
    const before = server.requests;
    const ok = await settlesWithin(tokens.getToken(), 3_000);
    expect(ok.value?.token).toBe('recovered');
    expect(server.requests).toBe(before + 1);
  });

  it('forceRefresh during a stall ends too, and 50 waiting callers all get the same typed error', async () => {
    const { tokens } = provider({ timeoutMs: 300 });
    server.handle = stallAfterHeaders;
    const callers = Array.from({ length: 50 }, () => settlesWithin(tokens.getToken({ forceRefresh: true }), 3_000));
    const results = await Promise.all(callers);
    expect(server.requests).toBe(1);
    for (const result of results) expect(result.error).toMatchObject({ code: 'ERR_TIMEOUT' });
  });

  it('the token manager deadline frees the slot even when fetchToken itself never settles', async () => {
    let calls = 0;
    const tokens = createTokenManager({
      key: 'never',
      fetchTimeoutMs: 100,
      fetchToken: ({ signal }) => {
        calls += 1;
        if (calls === 1)
          return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        return Promise.resolve({ token: 'second', expiresAt: Date.now() + 600_000 });
      },
    });
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    expect((await tokens.getToken()).token).toBe('second');
    expect(calls).toBe(2);
  });

  it.each([
    ['CR/LF', 'abc\r\nX-Injected: 1'],
    ['a trailing space', 'abc '],
    ['only whitespace', '   '],
    ['a character above U+007E', 'tökén'],
    ['an empty string', ''],
  ])('refuses a token with %s before caching it, and never puts it in the message', async (_name, token) => {
    const { tokens } = provider();
    server.handle = (_req, res) => res.end(tokenJson(token, 600));
    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect((error as Error).message).toContain('accessToken');
    if (token.trim()) expect(inspect(error)).not.toContain(token.trim());
    expect(tokens.peek()).toBeUndefined();
  });

  it.each([
    ['0.0004 s', 0.0004],
    ['already expired', -60],
    ['1e12 s', 1e12],
    ['1e13 s', 1e13],
  ])('refuses a lifetime of %s with a typed error naming the field', async (_name, expiresIn) => {
    const { tokens } = provider();
    server.handle = (_req, res) => res.end(tokenJson('fine-token', expiresIn));
    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_RESPONSE_FORMAT' });
    expect((error as Error).message).toMatch(/expiresIn/);
    expect(() => JSON.stringify(error)).not.toThrow();
    expect(tokens.peek()).toBeUndefined();
  });
});

describe('service calls that misbehave', () => {
  it.each([
    ['stall after headers', 'ERR_TIMEOUT', stallAfterHeaders],
    ['drip', 'ERR_TIMEOUT', drip],
    ['endless body', 'ERR_RESPONSE_TOO_LARGE', endless],
    ['reset mid-body', 'ERR_NETWORK', resetMidBody],
  ])('signed ky: %s → %s', async (_name, code, fault) => {
    const { http } = provider({ timeoutMs: 300, maxResponseBytes: 256 * 1024 });
    const ky = http.signed({ sign: () => ({ 'X-SIGNATURE': 'sig-marker-123456' }) });
    server.handle = fault;
    const result = await settlesWithin(
      ky.post('pay', { body: '{}' }).then((r) => r.text()),
      3_000,
    );
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code });
  });

  it('retries a stalled idempotent call within the total deadline, then ERR_TIMEOUT', async () => {
    const http = createHttpClient({
      provider: 'hostile',
      baseUrl: server.url,
      timeoutMs: 200,
      totalTimeoutMs: 700,
      retry: { limit: 10, backoffLimitMs: 10 },
    });
    server.handle = stallAfterHeaders;
    const result = await settlesWithin(
      http.ky.get('status').then((r) => r.text()),
      3_000,
    );
    expect(result.error).toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(result.ms).toBeLessThan(2_000);
    expect(server.requests).toBeGreaterThanOrEqual(2);
    expect(server.requests).toBeLessThanOrEqual(5);
  });

  it('a Retry-After longer than maxRetryAfterMs fails at once as ERR_RATE_LIMITED', async () => {
    const http = createHttpClient({
      provider: 'hostile',
      baseUrl: server.url,
      retry: { limit: 2, maxRetryAfterMs: 1_000, methods: ['get'] },
    });
    server.handle = (_req, res) => {
      res.writeHead(429, { 'retry-after': '3600', 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
    };
    const result = await settlesWithin(http.ky.get('status'), 3_000);
    expect(result.error).toMatchObject({ code: 'ERR_RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(server.requests).toBe(1);
  });
});

describe('redirects', () => {
  it.each([307, 308, 302])('a %i to another origin is a typed error; the target sees nothing', async (status) => {
    const { http, tokens } = provider();
    server.handle = (_req, res) => {
      res.writeHead(status, { location: `${other.origin}/steal` });
      res.end();
    };
    other.handle = (_req, res) => res.end(tokenJson('attacker-token', 600));
    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TransportError',
      code: 'ERR_REDIRECT',
      redirect: { status, origin: other.origin },
    });
    expect((error as Error).message).toContain(other.origin);
    const ky = http.signed({ sign: () => ({ 'X-SIGNATURE': 'sig-marker-123456' }) });
    await expect(ky.post('pay', { body: '{}' })).rejects.toMatchObject({ code: 'ERR_REDIRECT' });
    expect(other.requests).toBe(0);
  });

  it("with redirect: 'same-origin', follows on the same origin without credential headers", async () => {
    const http = createHttpClient({ provider: 'hostile', baseUrl: server.url, redirect: 'same-origin' });
    const headersSeen: IncomingMessage['headers'][] = [];
    server.handle = (req, res, body) => {
      headersSeen.push(req.headers);
      if (req.url === '/api/old') {
        res.writeHead(308, { location: '/api/new' });
        res.end();
        return;
      }
      res.end(JSON.stringify({ body }));
    };
    const ky = http.signed({ sign: () => ({ Authorization: 'Bearer tok-123456', 'X-SIGNATURE': 'sig-123456' }) });
    const data = await ky.post('old', { body: '{"a":1}' }).json();
    expect(data).toEqual({ body: '{"a":1}' });
    expect(headersSeen[0]?.authorization).toBe('Bearer tok-123456');
    expect(headersSeen[1]?.authorization).toBeUndefined();
    expect(headersSeen[1]?.['x-signature']).toBeUndefined();
  });

  it('never follows https to http, even on the same host', async () => {
    // An https server needs a certificate this machine cannot mint without openssl: the 308 is
    // answered by a fetch that returns a real Response, exactly as undici hands one over.
    const answered: string[] = [];
    const fetchImpl = (async (input: Request) => {
      answered.push(input.url);
      return new Response(null, { status: 308, headers: { location: 'http://api.example.test/v1/token' } });
    }) as typeof fetch;
    const bounded = createBoundedFetch({
      provider: 'hostile',
      fetch: fetchImpl,
      timeoutMs: 1_000,
      maxResponseBytes: 1024,
      redirect: 'same-origin',
    });
    await expect(bounded('https://api.example.test/v1/token', { method: 'POST', body: '{}' })).rejects.toMatchObject({
      code: 'ERR_REDIRECT',
      redirect: { origin: 'http://api.example.test' },
    });
    expect(answered).toEqual(['https://api.example.test/v1/token']);
  });
});

describe('a provider that quotes the request back', () => {
  it('never shows any request signature, at 100 concurrent calls', async () => {
    const http = createHttpClient({ provider: 'hostile', baseUrl: server.url, retry: 0 });
    let n = 0;
    const ky = http.signed({
      sign: () => {
        n += 1;
        return { 'X-SIGNATURE': `sigmarker${n}x${'A'.repeat(40)}`, Signature: `HMACSHA256=dokumarker${n}` };
      },
    });
    server.handle = (req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          responseCode: '4007300',
          responseMessage: `Invalid signature ${req.headers['x-signature']} / ${req.headers.signature}`,
        }),
      );
    };
    const errors = await Promise.all(
      Array.from({ length: 100 }, () => ky.post('pay', { body: '{}' }).catch((e: unknown) => e)),
    );
    expect(errors).toHaveLength(100);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      const shown = [inspect(error, { depth: 10 }), JSON.stringify(error), (error as Error).stack ?? ''].join('\n');
      expect(shown).not.toMatch(/sigmarker|dokumarker/);
    }
  });
});

describe('creation', () => {
  it('refuses a baseUrl with credentials, without showing them', () => {
    let error: unknown;
    try {
      createHttpClient({ provider: 'hostile', baseUrl: 'https://user:hunter2-secret@api.example.test' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    expect(inspect(error)).not.toContain('hunter2-secret');
  });
});

describe('the testing kit', () => {
  it('routes token and service requests apart, and lists every fault with its code', async () => {
    const router = routeTokenAndService(
      '/api/token',
      hostile.json(200, { accessToken: 't' }),
      hostile.json(201, { ok: 1 }),
    );
    server.handle = router.handle;
    expect(await (await fetch(`${server.url}/token`, { method: 'POST' })).json()).toEqual({ accessToken: 't' });
    expect((await fetch(`${server.url}/pay`, { method: 'POST' })).status).toBe(201);
    expect(router.counts).toEqual({ token: 1, service: 1 });
    expect(hostileFaults.map(([, code]) => code)).toEqual([
      'ERR_TIMEOUT',
      'ERR_TIMEOUT',
      'ERR_RESPONSE_TOO_LARGE',
      'ERR_NETWORK',
    ]);
    await expect(settlesWithin(new Promise(() => {}), 20)).rejects.toThrow('did not settle within 20 ms');
  });
});
