import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError, isResponseFormatError, isTransportError, ProviderError } from '../errors/errors.js';
import { createHttpClient } from './http-client.js';
import { tokenRequestRetry } from './retry-policy.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 that misbehaves on purpose, per scripted answer. */
type Answer = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;
let server: Server;
let baseUrl: string;
let script: Answer[] = [];
let seen: Seen[] = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(record);
      const answer = script.shift() ?? json(200, { ok: true });
      answer(req, res, record);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
});

const fast = { limit: 2, backoffLimitMs: 20, methods: ['post', 'get'] };

describe('createHttpClient', () => {
  it('sends the exact body bytes and returns parsed JSON', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl });
    script = [json(200, { hello: 'world' })];
    const body = '{"amount":"10.00","note":"caf\\u00e9 \\/ é"}';
    const response = await client.requestJson<{ hello: string }>({
      method: 'POST',
      path: '/v1/x?b=2&a=1',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.data.hello).toBe('world');
    expect(seen[0]?.body).toBe(body);
    expect(seen[0]?.url).toBe('/api/v1/x?b=2&a=1');
  });

  it('signs every attempt afresh over the exact bytes (a retry gets a new signature)', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: fast });
    script = [json(503, { error: 'busy' }), json(500, {}), json(200, { ok: 1 })];
    const contexts: { attempt: number; target: string; body: string }[] = [];
    await client.requestJson({
      method: 'POST',
      path: '/pay?x=1',
      body: '{"a":1}',
      sign: (ctx) => {
        contexts.push({ attempt: ctx.attempt, target: ctx.target, body: new TextDecoder().decode(ctx.body) });
        return { 'x-signature': `sig-${ctx.attempt}` };
      },
    });
    expect(contexts).toEqual([
      { attempt: 0, target: '/api/pay?x=1', body: '{"a":1}' },
      { attempt: 1, target: '/api/pay?x=1', body: '{"a":1}' },
      { attempt: 2, target: '/api/pay?x=1', body: '{"a":1}' },
    ]);
    expect(seen.map((s) => s.headers['x-signature'])).toEqual(['sig-0', 'sig-1', 'sig-2']);
    expect(seen.map((s) => s.body)).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
  });

  it('honours Retry-After on 429 and then gives up with ERR_RATE_LIMITED', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: { ...fast, limit: 1 } });
    script = [
      json(429, { responseCode: '4290000' }, { 'retry-after': '1' }),
      json(429, { responseCode: '4290000' }, { 'retry-after': '1' }),
    ];
    const started = Date.now();
    const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(isProviderError(error) && error.code).toBe('ERR_RATE_LIMITED');
    expect(isProviderError(error) && error.retryAfterMs).toBe(1000);
    expect(seen).toHaveLength(2);
  });

  it('does not retry POST unless asked (payments are not idempotent)', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: { limit: 2, backoffLimitMs: 10 } });
    script = [json(502, {})];
    await expect(client.requestJson({ method: 'POST', path: '/x', body: '{}' })).rejects.toMatchObject({ status: 502 });
    expect(seen).toHaveLength(1);
  });

  it('maps provider error bodies through describeError, with a redacted excerpt', async () => {
    const client = createHttpClient({
      provider: 'snap',
      baseUrl,
      retry: 0,
      describeError: ({ body }) => {
        const b = body as { responseCode?: string; responseMessage?: string };
        return {
          providerCode: b.responseCode,
          providerMessage: b.responseMessage,
          tokenRejected: b.responseCode === '4017301',
        };
      },
      secrets: () => ['my-client-secret-value'],
    });
    script = [
      json(401, {
        responseCode: '4017300',
        responseMessage: 'Unauthorized. [Signature]',
        accessToken: 'leaky-token',
        echo: 'my-client-secret-value',
      }),
    ];
    const error = await client.requestJson({ method: 'POST', path: '/x', body: '{}' }).catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error.code).toBe('ERR_PROVIDER');
    expect(error.status).toBe(401);
    expect(error.providerCode).toBe('4017300');
    expect(error.message).toContain('Unauthorized. [Signature]');
    const printed = `${error.message} ${JSON.stringify(error)} ${inspect(error)}`;
    expect(printed).not.toContain('leaky-token');
    expect(printed).not.toContain('my-client-secret-value');
  });

  it('never exposes the Authorization header through errors', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [json(500, {})];
    const error = await client
      .requestJson({ method: 'GET', path: '/x', headers: { authorization: 'Bearer super-secret-bearer' } })
      .catch((e: unknown) => e);
    const printed = `${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
    expect(printed).not.toContain('super-secret-bearer');
  });

  it('turns an HTML page, a truncated JSON body and an empty body into ResponseFormatError', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Bad Gateway</body></html>');
      },
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"accessToken":"abc","expiresIn":');
      },
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('');
      },
    ];
    for (const fragment of ['HTML page', 'truncated or invalid JSON', 'empty body']) {
      const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
      expect(isResponseFormatError(error)).toBe(true);
      expect((error as Error).message).toContain(fragment);
      expect(JSON.stringify(error)).not.toContain('"abc"');
    }
  });

  it('maps a refused connection to ERR_NETWORK after retrying', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = createHttpClient({ provider: 'test', baseUrl: `http://127.0.0.1:${port}`, retry: fast });
    const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('ERR_NETWORK');
    expect(isTransportError(error) && error.attempts).toBe(3);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it("retries a connection failure that only its runtime's fetch knows (workerd's plain Error), then types it", async () => {
    let calls = 0;
    const fetch = async (): Promise<Response> => {
      calls += 1;
      throw new Error('Network connection lost.');
    };
    const client = createHttpClient({ provider: 'test', baseUrl, retry: fast, fetch });
    const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('ERR_NETWORK');
    expect(calls).toBe(3);
    expect((error as Error).message).toBe('could not reach test: Network connection lost. (3 attempts)');
  });

  it('maps a dropped connection to ERR_NETWORK', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [(req) => req.socket.destroy()];
    await expect(client.requestJson({ method: 'GET', path: '/x' })).rejects.toMatchObject({ code: 'ERR_NETWORK' });
  });

  it('maps a connection dropped mid-body to ERR_NETWORK', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 10);
      },
    ];
    await expect(client.requestJson({ method: 'GET', path: '/x' })).rejects.toMatchObject({ code: 'ERR_NETWORK' });
  });

  it('times out each attempt and reports ERR_TIMEOUT', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, timeoutMs: 100, retry: { ...fast, limit: 1 } });
    const hang: Answer = () => {};
    script = [hang, hang];
    const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('ERR_TIMEOUT');
    expect(seen).toHaveLength(2);
  });

  it('aborts on the caller signal with ERR_ABORTED', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [() => {}];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client.requestJson({ method: 'GET', path: '/x', signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
  });

  describe('signed ky instance', () => {
    it('refreshes the token and retries once, re-signed, when the provider rejects it', async () => {
      let token = 'token-1';
      const rejected: string[] = [];
      const client = createHttpClient({
        provider: 'test',
        baseUrl,
        retry: { limit: 2, backoffLimitMs: 10 },
        describeError: ({ body }) => ({ tokenRejected: (body as { code?: string })?.code === 'TOKEN_EXPIRED' }),
      });
      const api = client.signed({
        sign: () => ({ authorization: `Bearer ${token}` }),
        onTokenRejected: async () => {
          rejected.push(token);
          token = 'token-2';
        },
      });
      script = [json(401, { code: 'TOKEN_EXPIRED' }), json(200, { paid: true })];
      const result = await api.post('pay', { body: '{"amount":"1.00"}' }).json<{ paid: boolean }>();
      expect(result.paid).toBe(true);
      expect(rejected).toEqual(['token-1']);
      expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
      expect(seen.map((s) => s.body)).toEqual(['{"amount":"1.00"}', '{"amount":"1.00"}']);
    });

    it('retries a rejected token only once', async () => {
      let refreshes = 0;
      const client = createHttpClient({
        provider: 'test',
        baseUrl,
        retry: { limit: 3, backoffLimitMs: 10 },
        describeError: () => ({ tokenRejected: true }),
      });
      const api = client.signed({ sign: () => ({}), onTokenRejected: async () => void refreshes++ });
      script = [json(401, {}), json(401, {}), json(401, {})];
      const error = await api.post('pay', { body: '{}' }).catch((e: unknown) => e);
      expect(isProviderError(error) && error.code).toBe('ERR_TOKEN_REJECTED');
      expect(refreshes).toBe(1);
      expect(seen).toHaveLength(2);
    });

    it('transforms the body once so the signed bytes are the sent bytes', async () => {
      const client = createHttpClient({ provider: 'test', baseUrl });
      let signedBody = '';
      const api = client.signed({
        transformBody: (body) => new TextEncoder().encode(new TextDecoder().decode(body).replace(/\s+/g, '')),
        sign: (ctx) => {
          signedBody = new TextDecoder().decode(ctx.body);
          return {};
        },
      });
      await api.post('x', { body: '{ "a" : 1 }' });
      expect(signedBody).toBe('{"a":1}');
      expect(seen[0]?.body).toBe('{"a":1}');
    });
  });
});

describe('createHttpClient edge cases', () => {
  it('reads an HTTP-date Retry-After and a non-JSON error body', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    const date = new Date(Date.now() + 5_000).toUTCString();
    script = [
      (_q, res) => {
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': date });
        res.end('maintenance');
      },
    ];
    const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(isProviderError(error) && error.retryAfterMs).toBeGreaterThan(3_000);
    expect(isProviderError(error) && error.bodyExcerpt).toBe('maintenance');
  });

  it('keeps the status of an error whose JSON-typed body does not parse', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [
      (_q, res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"broken":');
      },
    ];
    await expect(client.requestJson({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      code: 'ERR_PROVIDER',
      status: 500,
    });
  });

  it('wraps a throwing signer in SignatureError and passes typed errors through', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    const plain = await client
      .requestJson({
        method: 'GET',
        path: '/x',
        sign: () => {
          throw new Error('kms unavailable');
        },
      })
      .catch((e: unknown) => e);
    expect(plain).toMatchObject({ name: 'SignatureError', code: 'ERR_SIGNING_FAILED' });
    const typed = await client
      .requestJson({
        method: 'GET',
        path: '/x',
        sign: () => {
          throw new ProviderError('token fetch failed', { status: 503 });
        },
      })
      .catch((e: unknown) => e);
    expect(typed).toMatchObject({ name: 'ProviderError', status: 503 });
    expect(seen).toHaveLength(0);
  });
});

describe('failures reported inside 2xx bodies and retry edge cases', () => {
  const finnetLike = {
    describeSuccessFailure: ({ body }: { body: unknown }) => {
      const b = body as { statusCode?: string; statusDesc?: string };
      if (b?.statusCode === undefined || b.statusCode === '000') return undefined;
      return { providerCode: b.statusCode, providerMessage: b.statusDesc, tokenRejected: b.statusCode === '401' };
    },
  };

  it('requestJson turns a failure in a 200 body into a ProviderError', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0, ...finnetLike });
    script = [json(200, { statusCode: '005', statusDesc: 'Invalid signature' })];
    await expect(client.requestJson({ method: 'POST', path: '/x', body: '{}' })).rejects.toMatchObject({
      code: 'ERR_PROVIDER',
      status: 200,
      providerCode: '005',
      providerMessage: 'Invalid signature',
    });
    script = [json(200, { statusCode: '000', ok: true })];
    expect((await client.requestJson({ method: 'POST', path: '/x', body: '{}' })).data).toEqual({
      statusCode: '000',
      ok: true,
    });
  });

  it('signed() refreshes and retries once on a token rejection reported in a 200 body, even with retries off', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0, ...finnetLike });
    let token = 'old';
    const api = client.signed({
      sign: () => ({ authorization: token }),
      onTokenRejected: async () => {
        token = 'new';
      },
    });
    script = [
      json(200, { statusCode: '401', statusDesc: 'token expired' }),
      json(200, { statusCode: '000', widget: 'url' }),
    ];
    expect(await api.post('topup', { body: '{}' }).json()).toEqual({ statusCode: '000', widget: 'url' });
    expect(seen.map((s) => s.headers.authorization)).toEqual(['old', 'new']);

    seen = [];
    script = [json(200, { statusCode: '401' }), json(200, { statusCode: '401' })];
    await expect(api.post('topup', { body: '{}' })).rejects.toMatchObject({ code: 'ERR_TOKEN_REJECTED', status: 200 });
    expect(seen).toHaveLength(2);

    seen = [];
    script = [json(200, { statusCode: '009', statusDesc: 'phone not registered' })];
    await expect(api.post('topup', { body: '{}' })).rejects.toMatchObject({
      code: 'ERR_PROVIDER',
      providerCode: '009',
    });
    script = [json(503, {})];
    await expect(api.get('status')).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(2); // retry: 0 means no ordinary retry, even for GET
  });

  it('.json() on a 2xx HTML page is a typed ResponseFormatError', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    const api = client.signed({ sign: () => ({}) });
    script = [
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      },
    ];
    await expect(api.get('x').json()).rejects.toMatchObject({
      name: 'ResponseFormatError',
      code: 'ERR_RESPONSE_FORMAT',
    });
  });

  it('shows the provider code once when code and message are equal', async () => {
    const client = createHttpClient({
      provider: 'fondy',
      baseUrl,
      retry: 0,
      describeError: ({ body }) => {
        const b = body as { error?: string; err_code?: string };
        return { providerCode: b.err_code, providerMessage: b.error };
      },
    });
    script = [json(401, { error: 'Invalid auth token', err_code: 'Invalid auth token' })];
    await expect(client.requestJson({ method: 'GET', path: '/x' })).rejects.toThrow(
      'fondy answered HTTP 401 (Invalid auth token)',
    );
  });
});

describe('provider codes and messages', () => {
  it('are scrubbed of known secrets (providers echo tokens back)', async () => {
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      retry: 0,
      secrets: () => ['tok-1234567890'],
      describeSuccessFailure: ({ body }) => ({ providerMessage: (body as { error: string }).error }),
    });
    script = [json(200, { error: 'Invalid auth token tok-1234567890' })];
    const error = await client.requestJson({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(isProviderError(error) && error.providerMessage).toBe('Invalid auth token [REDACTED]');
    expect(JSON.stringify(error)).not.toContain('tok-1234567890');
  });
});

describe('signing context and echoed credentials', () => {
  it('hands ky per-request context to the signer', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    const seenContext: unknown[] = [];
    const api = client.signed({
      sign: (ctx) => {
        seenContext.push(ctx.context.withToken);
        return ctx.context.withToken === false ? {} : { authorization: 'Bearer t' };
      },
    });
    await api.get('a', { context: { withToken: false } });
    await api.get('b');
    expect(seenContext).toEqual([false, undefined]);
    expect(seen.map((s) => s.headers.authorization)).toEqual([undefined, 'Bearer t']);
  });

  it('scrubs the token a failed request carried from the error, even when nobody listed it', async () => {
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      retry: 0,
      describeError: ({ body }) => ({ providerMessage: (body as { message: string }).message }),
    });
    script = [json(401, { message: 'token rejected-token-abc123 is expired' })];
    const error = await client
      .requestJson({ method: 'GET', path: '/x', headers: { authorization: 'Bearer rejected-token-abc123' } })
      .catch((e: unknown) => e);
    const printed = `${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;
    expect(printed).not.toContain('rejected-token-abc123');
    expect(isProviderError(error) && error.providerMessage).toBe('token [REDACTED] is expired');
  });
});

describe('requests built per attempt', () => {
  it('rebuilds (and so re-signs) the body and headers for every retry', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: fast });
    script = [json(503, {}), json(200, { ok: true })];
    const built: number[] = [];
    await client.requestJson({
      method: 'POST',
      path: '/token',
      headers: { 'x-static': 'kept' },
      build: ({ attempt }) => {
        built.push(attempt);
        return {
          body: JSON.stringify({ reqDtime: `t${attempt}`, signature: `sig-${attempt}` }),
          headers: { 'x-attempt': String(attempt) },
        };
      },
      sign: (ctx) => ({ 'x-body-length': String(ctx.body.length) }),
    });
    expect(built).toEqual([0, 1]);
    expect(seen.map((s) => s.body)).toEqual([
      '{"reqDtime":"t0","signature":"sig-0"}',
      '{"reqDtime":"t1","signature":"sig-1"}',
    ]);
    expect(seen.map((s) => s.headers['x-body-length'])).toEqual(['37', '37']);
    expect(seen.map((s) => s.headers['x-attempt'])).toEqual(['0', '1']);
    expect(seen.map((s) => s.headers['x-static'])).toEqual(['kept', 'kept']);
  });

  it('may build headers only (a call whose body is fixed)', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: fast });
    script = [json(500, {}), json(200, { ok: true })];
    await client.requestJson({
      method: 'GET',
      path: '/status',
      build: ({ attempt }) => ({ headers: { 'request-id': `id-${attempt}` } }),
    });
    expect(seen.map((s) => [s.body, s.headers['request-id']])).toEqual([
      ['', 'id-0'],
      ['', 'id-1'],
    ]);
  });
});

describe('describeFailure per request', () => {
  const failures = ({ status, body }: { status: number; body: unknown }) => {
    const record = body as { code?: string; message?: string } | undefined;
    if (status === 200 && record?.code === '000') return undefined;
    if (record?.code === undefined) return { subject: 'topUp', malformed: 'JSON without a code string' };
    return {
      subject: 'topUp',
      providerCode: record.code,
      providerMessage: record.message,
      tokenRejected: record.code === 'E07',
      hint: 'check the token',
      details: { kind: 'finnet-like' },
    };
  };

  it('reads a failure inside a 2xx body, asynchronously, with subject and hint in the message', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [json(200, { code: 'E01', message: 'Invalid amount' })];
    const error = await client
      .requestJson({ method: 'POST', path: '/x', body: '{}', describeFailure: async (r) => failures(r) })
      .catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    expect((error as ProviderError).code).toBe('ERR_PROVIDER');
    expect((error as ProviderError).message).toBe('test topUp answered HTTP 200 (E01 Invalid amount); check the token');
    expect((error as ProviderError).details).toEqual({ kind: 'finnet-like' });
  });

  it('reads non-2xx answers too, instead of the client describeError', async () => {
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      retry: 0,
      describeError: () => ({ providerCode: 'FROM-CLIENT' }),
    });
    script = [json(400, { code: 'E02', message: 'Bad' })];
    const error = await client
      .requestJson({ method: 'POST', path: '/x', body: '{}', describeFailure: failures })
      .catch((e: unknown) => e);
    expect(isProviderError(error) && error.providerCode).toBe('E02');
  });

  it('turns a 2xx body it calls malformed into a ResponseFormatError', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [json(200, { status: 'ok' })];
    const error = await client
      .requestJson({ method: 'POST', path: '/x', body: '{}', describeFailure: failures })
      .catch((e: unknown) => e);
    expect(isResponseFormatError(error)).toBe(true);
    expect((error as Error).message).toBe('test topUp answered HTTP 200 with JSON without a code string');
  });

  it('refreshes and sends once more, rebuilt, when the failure is a rejected token (onTokenRejected)', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [json(200, { code: 'E07', message: 'token tok-old-1234 invalid' }), json(200, { code: '000' })];
    let token = 'tok-old-1234';
    let dropped = 0;
    const response = await client.requestJson({
      method: 'POST',
      path: '/x',
      build: () => ({ body: JSON.stringify({ tokenID: token }), secrets: [token] }),
      describeFailure: failures,
      onTokenRejected: () => {
        dropped += 1;
        token = 'tok-new-5678';
      },
    });
    expect(response.data).toEqual({ code: '000' });
    expect(dropped).toBe(1);
    expect(seen.map((s) => s.body)).toEqual(['{"tokenID":"tok-old-1234"}', '{"tokenID":"tok-new-5678"}']);
  });

  it('sends once more only: a second rejection is the error, scrubbed of both tokens', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    script = [
      json(200, { code: 'E07', message: 'token tok-first-1111 invalid' }),
      json(200, { code: 'E07', message: 'tokens tok-first-1111 tok-second-2222 invalid' }),
    ];
    let token = 'tok-first-1111';
    let dropped = 0;
    const error = await client
      .requestJson({
        method: 'POST',
        path: '/x',
        build: () => ({ body: JSON.stringify({ tokenID: token }), secrets: [token] }),
        describeFailure: failures,
        onTokenRejected: () => {
          dropped += 1;
          token = 'tok-second-2222';
        },
      })
      .catch((e: unknown) => e);
    expect(dropped).toBe(1);
    expect(seen).toHaveLength(2);
    expect(isProviderError(error) && error.code).toBe('ERR_TOKEN_REJECTED');
    expect((error as Error).message).toContain('the token was rejected');
    const printed = `${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;
    expect(printed).not.toContain('tok-first-1111');
    expect(printed).not.toContain('tok-second-2222');
  });
});

describe('signed() per-instance failure reading', () => {
  it('isTokenRejected sees the request context: a call sent without a token is never refreshed', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    let dropped = 0;
    const ky = client.signed({
      sign: ({ context }) => (context.withToken === false ? {} : { authorization: 'Bearer tok-ctx-4242' }),
      isTokenRejected: ({ status }, { context }) => status === 401 && context.withToken !== false,
      onTokenRejected: async () => {
        dropped += 1;
      },
    });
    script = [json(401, {}), json(200, { ok: true })];
    await ky.get('with-token').json();
    expect(dropped).toBe(1);
    script = [json(401, { echo: 'nothing' })];
    const error = await ky
      .get('without-token', { context: { withToken: false } })
      .json()
      .catch((e: unknown) => e);
    expect(dropped).toBe(1);
    expect(isProviderError(error) && error.code).toBe('ERR_PROVIDER');
    script = [json(401, { echo: 'tok-ctx-4242' }), json(401, { echo: 'tok-ctx-4242' })];
    const rejected = await ky
      .get('with-token')
      .json()
      .catch((e: unknown) => e);
    expect(isProviderError(rejected) && rejected.code).toBe('ERR_TOKEN_REJECTED');
    expect(`${JSON.stringify(rejected)} ${inspect(rejected, { depth: 10 })}`).not.toContain('tok-ctx-4242');
  });

  it('build remakes every attempt from the caller body (in-body signatures), before sign, and on the refresh', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: fast });
    let token = 'tok-build-1111';
    const ky = client.signed({
      build: ({ attempt, body }) => {
        const fields = JSON.parse(new TextDecoder().decode(body)) as Record<string, string>;
        const signed = { ...fields, tokenID: token, signature: `sig-${attempt}-${token}` };
        return {
          body: JSON.stringify(signed),
          headers: { 'x-attempt': String(attempt) },
          secrets: [signed.signature],
          token,
        };
      },
      sign: ({ body }) => ({ 'x-body-length': String(body.length) }),
      describeFailure: ({ body }) =>
        (body as { code?: string }).code === 'E07' ? { providerCode: 'E07', tokenRejected: true } : undefined,
      onTokenRejected: async (_request, rejected) => {
        dropped.push(rejected.token);
        token = 'tok-build-2222';
      },
    });
    const dropped: (string | undefined)[] = [];
    script = [json(503, {}), json(200, { code: 'E07' }), json(200, { code: '000' })];
    expect(await ky.post('topup', { body: '{"phone":"0811"}' }).json()).toEqual({ code: '000' });
    expect(seen.map((s) => JSON.parse(s.body))).toEqual([
      { phone: '0811', tokenID: 'tok-build-1111', signature: 'sig-0-tok-build-1111' },
      { phone: '0811', tokenID: 'tok-build-1111', signature: 'sig-1-tok-build-1111' },
      { phone: '0811', tokenID: 'tok-build-2222', signature: 'sig-2-tok-build-2222' },
    ]);
    expect(seen.map((s) => s.headers['x-attempt'])).toEqual(['0', '1', '2']);
    expect(dropped).toEqual(['tok-build-1111']);
    expect(seen.map((s) => Number(s.headers['x-body-length']))).toEqual(seen.map((s) => Buffer.byteLength(s.body)));
    // An echo of an attempt's in-body signature is scrubbed from the error.
    script = [json(400, { echo: 'sig-0-tok-build-2222' })];
    const error = await ky
      .post('topup', { body: '{"phone":"0811"}', retry: 0 })
      .json()
      .catch((e: unknown) => e);
    expect(`${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`).not.toContain('sig-0-tok-build-2222');
  });

  it('describeFailure of the instance reads 2xx failures, malformed bodies included', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: 0 });
    const ky = client.signed({
      sign: () => ({}),
      describeFailure: ({ body }) =>
        (body as { error_code?: number }).error_code === undefined
          ? (body as { ok?: boolean }).ok
            ? undefined
            : { malformed: 'JSON without ok' }
          : { providerCode: String((body as { error_code: number }).error_code) },
    });
    script = [json(200, { error_code: 1014 })];
    const failed = await ky
      .post('x', { body: '{}' })
      .json()
      .catch((e: unknown) => e);
    expect(isProviderError(failed) && failed.providerCode).toBe('1014');
    script = [json(200, { nothing: true })];
    const malformed = await ky
      .post('x', { body: '{}' })
      .json()
      .catch((e: unknown) => e);
    expect(isResponseFormatError(malformed)).toBe(true);
    script = [json(200, { ok: true })];
    expect(await ky.post('x', { body: '{}' }).json()).toEqual({ ok: true });
  });
});

describe('per-request secrets', () => {
  it('are scrubbed from that request’s errors', async () => {
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      retry: 0,
      describeError: ({ body }) => ({ providerMessage: (body as { message: string }).message }),
    });
    script = [json(400, { message: 'auth code AC-secret-9876 already used', authCode: 'AC-secret-9876' })];
    const error = await client
      .requestJson({
        method: 'POST',
        path: '/b2b2c',
        body: '{"authCode":"AC-secret-9876"}',
        secrets: ['AC-secret-9876'],
      })
      .catch((e: unknown) => e);
    expect(`${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`).not.toContain('AC-secret-9876');
    expect(isProviderError(error) && error.providerMessage).toBe('auth code [REDACTED] already used');
  });
});

describe('credentials of every attempt', () => {
  it('scrubs a rejected, replaced token from the final error and from non-JSON 2xx excerpts', async () => {
    let token = 'first-token-111111';
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      retry: 0,
      describeError: ({ body }) => ({
        providerMessage: (body as { message?: string })?.message,
        tokenRejected: (body as { code?: string })?.code === 'EXPIRED',
      }),
    });
    const api = client.signed({
      sign: () => ({ authorization: `Bearer ${token}` }),
      onTokenRejected: async () => {
        token = 'second-token-222222';
      },
    });
    script = [
      json(401, { code: 'EXPIRED', message: 'first-token-111111 expired' }),
      json(500, { message: 'saw first-token-111111 then second-token-222222' }),
    ];
    const error = await api.post('x', { body: '{}' }).catch((e: unknown) => e);
    const printed = `${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;
    expect(printed).not.toContain('first-token-111111');
    expect(printed).not.toContain('second-token-222222');

    script = [
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>second-token-222222</html>');
      },
    ];
    const formatError = await api
      .get('y')
      .json()
      .catch((e: unknown) => e);
    expect(formatError).toMatchObject({ code: 'ERR_RESPONSE_FORMAT' });
    expect(JSON.stringify(formatError)).not.toContain('second-token-222222');
  });
});

describe('tokenRequestRetry', () => {
  it('keeps the caller policy and retries POST, the one method of a token request', () => {
    expect(tokenRequestRetry(undefined)).toEqual({ methods: ['post'] });
    expect(tokenRequestRetry(0)).toEqual({ limit: 0, methods: ['post'] });
    expect(tokenRequestRetry({ limit: 3, backoffLimitMs: 50, methods: ['get'] })).toEqual({
      limit: 3,
      backoffLimitMs: 50,
      methods: ['post'],
    });
  });

  it('makes a token POST retried after a 503', async () => {
    const client = createHttpClient({ provider: 'test', baseUrl, retry: { limit: 1, backoffLimitMs: 5 } });
    script = [json(503, {}), json(200, { token: 't' })];
    const response = await client.requestJson({
      method: 'POST',
      path: '/token',
      body: '{}',
      retry: tokenRequestRetry(1),
    });
    expect(response.data).toEqual({ token: 't' });
    expect(seen).toHaveLength(2);
  });
});
