// createSigningFetch against real HTTP on 127.0.0.1: signing per attempt, retries, the
// refresh-and-retry-once, and every wait bounded.
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HostileServer, hostile, startHostileServer } from '../testing/hostile.node.js';
import { createSigningFetch, type SigningFetchOptions } from './signing-fetch.js';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());
afterEach(() => server.reset());

const seen: {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}[] = [];
function script(...answers: ((req: IncomingMessage, res: import('node:http').ServerResponse, body: string) => void)[]) {
  seen.length = 0;
  server.handle = (req, res, body) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    (answers.shift() ?? hostile.json(200, { ok: true }))(req, res, body);
  };
}
const make = (options: Partial<SigningFetchOptions> = {}) =>
  createSigningFetch({
    provider: 'test',
    baseUrl: `${server.origin}/api/`,
    retry: { limit: 2, backoffLimitMs: 5 },
    sign: ({ method, target, body, attempt }) => ({
      'X-Signature': `${method} ${target} ${new TextDecoder().decode(body)} #${attempt}`,
    }),
    ...options,
  });

describe('createSigningFetch', () => {
  it('signs the exact bytes sent, after the one transform, and hands any status back', async () => {
    script(hostile.json(404, { error: 'nope' }));
    const response = await make({ transformBody: (b) => new TextEncoder().encode(new TextDecoder().decode(b).trim()) })(
      '/v1/pay?x=1',
      { method: 'POST', body: '  {"a":1}  ', headers: { 'content-type': 'application/json' } },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'nope' });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/pay?x=1',
      body: '{"a":1}',
      headers: { 'x-signature': 'POST /api/v1/pay?x=1 {"a":1} #0', 'content-type': 'application/json' },
    });
  });

  it('sends FormData, URLSearchParams and text with the Content-Type fetch would give them, unless one is set', async () => {
    script(hostile.json(200, {}), hostile.json(200, {}), hostile.json(200, {}), hostile.json(200, {}));
    const send = make({ sign: ({ body }) => ({ 'X-Body-Bytes': String(body.byteLength) }) });
    const form = new FormData();
    form.set('category', 'LOGO');
    form.set('file', new File([new Uint8Array([1, 2, 3])], 'logo.png', { type: 'image/png' }));
    await send('/upload', { method: 'POST', body: form });
    await send('/form', { method: 'POST', body: new URLSearchParams({ a: '1 2' }) });
    await send('/text', { method: 'POST', body: 'plain' });
    await send('/json', { method: 'POST', body: '{}', headers: [['Content-Type', 'application/json']] });
    const [upload, params, text, json] = seen;
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = String(upload?.headers['content-type']).split('boundary=')[1] as string;
    expect(upload?.body).toContain(`--${boundary}`);
    expect(upload?.body).toContain('name="category"');
    // The signer saw the exact multipart bytes sent.
    expect(upload?.headers['x-body-bytes']).toBe(String(upload?.headers['content-length']));
    expect(params?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(params?.body).toBe('a=1+2');
    expect(text?.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(json?.headers['content-type']).toBe('application/json');
  });

  it('build remakes each attempt from the caller body before sign, and hands its token to onTokenRejected', async () => {
    script(hostile.json(503, {}), hostile.json(200, { rejected: true }), hostile.json(200, { ok: true }));
    let token = 'tok-a';
    const dropped: (string | undefined)[] = [];
    const send = make({
      retry: { limit: 2, backoffLimitMs: 5, methods: ['post'] },
      build: ({ attempt, body }) => ({
        body: JSON.stringify({ ...JSON.parse(new TextDecoder().decode(body)), tokenID: token, n: attempt }),
        headers: { 'x-attempt': String(attempt) },
        token,
      }),
      checkSuccessBodies: true,
      isTokenRejected: ({ body }) => (body as { rejected?: boolean }).rejected === true,
      onTokenRejected: async (_headers, built) => {
        dropped.push(built.token);
        token = 'tok-b';
      },
    });
    const response = await send('/topup', { method: 'POST', body: '{"phone":"0811"}' });
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.map((s) => JSON.parse(s.body))).toEqual([
      { phone: '0811', tokenID: 'tok-a', n: 0 },
      { phone: '0811', tokenID: 'tok-a', n: 1 },
      { phone: '0811', tokenID: 'tok-b', n: 2 },
    ]);
    expect(seen.map((s) => s.headers['x-attempt'])).toEqual(['0', '1', '2']);
    expect(seen[2]?.headers['x-signature']).toBe(`POST /api/topup ${seen[2]?.body} #2`);
    expect(dropped).toEqual(['tok-a']);
  });

  it('accepts a Request, a URL and bytes', async () => {
    script(hostile.json(200, {}), hostile.json(200, {}));
    await make()(new Request(`${server.origin}/r`, { method: 'PUT', body: new Uint8Array([0x61]) }));
    await make()(new URL(`${server.origin}/u`), { method: 'POST', body: new Uint8Array([0x62]).buffer });
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['PUT', '/r', 'a'],
      ['POST', '/u', 'b'],
    ]);
    await expect(make()(42 as never)).rejects.toThrow('[@org/signing-core]');
  });

  it('retries idempotent calls on retry statuses and network failures, re-signed; POSTs once', async () => {
    script(hostile.json(503, {}), hostile.resetMidBody, hostile.json(200, { ok: 1 }));
    const response = await make()('/v1/status');
    expect(await response.json()).toEqual({ ok: 1 });
    expect(seen.map((s) => s.headers['x-signature'])).toEqual([
      'GET /api/v1/status  #0',
      'GET /api/v1/status  #1',
      'GET /api/v1/status  #2',
    ]);
    script(hostile.json(503, {}));
    expect((await make()('/v1/pay', { method: 'POST', body: '{}' })).status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it('answers at once with the 429 when its Retry-After is longer than maxRetryAfterMs', async () => {
    script(hostile.json(429, {}, { 'retry-after': '3600' }));
    const response = await make({ retry: { limit: 2, maxRetryAfterMs: 100 } })('/v1/status');
    expect(response.status).toBe(429);
    expect(seen).toHaveLength(1);
  });

  it('drops a rejected token and sends once more, even with retry: 0, with the context it was given', async () => {
    let token = 'old-token';
    const dropped: (string | null)[] = [];
    const contexts: unknown[] = [];
    script(hostile.json(401, { code: 'TOKEN' }), hostile.json(401, { code: 'TOKEN' }));
    const response = await make({
      retry: 0,
      sign: () => ({ Authorization: `Bearer ${token}` }),
      isTokenRejected: ({ body }, { context }) => {
        contexts.push(context);
        return (body as { code?: string }).code === 'TOKEN';
      },
      onTokenRejected: async (headers) => {
        dropped.push(headers.get('authorization'));
        token = 'new-token';
      },
    })('/v1/pay', { method: 'POST', body: '{}', context: { withToken: true } });
    expect(response.status).toBe(401); // rejected again: handed back, no loop
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
    expect(dropped).toEqual(['Bearer old-token']);
    expect(contexts[0]).toEqual({ withToken: true });
  });

  it('checks 2xx bodies for a rejection only when asked to', async () => {
    let calls = 0;
    const options: Partial<SigningFetchOptions> = {
      isTokenRejected: ({ body }) => (body as { error?: string }).error === 'Invalid auth token',
      onTokenRejected: async () => {
        calls += 1;
      },
    };
    script(hostile.json(200, { error: 'Invalid auth token' }));
    await make(options)('/x');
    expect(calls).toBe(0);
    script(hostile.json(200, { error: 'Invalid auth token' }), hostile.json(200, { ok: true }));
    const response = await make({ ...options, checkSuccessBodies: true })('/x');
    expect(await response.json()).toEqual({ ok: true });
    expect(calls).toBe(1);
  });

  it('keeps the caller headers on every attempt, even from a one-shot iterable, and checks small answers only', async () => {
    script(hostile.json(503, {}), hostile.json(200, { ok: true }));
    function* once(): Generator<[string, string]> {
      yield ['X-Caller', 'kept'];
    }
    const response = await make({ retry: { limit: 1, backoffLimitMs: 5 } })('/x', {
      headers: once() as unknown as HeadersInit,
    });
    expect(response.status).toBe(200);
    expect(seen.map((s) => s.headers['x-caller'])).toEqual(['kept', 'kept']);
    // A rejection is a small body: a large answer is handed back without being decoded to check it.
    let checked = 0;
    const large = JSON.stringify({ error: 'Invalid auth token', pad: 'x'.repeat(70 * 1024) });
    script((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(large);
    });
    const answer = await make({
      retry: 0,
      isTokenRejected: () => {
        checked += 1;
        return true;
      },
      onTokenRejected: async () => {},
    })('/x');
    expect(answer.status).toBe(401);
    expect(checked).toBe(0);
    expect(await answer.text()).toBe(large);
  });

  it('bounds every attempt and the whole call, and passes the caller abort on as ERR_ABORTED', async () => {
    script(hostile.stallAfterHeaders, hostile.stallAfterHeaders, hostile.stallAfterHeaders);
    const started = performance.now();
    await expect(make({ timeoutMs: 100, totalTimeoutMs: 5_000 })('/x')).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
      attempts: 3,
    });
    expect(performance.now() - started).toBeLessThan(3_000);
    script(hostile.stallAfterHeaders);
    await expect(make({ timeoutMs: 5_000, totalTimeoutMs: 150 })('/x')).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    });
    script(hostile.stallAfterHeaders);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(make({ timeoutMs: 5_000 })('/x', { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
  });

  it('refuses redirects and types a signer failure', async () => {
    script(hostile.redirect(307, 'http://127.0.0.2:9/steal'));
    await expect(make()('/x')).rejects.toMatchObject({
      code: 'ERR_REDIRECT',
      redirect: { origin: 'http://127.0.0.2:9' },
    });
    await expect(
      make({
        sign: () => {
          throw new Error('kms down');
        },
      })('/x'),
    ).rejects.toMatchObject({ code: 'ERR_SIGNING_FAILED' });
  });
});
