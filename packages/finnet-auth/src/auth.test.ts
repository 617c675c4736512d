import { inspect } from 'node:util';
import {
  isConfigError,
  isInputError,
  isProviderError,
  isResponseFormatError,
  memoryTokenStore,
} from '@org/signing-core';
import { describe, expect, it, vi } from 'vitest';
import { bodyOf, fakeClock, SECRET, setup, T0 } from './__fixtures__/harness.js';
import { createFinnetAuth } from './client/auth.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from './protocol/provider.js';
import { finnetSignature } from './protocol/signature.js';

const HOUR = 3_600_000;
const topUp = { requestType: 'widgetTopUp', phoneNumber: '08111008696' } as const;

async function expectValidSignature(body: Record<string, string>, hexKeyCase: 'lower' | 'upper' = 'lower') {
  expect(body.signature).toBe(await finnetSignature(body, SECRET, { hexKeyCase }));
}

describe('getToken', () => {
  it('POSTs exactly {reqDtime, requestType, transNumber, signature}, in that order, signed', async () => {
    const { sandbox, auth } = await setup();
    const token = await auth().getToken();

    const [request] = sandbox.requests.to(FINNET_TOKEN_PATH);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    const body = bodyOf(request);
    expect(Object.keys(body)).toEqual(['reqDtime', 'requestType', 'transNumber', 'signature']);
    expect(body.reqDtime).toBe('20240821142750');
    expect(body.requestType).toBe('getToken');
    expect(body.transNumber).toMatch(/^TKN20240821142750[A-Za-z0-9]{12}$/);
    await expectValidSignature(body);

    expect(token.token).toMatch(/^\d{17}[0-9A-F]{61}$/);
    // Expiry read from tokenExpiry (72 h by default in the sandbox), not hard-coded.
    expect(token.expiresAt.getTime()).toBe(T0 + 72 * HOUR);
    expect(token.data).toEqual({ tokenExpiry: '24-AUG-24 14:27:50' });
  });

  it('sends no Authorization header without username/password', async () => {
    const { sandbox, auth } = await setup();
    await auth().getToken();
    expect(sandbox.requests.to(FINNET_TOKEN_PATH)[0]?.headers.authorization).toBeUndefined();
  });

  it('sends Authorization: Basic base64(username:password) on every call when given', async () => {
    const { sandbox, auth } = await setup({ username: 'merchant', password: 'p@ss:word' });
    const client = auth({ username: 'merchant', password: 'p@ss:word' });
    await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    const expected = `Basic ${Buffer.from('merchant:p@ss:word').toString('base64')}`;
    expect(sandbox.requests.all.map((r) => r.headers.authorization)).toEqual([expected, expected]);
  });

  it('surfaces a refused Basic auth (sandbox HTTP 401) as a ProviderError', async () => {
    const { auth } = await setup({ username: 'merchant', password: 'right' });
    for (const client of [auth(), auth({ username: 'merchant', password: 'wrong' })]) {
      const error = await client.getToken().catch((e: unknown) => e);
      expect(isProviderError(error)).toBe(true);
      if (!isProviderError(error)) continue;
      expect(error.status).toBe(401);
      expect(error.providerCode).toBe('E08');
      expect(error.provider).toBe('finnet');
    }
  });

  it.each([
    ['the first second of a year', '2024-12-31T17:00:00.000Z', '20250101000000'],
    ['the last second of a year', '2024-12-31T16:59:59.999Z', '20241231235959'],
    ['a leap day', '2024-02-28T17:00:00.000Z', '20240229000000'],
    ['the day after a leap day', '2024-02-29T17:00:00.000Z', '20240301000000'],
    ['the first of a month', '2024-01-31T17:00:00.000Z', '20240201000000'],
    ['March 1st of a common year', '2023-02-28T17:00:00.000Z', '20230301000000'],
    ['midnight UTC (07:00 GMT+7)', '2024-08-21T00:00:00.000Z', '20240821070000'],
  ])('computes reqDtime in GMT+7 at %s', async (_name, iso, expected) => {
    const { sandbox, auth } = await setup({}, fakeClock(Date.parse(iso)));
    await auth().getToken(); // the sandbox checks the signature and the reqDtime window on the same clock
    const body = bodyOf(sandbox.requests.to(FINNET_TOKEN_PATH)[0]);
    expect(body.reqDtime).toBe(expected);
    expect(body.transNumber?.slice(3, 17)).toBe(expected);
  });

  it('reads the clock once per request: the reqDtime in the body is the one signed', async () => {
    // A clock that moves a second on every reading: two readings would disagree.
    let now = T0;
    const clock = () => {
      now += 1000;
      return now;
    };
    const { sandbox, auth } = await setup({ reqDtimeToleranceSeconds: false });
    const client = auth({ clock });
    await client.getToken();
    await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    for (const request of sandbox.requests.all) await expectValidSignature(bodyOf(request));
    expect(sandbox.requests.count(FINNET_WIDGET_TOP_UP_PATH)).toBe(1);
  });

  it('caches the token: many calls, one request', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    const first = await client.getToken();
    for (let i = 0; i < 5; i++) expect((await client.getToken()).token).toBe(first.token);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it('is single-flight: 50 concurrent callers, exactly one getToken', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject({ type: 'delay', ms: 100 });
    const client = auth();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.getToken()));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it.each([
    [3600, 60_000],
    [600, 30_000],
  ])('keeps a %is token until tokenExpiry minus the margin, then fetches a new one', async (ttl, margin) => {
    const { sandbox, auth, time } = await setup({ tokenTtlSeconds: ttl });
    const client = auth({ expiryMarginMs: margin, refreshAheadMs: 0 });
    const first = await client.getToken();
    expect(first.expiresAt.getTime()).toBe(T0 + ttl * 1000);

    time.advance(ttl * 1000 - margin - 1000);
    expect((await client.getToken()).token).toBe(first.token);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);

    time.advance(2000);
    const second = await client.getToken();
    expect(second.token).not.toBe(first.token);
    expect(second.expiresAt.getTime()).toBe(time.now + ttl * 1000 - (time.now % 1000));
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('refreshes ahead in the background: callers keep the current token meanwhile', async () => {
    const { sandbox, auth, time } = await setup({ tokenTtlSeconds: 3600 });
    const client = auth({ expiryMarginMs: 0, refreshAheadMs: 300_000 });
    const first = await client.getToken();
    time.advance(3600_000 - 200_000); // inside the refresh window, still valid
    expect((await client.getToken()).token).toBe(first.token);
    // The background fetch replaces the token without anyone waiting for it.
    await vi.waitFor(async () => expect((await client.getToken()).token).not.toBe(first.token));
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('forceRefresh fetches a new token; invalidateToken drops the given one', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    const first = await client.getToken();
    const forced = await client.getToken({ forceRefresh: true });
    expect(forced.token).not.toBe(first.token);
    await client.invalidateToken(first); // already replaced: kept
    expect((await client.getToken()).token).toBe(forced.token);
    await client.invalidateToken(forced);
    expect((await client.getToken()).token).not.toBe(forced.token);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(3);
  });

  it('shares a token store between clients with the same cache key', async () => {
    const { sandbox, auth } = await setup();
    const store = memoryTokenStore();
    const a = await auth({ tokenStore: store }).getToken();
    const b = await auth({ tokenStore: store }).getToken();
    expect(b.token).toBe(a.token);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
    await auth({ tokenStore: store, cacheKey: 'finnet:other' }).getToken();
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('uses the transNumber generator option, and refuses a bad value from it', async () => {
    const { sandbox, auth } = await setup();
    const generator = vi.fn(({ requestType, now }: { requestType: string; now: number }) => `${requestType}${now}`);
    await auth({ transNumber: generator }).getToken();
    expect(generator).toHaveBeenCalledWith({ requestType: 'getToken', now: T0 });
    expect(bodyOf(sandbox.requests.all[0]).transNumber).toBe(`getToken${T0}`);

    const error = await auth({ transNumber: () => 'has-dash' })
      .getToken()
      .catch((e: unknown) => e);
    expect(isInputError(error) && error.field === 'transNumber').toBe(true);
    expect((error as Error).message).toContain('letters or digits');
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it('generates a different transNumber for every request', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    for (let i = 0; i < 5; i++) await client.getToken({ forceRefresh: true });
    const numbers = sandbox.requests.all.map((r) => bodyOf(r).transNumber);
    expect(new Set(numbers).size).toBe(5);
  });

  it('turns statusCode !== "000" into a ProviderError with statusCode and statusDesc', async () => {
    const { sandbox, auth } = await setup({ secretKey: 'another secret' });
    const error = await auth()
      .getToken()
      .catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error.code).toBe('ERR_PROVIDER');
    expect(error.status).toBe(200);
    expect(error.providerCode).toBe('E04');
    expect(error.providerMessage).toBe('Invalid signature');
    expect(error.message).toBe('finnet getToken answered HTTP 200 (E04 Invalid signature)');
    const sent = bodyOf(sandbox.requests.all[0]);
    expect(error.details).toEqual({ requestType: 'getToken', reqDtime: sent.reqDtime, transNumber: sent.transNumber });
  });

  it.each([
    ['a tokenExpiry in another format', { tokenExpiry: '2024-08-24 16:23:30' }, 'DD-MMM-YY HH24:MI:SS'],
    ['no tokenExpiry', { tokenExpiry: undefined }, 'without a tokenExpiry string'],
    ['a numeric tokenExpiry', { tokenExpiry: 1724491410 }, 'without a tokenExpiry string'],
    ['no tokenID', { tokenID: undefined }, 'without a tokenID string'],
    ['no statusCode', { statusCode: undefined }, 'no statusCode string'],
    ['a numeric statusCode', { statusCode: 0 }, 'no statusCode string'],
  ])('answers ResponseFormatError for a 000 answer with %s', async (_name, change, message) => {
    const { sandbox, auth } = await setup();
    const body = {
      statusCode: '000',
      statusDesc: 'Berhasil',
      tokenID: '20240821162411771B7219C0DB6E6374075F8E7D28D89AE9F7905E73E01202365345C5A965574D',
      tokenExpiry: '24-AUG-24 16:23:30',
      processingTime: 0.1,
      ...change,
    };
    sandbox.faults.inject({ type: 'status', status: 200, body: JSON.stringify(body) });
    const error = await auth()
      .getToken()
      .catch((e: unknown) => e);
    expect(isResponseFormatError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as { provider?: string }).provider).toBe('finnet');
  });

  const sampleAnswer =
    '{"statusCode":"000","statusDesc":"Berhasil","tokenID":"20240821162411771B7219C0DB6E6374075F8E7D28D89AE9F7905E73E01202365345C5A965574D","tokenExpiry":"24-AUG-24 16:23:30","processingTime":0.11939597129821777}';

  it('accepts the documented sample answer, its tokenExpiry read as GMT+7', async () => {
    const { sandbox, auth } = await setup({}, fakeClock(Date.parse('2024-08-24T09:00:00Z')));
    sandbox.faults.inject({ type: 'status', status: 200, body: sampleAnswer });
    const token = await auth().getToken();
    expect(token.expiresAt.toISOString()).toBe('2024-08-24T09:23:30.000Z');
  });

  it('refuses a tokenExpiry already past with a typed error naming it, and caches nothing', async () => {
    const { sandbox, auth } = await setup({}, fakeClock(Date.parse('2024-08-25T00:00:00Z')));
    sandbox.faults.inject({ type: 'status', status: 200, body: sampleAnswer });
    const client = auth();
    const error = await client.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect((error as Error).message).toContain('tokenExpiry');
    expect((error as Error).message).not.toContain('20240821162411771B72');
    // Not cached: the next call asks again (the sandbox now answers normally).
    expect((await client.getToken()).token).not.toContain('20240821162411771B72');
  });

  it('uses the development host by default and the given baseUrl/tokenPath otherwise', async () => {
    const urls: string[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      urls.push(input instanceof Request ? input.url : String(input));
      return new Response('{"statusCode":"000","statusDesc":"ok","tokenID":"T","tokenExpiry":"24-AUG-99 16:23:30"}', {
        headers: { 'content-type': 'application/json' },
      });
    };
    const clock = () => Date.parse('2099-08-24T00:00:00Z');
    await createFinnetAuth({ secretKey: SECRET, fetch, clock }).getToken();
    await createFinnetAuth({
      secretKey: SECRET,
      fetch,
      clock,
      baseUrl: 'https://finnet.example.com/',
      tokenPath: '/custom/getToken',
    }).getToken();
    expect(urls).toEqual([
      'https://demos.finnet.co.id/apicobrand/security/getToken',
      'https://finnet.example.com/custom/getToken',
    ]);
  });
});

describe('signature failures and the dev server\'s "expected signature"', () => {
  it('tells which hexKeyCase the server expects, without showing its signature', async () => {
    const { sandbox, auth } = await setup({ hexKeyCase: 'upper', debugExpectedSignature: true });
    const error = await auth()
      .getToken()
      .catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error.providerCode).toBe('E04');
    expect(error.message).toContain("matches hexKeyCase 'upper': set hexKeyCase: 'upper'");
    expect(error.details?.signatureHint).toContain("set hexKeyCase: 'upper'");
    expect(error.bodyExcerpt).toContain('"expectedSignature":"[REDACTED]"');
    const upper = await finnetSignature(bodyOf(sandbox.requests.all[0]), SECRET, { hexKeyCase: 'upper' });
    expect(JSON.stringify(error)).not.toContain(upper);
    expect(error.message).not.toContain(upper);

    await expect(auth({ hexKeyCase: 'upper' }).getToken()).resolves.toBeDefined();
  });

  it('says when the expected signature matches neither key case', async () => {
    const { auth } = await setup({ debugExpectedSignature: true });
    const error = await auth({ secretKey: 'wrong secret' })
      .getToken()
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('matches neither hex key case');
  });

  it('gives no hint when the server does not include an expected signature (the default)', async () => {
    const { auth } = await setup({ hexKeyCase: 'upper' });
    const error = await auth()
      .getToken()
      .catch((e: unknown) => e);
    expect(isProviderError(error) && error.details?.signatureHint).toBe(undefined);
  });
});

describe('request() and sign()', () => {
  it('adds tokenID, reqDtime, transNumber and signature, and returns the answer', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    const token = await client.getToken();
    const result = await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);

    const body = bodyOf(sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH)[0]);
    expect(Object.keys(body)).toEqual([
      'requestType',
      'reqDtime',
      'tokenID',
      'transNumber',
      'phoneNumber',
      'signature',
    ]);
    expect(body).toMatchObject({ requestType: 'widgetTopUp', reqDtime: '20240821142750', phoneNumber: '08111008696' });
    expect(body.tokenID).toBe(token.token);
    expect(body.transNumber).toMatch(/^TRX20240821142750[A-Za-z0-9]{12}$/);
    await expectValidSignature(body);

    expect(result.status).toBe(200);
    expect(result.data.statusCode).toBe('000');
    expect(result.data.widgetURL).toMatch(/\/apicobrand\/widget\/api\/topup\.php\?access=[0-9a-f]{64}$/);
    expect(typeof result.data.processingTime).toBe('number');
    expect(result).toMatchObject({
      requestType: 'widgetTopUp',
      reqDtime: body.reqDtime,
      transNumber: body.transNumber,
    });
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it('accepts both documented spellings of the Top Up requestType', async () => {
    const { auth } = await setup();
    const client = auth();
    await expect(
      client.request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, requestType: 'widgetTopup' }),
    ).resolves.toMatchObject({
      data: { statusCode: '000' },
    });
  });

  it('keeps a caller-supplied transNumber', async () => {
    const { sandbox, auth } = await setup();
    const result = await auth().request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, transNumber: 'ORDER123' });
    expect(result.transNumber).toBe('ORDER123');
    expect(bodyOf(sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH)[0]).transNumber).toBe('ORDER123');
    // A field set to undefined counts as absent: a transNumber is generated.
    const generated = await auth().request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, transNumber: undefined });
    expect(generated.transNumber).toMatch(/^TRX/);
  });

  it('re-fetches the token once when the call reports it invalid, then succeeds', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    const first = await client.getToken();
    sandbox.expireTokens();
    const info = vi.fn();
    const result = await auth({ logger: { info } }).request(FINNET_WIDGET_TOP_UP_PATH, topUp); // own cache: fetches
    expect(result.data.statusCode).toBe('000');

    const viaClient = await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    expect(viaClient.data.statusCode).toBe('000');
    const topUps = sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH).map(bodyOf);
    expect(topUps.map((b) => b.tokenID === first.token)).toEqual([false, true, false]);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(3);
    expect((await client.getToken()).token).toBe(topUps[2]?.tokenID);
    expect(info).not.toHaveBeenCalled();
  });

  it('ky and fetch: the caller sends its fields, every attempt is completed and signed, a rejected tokenID refreshed once', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    const first = await client.getToken();
    sandbox.expireTokens();
    const viaKy = await client.ky
      .post(FINNET_WIDGET_TOP_UP_PATH.slice(1), { json: topUp })
      .json<{ statusCode: string }>();
    expect(viaKy.statusCode).toBe('000');
    sandbox.expireTokens();
    const viaFetch = await client.fetch(FINNET_WIDGET_TOP_UP_PATH, { method: 'POST', body: JSON.stringify(topUp) });
    expect(((await viaFetch.json()) as { statusCode: string }).statusCode).toBe('000');
    const sent = sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH).map(bodyOf);
    // ky: rejected, then the new token; fetch: the same.
    expect(sent.map((b) => b.tokenID === first.token)).toEqual([true, false, false, false]);
    expect(sent[1]?.tokenID).not.toBe(sent[3]?.tokenID);
    for (const body of sent) {
      expect(body).toMatchObject({ requestType: 'widgetTopUp', phoneNumber: '08111008696' });
      await expectValidSignature({ ...body });
    }
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(3);
  });

  it('ky throws a ProviderError for a statusCode other than 000 on HTTP 200; bad bodies are InputErrors', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    sandbox.faults.inject(
      { type: 'status', status: 200, body: JSON.stringify({ statusCode: 'E01', statusDesc: 'Invalid amount' }) },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    const error = await client.ky
      .post(FINNET_WIDGET_TOP_UP_PATH.slice(1), { json: topUp })
      .json()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 200, providerCode: 'E01' });
    const notJson = await client
      .fetch(FINNET_WIDGET_TOP_UP_PATH, { method: 'POST', body: 'phone=0811' })
      .catch((e: unknown) => e);
    expect(notJson).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'body' });
    const computed = await client.ky
      .post(FINNET_WIDGET_TOP_UP_PATH.slice(1), { json: { ...topUp, signature: 'x' } })
      .catch((e: unknown) => e);
    expect(computed).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'signature' });
    expect(await client.signRequest(topUp)).toMatchObject({ requestType: 'widgetTopUp' });
  });

  it('gives up with ERR_TOKEN_REJECTED when the fresh token is rejected too (no loop)', async () => {
    const { sandbox, auth } = await setup();
    const rejected = JSON.stringify({
      statusCode: 'E07',
      statusDesc: 'Invalid or expired token',
      processingTime: 0.01,
    });
    sandbox.faults.inject(
      { type: 'status', status: 200, body: rejected },
      { path: FINNET_WIDGET_TOP_UP_PATH, times: 5 },
    );
    const error = await auth()
      .request(FINNET_WIDGET_TOP_UP_PATH, topUp)
      .catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error.code).toBe('ERR_TOKEN_REJECTED');
    expect(error.providerCode).toBe('E07');
    expect(error.message).toContain('the token was rejected');
    expect(sandbox.requests.count(FINNET_WIDGET_TOP_UP_PATH)).toBe(2);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('also re-fetches on a non-2xx answer that reports the token invalid', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject(
      { type: 'status', status: 401, body: '{"statusCode":"401","statusDesc":"Token expired"}' },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    await expect(auth().request(FINNET_WIDGET_TOP_UP_PATH, topUp)).resolves.toMatchObject({
      data: { statusCode: '000' },
    });
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('does not re-fetch for failures that are not about the token', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject(
      { type: 'status', status: 200, body: '{"statusCode":"X99","statusDesc":"Sesi habis"}' },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    const error = await auth()
      .request(FINNET_WIDGET_TOP_UP_PATH, topUp)
      .catch((e: unknown) => e);
    expect(isProviderError(error) && error.code).toBe('ERR_PROVIDER');
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it('takes a custom isTokenRejected predicate', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject(
      { type: 'status', status: 200, body: '{"statusCode":"X99","statusDesc":"Sesi habis"}' },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    const isTokenRejected = vi.fn(({ statusCode }: { statusCode: string | undefined }) => statusCode === 'X99');
    await expect(auth({ isTokenRejected }).request(FINNET_WIDGET_TOP_UP_PATH, topUp)).resolves.toMatchObject({
      data: { statusCode: '000' },
    });
    expect(isTokenRejected).toHaveBeenCalledWith({
      status: 200,
      statusCode: 'X99',
      statusDesc: 'Sesi habis',
      body: { statusCode: 'X99', statusDesc: 'Sesi habis' },
    });
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('treats a throwing predicate as "not token-related" and logs it', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject(
      { type: 'status', status: 200, body: '{"statusCode":"E07","statusDesc":"Invalid or expired token"}' },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    const warn = vi.fn();
    const client = auth({
      logger: { warn },
      isTokenRejected: () => {
        throw new Error('bug');
      },
    });
    const error = await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp).catch((e: unknown) => e);
    expect(isProviderError(error) && error.code).toBe('ERR_PROVIDER');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('isTokenRejected option threw'), { error: 'Error: bug' });
  });

  it.each([
    [{ ...topUp, phoneNumber: '0811100869612' }, 'phoneNumber', 'is 13 characters long; Finnet documents at most 12'],
    [{ ...topUp, phoneNumber: '' }, 'phoneNumber', 'must not be empty'],
    [{ ...topUp, transNumber: 'ORDER-1' }, 'transNumber', 'letters or digits'],
    [{ ...topUp, transNumber: 'A'.repeat(101) }, 'transNumber', '101 characters'],
    [{ ...topUp, signature: 'X' }, 'signature', 'computed by the client'],
    [{ ...topUp, reqDtime: '20240101000000' }, 'reqDtime', 'computed by the client'],
    [{ ...topUp, tokenID: 'T' }, 'tokenID', 'computed by the client'],
    [{ ...topUp, amount: 10000 }, 'amount', 'must be a string'],
    [{ phoneNumber: '0811' }, 'requestType', 'non-empty string'],
    [{ requestType: 'getToken' }, 'requestType', 'sent by getToken()'],
  ])('validates fields before sending (%#: %s)', async (params, field, message) => {
    const { sandbox, auth } = await setup();
    const client = auth();
    for (const call of [
      () => client.request(FINNET_WIDGET_TOP_UP_PATH, params as never),
      () => client.sign(params as never),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(isInputError(error)).toBe(true);
      if (!isInputError(error)) continue;
      expect(error.field).toBe(field);
      expect(error.message).toContain(message);
      expect(error.provider).toBe('finnet');
    }
    expect(sandbox.requests.all).toHaveLength(0); // not even a token was fetched
  });

  it('sends and signs body fields named constructor, toString, __proto__ and hasOwnProperty', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    const extra = { constructor: 'c', toString: 't', ['__proto__']: 'p', hasOwnProperty: 'h' };
    const params = { ...topUp, ...extra };
    expect(Object.keys(params)).toContain('__proto__'); // an own field, as a caller's JSON.parse would give
    // The sandbox knows only the documented Top Up fields: it answers E02 for the first extra one,
    // which shows the field reached it.
    const error = await client.request(FINNET_WIDGET_TOP_UP_PATH, params).catch((e: unknown) => e);
    expect(isProviderError(error) && error.providerCode).toBe('E02');
    expect((error as Error).message).toContain('Bad field');
    const request = sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH)[0];
    const body = bodyOf(request);
    expect(Object.keys(body)).toEqual([
      'requestType',
      'reqDtime',
      'tokenID',
      'transNumber',
      'phoneNumber',
      'constructor',
      'toString',
      '__proto__',
      'hasOwnProperty',
      'signature',
    ]);
    expect(request?.body).toContain('"__proto__":"p"');
    expect(body).toMatchObject({ constructor: 'c', toString: 't', hasOwnProperty: 'h' });
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toBe('p');
    // Signed over every field: the message has c, t, p and h in byte order of the names.
    await expectValidSignature(body);
    const without = Object.fromEntries(Object.entries(body).filter(([name]) => !(name in extra)));
    expect(await finnetSignature(without, SECRET)).not.toBe(body.signature);

    // sign() builds the same body.
    const signed = await client.sign(params);
    expect(Object.keys(signed.fields)).toEqual(Object.keys(body));
    expect(Object.keys(JSON.parse(signed.body))).toEqual(Object.keys(body));
    await expectValidSignature({ ...signed.fields });
  });

  it('applies the Top Up requestType limit (12) to the Top Up path', async () => {
    const { sandbox, auth } = await setup();
    const error = await auth()
      .request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, requestType: 'widgetTopUpNow' })
      .catch((e: unknown) => e);
    expect(isInputError(error) && error.field).toBe('requestType');
    expect((error as Error).message).toContain('is 14 characters long; Finnet documents at most 12');
    expect(sandbox.requests.all).toHaveLength(0);
  });

  it('allows requestType up to the Top Up limit (widgetTopUp is 11 of 12) and no limit for other calls', async () => {
    const { sandbox, auth } = await setup();
    const signed = await auth().sign({ requestType: 'mutasiBalance', phoneNumber: '0811' });
    expect(signed.requestType).toBe('mutasiBalance');
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it('rejects a bad path', async () => {
    const { auth } = await setup();
    await expect(auth().request(42 as never, topUp)).rejects.toBeInstanceOf(TypeError);
    const error = await auth()
      .request('apicobrand/widget/topup', topUp)
      .catch((e: unknown) => e);
    expect(isInputError(error) && error.field).toBe('path');
    await expect(auth().request(FINNET_WIDGET_TOP_UP_PATH, null as never)).rejects.toBeInstanceOf(TypeError);
  });

  it('sign() builds a body that a plain fetch can send, and hides its secrets when printed', async () => {
    const { sandbox, auth, url } = await setup();
    const client = auth();
    const signed = await client.sign(topUp);
    const token = await client.getToken();
    expect(signed.fields.tokenID).toBe(token.token);
    expect(JSON.parse(signed.body)).toEqual(signed.fields);
    expect(signed.signature).toBe(signed.fields.signature);
    await expectValidSignature({ ...signed.fields });
    expect(signed).toMatchObject({ requestType: 'widgetTopUp', reqDtime: '20240821142750' });

    const printed = JSON.stringify(signed);
    expect(printed).not.toContain(token.token);
    expect(printed).not.toContain(signed.signature);
    expect(String(signed)).toMatch(/^FinnetSignedRequest \{/);
    expect(`${String(signed)} ${inspect(signed, { depth: 10 })} ${JSON.stringify({ ...signed })}`).not.toMatch(
      new RegExp(`${token.token}|${signed.signature}`),
    );

    const response = await fetch(`${url}${FINNET_WIDGET_TOP_UP_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: signed.body,
    });
    expect(((await response.json()) as { statusCode: string }).statusCode).toBe('000');
    expect(sandbox.requests.count(FINNET_WIDGET_TOP_UP_PATH)).toBe(1);
  });
});

describe('options', () => {
  it('name the option a typo most likely meant (hexKeyCase for hexkeycase)', () => {
    expect(() => createFinnetAuth({ secretKey: 'k', hexkeycase: 'upper' } as never)).toThrow(
      expect.objectContaining({ provider: 'finnet', message: expect.stringContaining('did you mean `hexKeyCase`?') }),
    );
  });

  it('are validated up front, naming every bad field and never its value', () => {
    let caught: unknown;
    try {
      createFinnetAuth({
        secretKey: '',
        username: 'only-user',
        baseUrl: 'ftp://secret-host',
        hexKeyCase: 'UPPER',
        timeoutMs: 0,
        secret: 'typo',
      } as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    if (!isConfigError(caught)) return;
    expect(caught.message.startsWith('[@org/finnet-auth] invalid options:')).toBe(true);
    expect(caught.issues.map((issue) => issue.path).sort()).toEqual(
      ['baseUrl', 'hexKeyCase', 'secret', 'secretKey', 'timeoutMs'].sort(),
    );
    expect(caught.message).not.toContain('only-user');
    expect(caught.message).not.toContain('secret-host');
    expect(caught.message).not.toContain('typo');
  });

  it('requires username and password together', () => {
    const error = (() => {
      try {
        createFinnetAuth({ secretKey: 's', username: 'u' });
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(error) && error.issues).toEqual([
      { path: 'password', expected: 'username and password together, or neither', received: 'undefined' },
    ]);
  });

  it('rejects a non-object', () => {
    expect(() => createFinnetAuth(undefined as never)).toThrow(/expected an object/);
  });
});

describe('options: missing and unknown keys', () => {
  it('says what a missing secretKey should be, and names an unknown option without its value', () => {
    let caught: unknown;
    try {
      createFinnetAuth({ secretkey: 'hunter2-value' } as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught) && caught.issues).toEqual([
      { path: 'secretKey', expected: 'the merchant secret key as a non-empty string', received: 'undefined' },
      {
        path: 'secretkey',
        expected: expect.stringMatching(/^a known option \(secretKey, username, password, baseUrl, /),
        received: 'a string of 13 characters',
        suggestion: 'secretKey',
      },
    ]);
    expect((caught as Error).message).not.toContain('hunter2-value');
  });
});
