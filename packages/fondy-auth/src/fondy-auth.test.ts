import { createHash } from 'node:crypto';
import { isProviderError, memoryTokenStore } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenSignatureVector } from './__fixtures__/vectors.js';
import { createFondyAuth } from './client/fondy-auth.js';
import type { FondyAuthOptions } from './client/options.js';
import { createFondySandbox, type FondySandbox, type FondySandboxOptions } from './testing/index.js';

const APP = { applicationId: '1234', secretKey: 'secret-key' };
const START = Date.parse('2020-04-06T11:15:27.250Z');
const REPORT = 'api/extend/company/report/';
const reportBody = { report_id: 745, merchant_id: 1549901, filters: [], on_page: 10, page: 1 };
const fast = { limit: 2, backoffLimitMs: 10 };

let now = START;
const clock = () => now;
let sandbox: FondySandbox;
let running: RunningSandbox;
const extra: RunningSandbox[] = [];

async function start(options: Partial<FondySandboxOptions> = {}) {
  await running?.close();
  sandbox = createFondySandbox({ applications: [APP], clock, ...options });
  running = await sandbox.listen();
}

beforeEach(async () => {
  now = START;
  await start();
});
afterEach(async () => {
  await running.close();
  for (const server of extra.splice(0)) await server.close();
});

const auth = (options: Partial<FondyAuthOptions> = {}) =>
  createFondyAuth({ ...APP, baseUrl: running.url, clock, retry: fast, ...options });

async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Record<string, unknown> & Error,
  );
}

const tokenRequests = () => sandbox.requests.count(sandbox.tokenPath);
const reportRequests = () => sandbox.requests.to(sandbox.reportPath);
const invalidTokenBody = JSON.stringify({ error: 'Invalid auth token', err_code: 'Invalid auth token' });

describe('createFondyAuth — getToken', () => {
  it('POSTs the documented request: JSON body, application_id as a string, date salt, SHA-512 signature', async () => {
    const fondy = auth({ applicationId: 1234 });
    const token = await fondy.getToken();

    const [request] = sandbox.requests.to(sandbox.tokenPath);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      application_id: '1234',
      date: '2020-04-06 11:15:27',
      // Vector FONDY-TOKEN-1 of vectors/fondy.json ([SELF], §4.1): key `secret-key`, id `1234`, that date.
      signature: tokenSignatureVector.signature,
    });
    expect(request?.body).toBe(
      `{"application_id":"1234","date":"2020-04-06 11:15:27","signature":"${JSON.parse(request?.body ?? '').signature}"}`,
    );

    expect(token.tokenType).toBe('Token');
    expect(token.token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(token.expiresAt.getTime()).toBe(START + 3_600_000);
    expect(token.data.requestId).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(token.authorization).toBe(`Token ${token.token}`);
    await expect(fondy.authorizationHeader()).resolves.toBe(`Token ${token.token}`);
    expect(fondy).toMatchObject({ applicationId: '1234', baseUrl: running.url, apiBaseUrl: running.url });
  });

  it('takes the date from an injectable formatter', async () => {
    const fondy = auth({ formatDate: (date) => String(Math.floor(date.getTime() / 1000)) });
    await fondy.getToken();
    const body = JSON.parse(sandbox.requests.to(sandbox.tokenPath)[0]?.body ?? '');
    expect(body.date).toBe('1586171727');
    expect(body.signature).toBe(createHash('sha512').update('secret-key|1234|1586171727').digest('hex'));
  });

  it('refuses a formatter result Fondy would not accept, before any request', async () => {
    const error = await errorOf(auth({ formatDate: () => 'x'.repeat(1025) }).getToken());
    expect(error).toMatchObject({ name: 'InputError', field: 'date', provider: 'fondy' });
    expect(tokenRequests()).toBe(0);
  });

  it('caches the token: one request for many calls', async () => {
    const fondy = auth();
    const first = await fondy.getToken();
    const second = await fondy.getToken();
    await fondy.authorizationHeader();
    expect(second.token).toBe(first.token);
    expect(tokenRequests()).toBe(1);
  });

  it('is single-flight: 50 concurrent callers, one token request', async () => {
    const fondy = auth();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => fondy.getToken()));
    expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
    expect(tokenRequests()).toBe(1);
  });

  it('fetches a new token when expires_in (minus the margin) has run out', async () => {
    const fondy = auth({ refreshAheadMs: 0 });
    const first = await fondy.getToken();
    now = START + 3_600_000 - 11_000; // still usable: the default margin is 10 s
    expect((await fondy.getToken()).token).toBe(first.token);
    now = START + 3_600_000 - 9_000; // inside the margin
    const second = await fondy.getToken();
    expect(second.token).not.toBe(first.token);
    expect(tokenRequests()).toBe(2);
  });

  it('honours expiryMarginMs', async () => {
    const fondy = auth({ refreshAheadMs: 0, expiryMarginMs: 120_000 });
    const first = await fondy.getToken();
    now = START + 3_600_000 - 119_000;
    expect((await fondy.getToken()).token).not.toBe(first.token);
    expect(tokenRequests()).toBe(2);
  });

  it('refreshes ahead of expiry in the background while callers keep the current token', async () => {
    const fondy = auth({ refreshAheadMs: 300_000 });
    const first = await fondy.getToken();
    now = START + 3_600_000 - 200_000; // inside the refresh window
    expect((await fondy.getToken()).token).toBe(first.token);
    await vi.waitFor(() => expect(tokenRequests()).toBe(2));
    await vi.waitFor(async () => expect((await fondy.getToken()).token).not.toBe(first.token));
    expect(tokenRequests()).toBe(2);
  });

  it('forceRefresh and invalidateToken() fetch a new token', async () => {
    const fondy = auth();
    const first = await fondy.getToken();
    const forced = await fondy.getToken({ forceRefresh: true });
    expect(forced.token).not.toBe(first.token);
    await fondy.invalidateToken(forced);
    const third = await fondy.getToken();
    expect(third.token).not.toBe(forced.token);
    expect(tokenRequests()).toBe(3);
  });

  it('shares one token between instances through a token store', async () => {
    const tokenStore = memoryTokenStore({ clock });
    const [a, b] = await Promise.all([auth({ tokenStore }).getToken(), auth({ tokenStore }).getToken()]);
    await auth({ tokenStore }).getToken();
    expect(a.token).toBe(b.token);
    expect(tokenRequests()).toBe(1);
  });

  it('turns the documented 403 into a ProviderError carrying error_code, error_message and request_id', async () => {
    const fondy = auth({ secretKey: 'wrong-key' });
    const error = await errorOf(fondy.getToken());
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'ProviderError',
      code: 'ERR_PROVIDER',
      provider: 'fondy',
      status: 403,
      providerCode: '403',
      providerMessage: 'Incorrect signature',
    });
    expect((error.details as { requestId: string }).requestId).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(error.message).toBe(
      `fondy answered HTTP 403 (403 Incorrect signature): check applicationId and secretKey, and that the application is registered with ${running.url}`,
    );
    expect(tokenRequests()).toBe(1); // a 403 is not retried
    // An unknown application gets the same answer.
    await expect(auth({ applicationId: '999' }).getToken()).rejects.toMatchObject({ status: 403, providerCode: '403' });
  });

  it('a failed token request rejects every waiter with the same error, and the next call tries again', async () => {
    const fondy = auth({ retry: 0 });
    sandbox.faults.inject({ type: 'status', status: 500 }, { path: sandbox.tokenPath });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => fondy.getToken()));
    const reasons = new Set(results.map((result) => (result.status === 'rejected' ? result.reason : undefined)));
    expect(reasons.size).toBe(1);
    expect([...reasons][0]).toMatchObject({ code: 'ERR_PROVIDER', status: 500 });
    await expect(fondy.getToken()).resolves.toBeDefined();
    expect(tokenRequests()).toBe(2);
  });

  describe('fault modes on the token endpoint', () => {
    it('retries 5xx, 429 and dropped connections (token POSTs are safe to retry)', async () => {
      const fondy = auth();
      sandbox.faults.inject({ type: 'status', status: 503 }, { path: sandbox.tokenPath });
      sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 0 }, { path: sandbox.tokenPath });
      await expect(fondy.getToken()).resolves.toBeDefined();
      expect(tokenRequests()).toBe(3);
      const other = auth();
      sandbox.faults.inject({ type: 'drop' }, { path: sandbox.tokenPath });
      await expect(other.getToken()).resolves.toBeDefined();
      expect(tokenRequests()).toBe(5);
    });

    it('maps each fault to its typed error when retries are exhausted', async () => {
      const cases: [Parameters<FondySandbox['faults']['inject']>[0], Record<string, unknown>][] = [
        [
          { type: 'status', status: 500 },
          { code: 'ERR_PROVIDER', status: 500 },
        ],
        [
          { type: 'rate-limit', retryAfterSeconds: 7 },
          { code: 'ERR_RATE_LIMITED', status: 429, retryAfterMs: 7000 },
        ],
        [{ type: 'html' }, { code: 'ERR_PROVIDER', status: 502 }],
        [
          { type: 'html', status: 200 },
          { code: 'ERR_RESPONSE_FORMAT', name: 'ResponseFormatError' },
        ],
        [{ type: 'truncated-json' }, { code: 'ERR_RESPONSE_FORMAT', name: 'ResponseFormatError' }],
        [{ type: 'drop' }, { code: 'ERR_NETWORK', name: 'TransportError' }],
        [
          { type: 'delay', ms: 400 },
          { code: 'ERR_TIMEOUT', name: 'TransportError' },
        ],
        [
          { type: 'status', status: 200, body: '{"request_id":"r","expires_in":3600}' },
          { code: 'ERR_RESPONSE_FORMAT', status: 200 },
        ],
      ];
      for (const [fault, expected] of cases) {
        sandbox.faults.inject(fault, { path: sandbox.tokenPath });
        const error = await errorOf(auth({ retry: 0, timeoutMs: 150 }).getToken());
        expect(error, fault.type).toMatchObject({ provider: 'fondy', ...expected });
      }
    });

    it('reads error_code on a 200 as an error too', async () => {
      sandbox.faults.inject(
        {
          type: 'status',
          status: 200,
          body: JSON.stringify({ error_code: 403, error_message: 'Incorrect signature', request_id: 'req-1' }),
        },
        { path: sandbox.tokenPath },
      );
      const error = await errorOf(auth().getToken());
      expect(isProviderError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'ERR_PROVIDER',
        provider: 'fondy',
        status: 200,
        providerCode: '403',
        providerMessage: 'Incorrect signature',
        details: { requestId: 'req-1' },
      });
      expect(error.message).toBe(
        `fondy answered HTTP 200 (403 Incorrect signature): check applicationId and secretKey, and that the application is registered with ${running.url}`,
      );
      expect(tokenRequests()).toBe(1); // a failure on a 200 is final, like the 403
    });
  });
});

describe('createFondyAuth — ky (Company Reports API)', () => {
  it('sends Authorization: Token <token> and returns the report', async () => {
    const fondy = auth();
    const report = await fondy.ky.post(REPORT, { json: reportBody }).json<{ rows_count: number; fields: string[] }>();
    expect(report.rows_count).toBe(2);
    expect(report.fields[0]).toBe('payment_id');
    const token = await fondy.getToken();
    expect(reportRequests()[0]?.headers.authorization).toBe(`Token ${token.token}`);
    await fondy.ky.post(REPORT, { json: reportBody });
    expect(tokenRequests()).toBe(1);
  });

  for (const reportErrorStatus of [200, 401]) {
    it(`on "Invalid auth token" (HTTP ${reportErrorStatus}) refreshes the token once and retries`, async () => {
      await start({ reportErrorStatus });
      const fondy = auth();
      const first = await fondy.getToken();
      sandbox.expireTokens();
      const report = await fondy.ky.post(REPORT, { json: reportBody }).json<{ rows_count: number }>();
      expect(report.rows_count).toBe(2);
      const second = await fondy.getToken();
      expect(second.token).not.toBe(first.token);
      expect(reportRequests().map((request) => request.headers.authorization)).toEqual([
        `Token ${first.token}`,
        `Token ${second.token}`,
      ]);
      expect(reportRequests().map((request) => request.body)).toEqual([
        JSON.stringify(reportBody),
        JSON.stringify(reportBody),
      ]);
      expect(tokenRequests()).toBe(2);
    });

    it(`refreshes only once: a second "Invalid auth token" (HTTP ${reportErrorStatus}) is ERR_TOKEN_REJECTED`, async () => {
      const fondy = auth();
      sandbox.faults.inject(
        { type: 'status', status: reportErrorStatus, body: invalidTokenBody },
        { path: sandbox.reportPath, times: 5 },
      );
      const error = await errorOf(fondy.ky.post(REPORT, { json: reportBody }));
      expect(error).toMatchObject({
        name: 'ProviderError',
        code: 'ERR_TOKEN_REJECTED',
        status: reportErrorStatus,
        providerCode: 'Invalid auth token',
        providerMessage: 'Invalid auth token',
        provider: 'fondy',
      });
      expect(reportRequests()).toHaveLength(2);
      expect(tokenRequests()).toBe(2);
    });
  }

  it('many concurrent calls with an outdated token share one refresh', async () => {
    const fondy = auth();
    await fondy.getToken();
    sandbox.expireTokens();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => fondy.ky.post(REPORT, { json: reportBody }).json<{ rows_count: number }>()),
    );
    expect(results.every((result) => result.rows_count === 2)).toBe(true);
    expect(tokenRequests()).toBe(2);
  });

  it('recovers when a new token revokes the old one (single active token)', async () => {
    await start({ singleActiveToken: true });
    const a = auth();
    const b = auth();
    await a.getToken();
    await b.getToken(); // revokes a's token
    expect(sandbox.activeTokenCount()).toBe(1);
    await expect(a.ky.post(REPORT, { json: reportBody }).json()).resolves.toMatchObject({ rows_count: 2 });
    expect(tokenRequests()).toBe(3);
  });

  it('with retries disabled, still refreshes a rejected token once and retries the call', async () => {
    const fondy = auth({ retry: 0 });
    await fondy.getToken();
    sandbox.expireTokens();
    await expect(fondy.ky.post(REPORT, { json: reportBody }).json()).resolves.toMatchObject({ rows_count: 2 });
    expect(tokenRequests()).toBe(2);
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: `/${REPORT}` });
    await expect(fondy.ky.post(REPORT, { json: reportBody })).rejects.toMatchObject({ status: 503 });
    expect(sandbox.requests.count(`/${REPORT}`)).toBe(3); // no ordinary retry with retry: 0
  });

  it('turns other { error, err_code } answers into ProviderError, on HTTP 200 too, without a refresh', async () => {
    await start({ merchants: [1549901] });
    const fondy = auth();
    const notFound = await errorOf(fondy.ky.post(REPORT, { json: { ...reportBody, merchant_id: 1 } }));
    expect(notFound).toMatchObject({
      code: 'ERR_PROVIDER',
      status: 200,
      providerCode: 'Merchant not found',
      providerMessage: 'Merchant not found',
      bodyExcerpt: '{"error":"Merchant not found","err_code":"Merchant not found"}',
    });
    expect(notFound.message).toBe('fondy answered HTTP 200 (Merchant not found)');
    await start({ reportErrorStatus: 403 });
    const noAccess = await errorOf(auth().ky.post(REPORT, { json: { ...reportBody, report_id: 1 } }));
    expect(noAccess).toMatchObject({
      code: 'ERR_PROVIDER',
      status: 403,
      providerCode: 'you have no access to this report',
    });
    expect(tokenRequests()).toBe(1);
  });

  it('passes a token-endpoint failure through as the call error', async () => {
    const error = await errorOf(auth({ secretKey: 'wrong' }).ky.post(REPORT, { json: reportBody }));
    expect(error).toMatchObject({ name: 'ProviderError', status: 403, providerMessage: 'Incorrect signature' });
    expect(reportRequests()).toHaveLength(0);
  });

  it('maps every fault mode of the report endpoint to a typed error', async () => {
    const fondy = auth({ timeoutMs: 150 });
    await fondy.getToken();
    const cases: [Parameters<FondySandbox['faults']['inject']>[0], Record<string, unknown>][] = [
      [
        { type: 'status', status: 500 },
        { code: 'ERR_PROVIDER', status: 500 },
      ],
      [
        { type: 'rate-limit', retryAfterSeconds: 3 },
        { code: 'ERR_RATE_LIMITED', retryAfterMs: 3000 },
      ],
      [{ type: 'html' }, { code: 'ERR_PROVIDER', status: 502 }],
      [{ type: 'drop' }, { code: 'ERR_NETWORK' }],
      [{ type: 'delay', ms: 400 }, { code: 'ERR_TIMEOUT' }],
    ];
    for (const [fault, expected] of cases) {
      sandbox.faults.inject(fault, { path: sandbox.reportPath });
      // A report request is a POST: not retried unless asked to.
      const error = await errorOf(fondy.ky.post(REPORT, { json: reportBody }));
      expect(error, fault.type).toMatchObject({ provider: 'fondy', ...expected });
    }
    // Bodies that are not JSON are typed errors when read.
    sandbox.faults.inject({ type: 'html', status: 200 }, { path: sandbox.reportPath });
    const html = await errorOf(fondy.ky.post(REPORT, { json: reportBody }).json());
    expect(html).toMatchObject({
      name: 'ResponseFormatError',
      code: 'ERR_RESPONSE_FORMAT',
      status: 200,
      provider: 'fondy',
    });
    expect(html.message).toBe('fondy answered HTTP 200 with an HTML page instead of JSON');
    expect(html.contentType).toBe('text/html; charset=utf-8');
    sandbox.faults.inject({ type: 'truncated-json' }, { path: sandbox.reportPath });
    await expect(fondy.ky.post(REPORT, { json: reportBody }).json()).rejects.toMatchObject({
      code: 'ERR_RESPONSE_FORMAT',
      message: 'fondy answered HTTP 200 with a truncated or invalid JSON body instead of JSON',
    });
    sandbox.faults.inject({ type: 'status', status: 200, body: '' }, { path: sandbox.reportPath });
    await expect(fondy.ky.post(REPORT, { json: reportBody }).json()).rejects.toMatchObject({
      code: 'ERR_RESPONSE_FORMAT',
      message: 'fondy answered HTTP 200 with an empty body instead of JSON',
    });
  });

  it('retries a report POST on 5xx and dropped connections when the call opts in, re-sending the token', async () => {
    const fondy = auth();
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: sandbox.reportPath });
    sandbox.faults.inject({ type: 'drop' }, { path: sandbox.reportPath });
    const report = await fondy.ky
      .post(REPORT, { json: reportBody, retry: { limit: 2, methods: ['post'], backoffLimit: 10 } })
      .json<{ rows_count: number }>();
    expect(report.rows_count).toBe(2);
    const headers = reportRequests().map((request) => request.headers.authorization);
    expect(headers).toHaveLength(3);
    expect(new Set(headers).size).toBe(1);
  });
});

describe('createFondyAuth — fetch', () => {
  it('adds the token and resolves relative URLs against apiBaseUrl', async () => {
    const fondy = auth();
    const response = await fondy.fetch(REPORT, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reportBody),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rows_count: 2 });
    const token = await fondy.getToken();
    expect(reportRequests()[0]?.headers.authorization).toBe(`Token ${token.token}`);
  });

  it('refreshes once on "Invalid auth token" and re-sends the same body', async () => {
    const fondy = auth();
    await fondy.getToken();
    sandbox.expireTokens();
    const response = await fondy.fetch(
      new Request(`${running.url}/${REPORT}`, { method: 'POST', body: JSON.stringify(reportBody) }),
    );
    expect(await response.json()).toMatchObject({ rows_count: 2 });
    expect(reportRequests().map((request) => request.body)).toEqual([
      JSON.stringify(reportBody),
      JSON.stringify(reportBody),
    ]);
    expect(tokenRequests()).toBe(2);
  });

  it('returns a second rejection and every other answer as it is', async () => {
    await start({ merchants: [1] });
    const fondy = auth();
    sandbox.faults.inject(
      { type: 'status', status: 200, body: invalidTokenBody },
      { path: sandbox.reportPath, times: 2 },
    );
    const rejected = await fondy.fetch(REPORT, { method: 'POST', body: JSON.stringify(reportBody) });
    expect(await rejected.json()).toEqual({ error: 'Invalid auth token', err_code: 'Invalid auth token' });
    expect(tokenRequests()).toBe(2);
    const notFound = await fondy.fetch(new URL(`${running.url}/${REPORT}`), {
      method: 'POST',
      body: JSON.stringify(reportBody),
    });
    expect(await notFound.json()).toEqual({ error: 'Merchant not found', err_code: 'Merchant not found' });
    expect(tokenRequests()).toBe(2);
  });

  it('throws TransportError when the API cannot be reached or the call is aborted', async () => {
    const closed = await createFondySandbox({ applications: [APP] }).listen();
    await closed.close();
    const fondy = auth({ apiBaseUrl: closed.url });
    await expect(fondy.fetch(REPORT, { method: 'POST', body: '{}' })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'ERR_NETWORK',
      provider: 'fondy',
    });
    const aborted = auth();
    await aborted.getToken();
    await expect(
      aborted.fetch(REPORT, { method: 'POST', body: '{}', signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    sandbox.faults.inject({ type: 'delay', ms: 500 }, { path: sandbox.reportPath });
    await expect(
      aborted.fetch(REPORT, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    });
  });
});
