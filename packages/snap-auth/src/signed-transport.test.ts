import { isProviderError } from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, testClock } from './__fixtures__/setup.js';
import { canonicalSnapRelativeUrl } from './protocol/relative-url.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN = '/v1.0/access-token/b2b';
const SERVICE = '/v1.0/balance-inquiry';

/** A clock that really moves (ms timestamps), shared by client and sandbox. */
const realClock = () => {
  const clock = testClock();
  const offset = Date.now();
  const moving = (() => clock() + (Date.now() - offset)) as typeof clock;
  moving.advance = clock.advance;
  moving.set = clock.set;
  return moving;
};

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('auth.ky', () => {
  it('signs the call, minifies a pretty body once, and the provider accepts it', async () => {
    h = await harness();
    const result = await h.auth.ky
      .post('v1.0/balance-inquiry', { body: '{\n  "partnerReferenceNo": "A1",\n  "amount": 10.00\n}' })
      .json<{ responseCode: string }>();
    expect(result.responseCode).toBe('2001100');
    const [request] = h.sandbox.requests.to(SERVICE);
    expect(request?.body).toBe('{"partnerReferenceNo":"A1","amount":10.00}');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-external-id']).toMatch(/^\d{36}$/);
    expect(request?.headers['channel-id']).toBe('95221');
  });

  it('works with ky json, a leading slash, GET with search params, and a caller X-EXTERNAL-ID', async () => {
    h = await harness();
    expect((await h.auth.ky.post('/v1.0/balance-inquiry', { json: { a: 1 } })).status).toBe(200);
    expect((await h.auth.ky.get('v1.0/balance-inquiry', { searchParams: { b: '2', a: '1' } })).status).toBe(200);
    await h.auth.ky.post('v1.0/balance-inquiry', { json: {}, headers: { 'X-EXTERNAL-ID': '42' } });
    const paths = h.sandbox.requests.to(SERVICE).map((r) => r.path);
    expect(paths).toEqual([SERVICE, `${SERVICE}?b=2&a=1`, SERVICE]);
    expect(h.sandbox.requests.to(SERVICE)[2]?.headers['x-external-id']).toBe('42');
  });

  it('401 (4017301) → drops the token, fetches a new one, retries once, re-signed', async () => {
    h = await harness();
    await h.auth.getAccessToken();
    h.sandbox.expireTokens();
    const result = await h.auth.ky.post('v1.0/balance-inquiry', { json: { a: 1 } }).json<{ responseCode: string }>();
    expect(result.responseCode).toBe('2001100');
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
    const [first, second] = h.sandbox.requests.to(SERVICE);
    expect(first?.headers.authorization).not.toBe(second?.headers.authorization);
    expect(first?.headers['x-signature']).not.toBe(second?.headers['x-signature']);
    // The same logical call: the re-send after the rejected token keeps its X-EXTERNAL-ID.
    expect(second?.headers['x-external-id']).toBe(first?.headers['x-external-id']);
    expect(second?.body).toBe(first?.body);
  });

  it('401xx03 (token not found, any service code) is a rejected token too', async () => {
    h = await harness();
    h.sandbox.faults.inject(
      {
        type: 'status',
        status: 401,
        body: JSON.stringify({ responseCode: '4011103', responseMessage: 'Token Not Found (B2B)' }),
      },
      { path: SERVICE },
    );
    expect((await h.auth.ky.post('v1.0/balance-inquiry', { json: {} })).status).toBe(200);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
    expect(h.sandbox.requests.count(SERVICE)).toBe(2);
  });

  it('a 401 that is not about the token (401xx00) is not retried', async () => {
    h = await harness();
    h.sandbox.faults.inject(
      {
        type: 'status',
        status: 401,
        body: JSON.stringify({ responseCode: '4011100', responseMessage: 'Unauthorized' }),
      },
      { path: SERVICE },
    );
    expect(await rejection(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }))).toMatchObject({
      code: 'ERR_PROVIDER',
      providerCode: '4011100',
    });
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
    expect(h.sandbox.requests.count(SERVICE)).toBe(1);
  });

  it('tokens that expire early: the first call after the early expiry is refreshed and retried', async () => {
    h = await harness();
    h.sandbox.expireTokensEarly(60_000);
    await h.auth.getAccessToken();
    h.clock.advance(120_000);
    expect((await h.auth.ky.post('v1.0/balance-inquiry', { json: {} })).status).toBe(200);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
    expect(h.sandbox.requests.count(SERVICE)).toBe(2);
  });

  it('retries a rejected token only once, then throws ERR_TOKEN_REJECTED', async () => {
    h = await harness();
    h.sandbox.expireTokensEarly(0);
    const error = await rejection(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REJECTED', status: 401, providerCode: '4017301' });
    expect(error.details).toMatchObject({ tokenRejected: true, meaning: 'Invalid Token (B2B)' });
    expect(error.message).toContain('access token was not accepted');
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
    expect(h.sandbox.requests.count(SERVICE)).toBe(2);
  });

  it('with retry: 0 the token-rejected retry still happens (and nothing else is retried)', async () => {
    h = await harness({ auth: { retry: 0 } });
    await h.auth.getAccessToken();
    h.sandbox.expireTokens();
    expect((await h.auth.ky.post('v1.0/balance-inquiry', { json: {} })).status).toBe(200);
    h.sandbox.faults.inject({ type: 'status', status: 503 }, { path: SERVICE });
    expect(await rejection(h.auth.ky.get('v1.0/balance-inquiry'))).toMatchObject({ status: 503 });
    expect(h.sandbox.requests.count(SERVICE)).toBe(3);
  });

  it('retries (5xx on GET) are re-signed with a fresh timestamp and signature, and keep the call’s X-EXTERNAL-ID', async () => {
    h = await harness({ clock: realClock(), auth: { timestampFormat: { milliseconds: true } } });
    h.sandbox.faults.inject({ type: 'status', status: 503 }, { path: SERVICE, times: 2 });
    expect((await h.auth.ky.get('v1.0/balance-inquiry')).status).toBe(200);
    const attempts = h.sandbox.requests.to(SERVICE);
    expect(attempts).toHaveLength(3);
    for (const name of ['x-timestamp', 'x-signature']) {
      expect(new Set(attempts.map((a) => a.headers[name])).size).toBe(3);
    }
    expect(new Set(attempts.map((a) => a.headers['x-external-id'])).size).toBe(1);
    // The next call is another logical call: another id.
    await h.auth.ky.get('v1.0/balance-inquiry');
    expect(h.sandbox.requests.to(SERVICE)[3]?.headers['x-external-id']).not.toBe(attempts[0]?.headers['x-external-id']);
  });

  it('auth.fetch: every attempt of one call carries one X-EXTERNAL-ID, a caller’s own included; calls differ', async () => {
    h = await harness({ clock: realClock(), auth: { timestampFormat: { milliseconds: true } } });
    h.sandbox.faults.inject({ type: 'status', status: 503 }, { path: SERVICE, times: 2 });
    expect((await h.auth.fetch('v1.0/balance-inquiry')).status).toBe(200);
    await h.auth.fetch('v1.0/balance-inquiry');
    h.sandbox.faults.inject({ type: 'status', status: 503 }, { path: SERVICE });
    await h.auth.fetch('v1.0/balance-inquiry', { headers: { 'X-EXTERNAL-ID': 'merchant-ref-7' } });
    const ids = h.sandbox.requests.to(SERVICE).map((a) => a.headers['x-external-id']);
    expect(ids).toHaveLength(6);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids.slice(4)).toEqual(['merchant-ref-7', 'merchant-ref-7']);
  });

  it('POST is not retried on 5xx unless retry.methods includes it (payments are not idempotent)', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'status', status: 503 }, { path: SERVICE });
    expect(await rejection(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }))).toMatchObject({ status: 503 });
    expect(h.sandbox.requests.count(SERVICE)).toBe(1);
    await h.close();
    h = await harness({
      clock: realClock(),
      auth: { retry: { limit: 2, methods: ['post'], backoffLimitMs: 20 }, timestampFormat: { milliseconds: true } },
    });
    h.sandbox.faults.inject({ type: 'status', status: 502 }, { path: SERVICE });
    expect((await h.auth.ky.post('v1.0/balance-inquiry', { json: {} })).status).toBe(200);
    const [a, b] = h.sandbox.requests.to(SERVICE);
    expect(a?.headers['x-timestamp']).not.toBe(b?.headers['x-timestamp']);
  });

  it('token requests are retried on 5xx, each attempt re-signed', async () => {
    h = await harness({ clock: realClock(), auth: { tokenTimestampFormat: { milliseconds: true } } });
    h.sandbox.faults.inject({ type: 'status', status: 500 }, { path: TOKEN, times: 2 });
    await h.auth.getAccessToken();
    const attempts = h.sandbox.requests.to(TOKEN);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['x-timestamp'])).size).toBe(3);
    expect(new Set(attempts.map((a) => a.headers['x-signature'])).size).toBe(3);
  });
});

describe('service-call error codes', () => {
  it('409xx00: a repeated X-EXTERNAL-ID', async () => {
    h = await harness();
    await h.auth.ky.post('v1.0/balance-inquiry', { json: {}, headers: { 'X-EXTERNAL-ID': '7' } });
    const error = await rejection(
      h.auth.ky.post('v1.0/balance-inquiry', { json: {}, headers: { 'X-EXTERNAL-ID': '7' } }),
    );
    expect(error).toMatchObject({
      status: 409,
      providerCode: '4091100',
      providerMessage: 'Conflict',
      code: 'ERR_PROVIDER',
    });
    expect(error.message).toContain('X-EXTERNAL-ID was already used');
  });

  it('400xx02: a missing mandatory header (no CHANNEL-ID configured)', async () => {
    h = await harness({ auth: { channelId: undefined } });
    const error = await rejection(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }));
    expect(error).toMatchObject({
      status: 400,
      providerCode: '4001102',
      providerMessage: 'Invalid Mandatory Field [CHANNEL-ID]',
    });
  });

  it('400xx01: X-TIMESTAMP out of the window on a service call', async () => {
    h = await harness({
      auth: {
        fetch: (input, init) => {
          const request = new Request(input, init);
          if (request.url.endsWith(SERVICE)) request.headers.set('X-TIMESTAMP', '2020-01-01T00:00:00+07:00');
          return fetch(request);
        },
      },
    });
    expect(await rejection(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }))).toMatchObject({
      providerCode: '4001101',
    });
  });

  it('4017302: an unknown customer token', async () => {
    h = await harness();
    const error = await rejection(
      h.auth.ky.post('v1.0/balance-inquiry', { json: {}, headers: { 'Authorization-Customer': 'Bearer nope' } }),
    );
    expect(error).toMatchObject({ providerCode: '4017302', code: 'ERR_PROVIDER' });
    expect(error.details).toMatchObject({ customerTokenRejected: true });
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
  });

  it('a failure code inside HTTP 200 is a ProviderError for ky; 401xx01 in a 200 refreshes and retries', async () => {
    h = await harness();
    h.sandbox.faults.inject(
      {
        type: 'status',
        status: 200,
        body: JSON.stringify({ responseCode: '4031114', responseMessage: 'Insufficient Funds' }),
      },
      { path: SERVICE },
    );
    const error = await rejection(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }));
    expect(error).toMatchObject({ status: 200, providerCode: '4031114', code: 'ERR_PROVIDER' });
    expect(error.details).toMatchObject({ httpStatus: 403, meaning: 'Insufficient Funds' });
    h.sandbox.faults.inject(
      {
        type: 'status',
        status: 200,
        body: JSON.stringify({ responseCode: '4017301', responseMessage: 'Invalid Token (B2B)' }),
      },
      { path: SERVICE },
    );
    expect((await h.auth.ky.post('v1.0/balance-inquiry', { json: {} })).status).toBe(200);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
    // auth.fetch hands the 200 back as it came.
    h.sandbox.faults.inject(
      {
        type: 'status',
        status: 200,
        body: JSON.stringify({ responseCode: '4031114', responseMessage: 'Insufficient Funds' }),
      },
      { path: SERVICE },
    );
    const response = await h.auth.fetch('v1.0/balance-inquiry', { method: 'POST', body: '{}' });
    expect(await response.json()).toMatchObject({ responseCode: '4031114' });
  });

  it('404: an unknown path', async () => {
    h = await harness();
    expect(await rejection(h.auth.ky.post('v1.0/nowhere', { json: {} }))).toMatchObject({
      status: 404,
      providerCode: '4040002',
    });
  });
});

describe('auth.fetch', () => {
  it('signs, returns every response (no throw on 4xx), and refreshes a rejected token once', async () => {
    h = await harness();
    const ok = await h.auth.fetch('/v1.0/balance-inquiry', { method: 'POST', body: '{ "a": 1 }' });
    expect(ok.status).toBe(200);
    const dup = { method: 'POST', body: '{}', headers: { 'X-EXTERNAL-ID': '99' } };
    await h.auth.fetch('v1.0/balance-inquiry', dup);
    const conflict = await h.auth.fetch('v1.0/balance-inquiry', dup);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ responseCode: '4091100', responseMessage: 'Conflict' });
    h.sandbox.expireTokens();
    expect((await h.auth.fetch('/v1.0/balance-inquiry', { method: 'POST', body: '{}' })).status).toBe(200);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
  });

  it('accepts a Request and an absolute URL', async () => {
    h = await harness();
    const request = new Request(`${h.running.url}${SERVICE}?x=1`, {
      method: 'POST',
      body: '{"b": 2}',
      headers: { 'X-EXTERNAL-ID': '555' },
    });
    expect((await h.auth.fetch(request)).status).toBe(200);
    expect((await h.auth.fetch(new URL(`${h.running.url}${SERVICE}`), { method: 'POST', body: '{}' })).status).toBe(
      200,
    );
    expect((await h.auth.fetch(`${h.running.url}${SERVICE}`, { method: 'POST', body: '{}' })).status).toBe(200);
    const recorded = h.sandbox.requests.to(SERVICE);
    expect(recorded[0]).toMatchObject({ path: `${SERVICE}?x=1`, body: '{"b":2}' });
    expect(recorded[0]?.headers['x-external-id']).toBe('555');
    await expect(h.auth.fetch(42 as never)).rejects.toThrow(TypeError);
  });

  it('a body that is not JSON is an InputError before anything is sent', async () => {
    h = await harness();
    await expect(h.auth.fetch('v1.0/balance-inquiry', { method: 'POST', body: 'a=1&b=2' })).rejects.toMatchObject({
      code: 'ERR_INVALID_JSON',
    });
    expect(h.sandbox.requests.count(SERVICE)).toBe(0);
  });
});

describe('relative URL canonicalisation (opt-in)', () => {
  const path = `${SERVICE}?z=1&a=b c`;

  it('signs the Faspay canonical form when both sides use it', async () => {
    h = await harness({
      sandbox: { relativeUrl: canonicalSnapRelativeUrl },
      auth: { relativeUrl: canonicalSnapRelativeUrl },
    });
    expect((await h.auth.fetch(path)).status).toBe(200);
  });

  it('the default (as sent) does not match a provider that canonicalises: 4017300', async () => {
    h = await harness({ sandbox: { relativeUrl: canonicalSnapRelativeUrl } });
    const response = await h.auth.fetch(path);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ responseCode: '4017300' });
    expect((await h.auth.fetch(SERVICE)).status).toBe(200);
  });
});
