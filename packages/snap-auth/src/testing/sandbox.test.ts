import { createHash, createHmac, createSign } from 'node:crypto';
import { formatIsoTimestamp, isProviderError, isResponseFormatError, isTransportError } from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Harness,
  harness,
  privateKeyPem,
  publicKeyPem,
  START,
} from '../__fixtures__/setup.js';
import { createSnapSandbox } from './sandbox.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN = '/v1.0/access-token/b2b';
const SERVICE = '/v1.0/balance-inquiry';
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('fault injection, through the client (every mode surfaces as a typed error)', () => {
  it('delay: within the timeout it only slows down; beyond it every attempt times out → ERR_TIMEOUT', async () => {
    h = await harness({ auth: { timeoutMs: 300 } });
    h.sandbox.faults.inject({ type: 'delay', ms: 50 }, { path: TOKEN });
    expect(await outcome(h.auth.getAccessToken())).toBe('ok');
    await h.auth.invalidateAccessToken();
    h.sandbox.faults.inject({ type: 'delay', ms: 600 }, { path: TOKEN, times: 3 });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('ERR_TIMEOUT');
    expect(isTransportError(error) && error.attempts).toBe(3);
  });

  it('drop: retried; when every attempt is dropped → ERR_NETWORK', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'drop' }, { path: TOKEN });
    expect(await outcome(h.auth.getAccessToken())).toBe('ok');
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
    await h.auth.invalidateAccessToken();
    h.sandbox.faults.inject({ type: 'drop' }, { path: TOKEN, times: 3 });
    expect(await outcome(h.auth.getAccessToken())).toBe('ERR_NETWORK');
  });

  it('5xx: retried, then ProviderError with the SNAP code', async () => {
    h = await harness();
    const body = JSON.stringify({ responseCode: '5007300', responseMessage: 'General Error' });
    h.sandbox.faults.inject({ type: 'status', status: 500, body }, { path: TOKEN, times: 3 });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 500, providerCode: '5007300' });
    expect(h.sandbox.requests.count(TOKEN)).toBe(3);
  });

  it('429 with Retry-After: waited for, then retried; with no retries left → ERR_RATE_LIMITED', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 1 }, { path: TOKEN });
    const started = Date.now();
    expect(await outcome(h.auth.getAccessToken())).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await h.close();
    h = await harness({ auth: { retry: 0 } });
    h.sandbox.faults.inject({
      type: 'rate-limit',
      retryAfterSeconds: 30,
      body: JSON.stringify({ responseCode: '4297300', responseMessage: 'Too Many Requests' }),
    });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_RATE_LIMITED',
      status: 429,
      retryAfterMs: 30_000,
      providerCode: '4297300',
    });
    expect((error as Error).message).toContain('rate limited');
  });

  it('HTML: a 502 page is a ProviderError (after retries); a 200 page is a ResponseFormatError', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'html' }, { path: TOKEN, times: 3 });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isProviderError(error) && error.status).toBe(502);
    h.sandbox.faults.inject({ type: 'html', status: 200 }, { path: TOKEN });
    const format = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isResponseFormatError(format) && format.message).toContain('HTML page');
  });

  it('truncated JSON → ResponseFormatError, without the partial token in the excerpt', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'truncated-json' }, { path: TOKEN });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isResponseFormatError(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });

  it('faults on the service path reach ky callers as typed errors', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 5 }, { path: SERVICE });
    expect(await outcome(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }))).toBe('ERR_RATE_LIMITED');
    h.sandbox.faults.inject({ type: 'drop' }, { path: SERVICE });
    expect(await outcome(h.auth.ky.post('v1.0/balance-inquiry', { json: {} }))).toBe('ERR_NETWORK');
    expect(h.sandbox.requests.count(SERVICE)).toBe(2);
  });
});

describe('the sandbox as a SNAP provider (raw HTTP, signed with node:crypto)', () => {
  function tokenHeaders(timestamp = formatIsoTimestamp(START), clientId = CLIENT_ID) {
    const signer = createSign('sha256');
    signer.update(`${clientId}|${timestamp}`);
    return {
      'Content-Type': 'application/json',
      'X-TIMESTAMP': timestamp,
      'X-CLIENT-KEY': clientId,
      'X-SIGNATURE': signer.sign(privateKeyPem, 'base64'),
    };
  }
  const sandbox = () =>
    createSnapSandbox({
      clients: [{ clientId: CLIENT_ID, publicKey: privateKeyPem, clientSecret: CLIENT_SECRET }],
      clock: () => START,
    });
  const call = async (s: ReturnType<typeof sandbox>, path: string, init: RequestInit) => {
    const response = await s.handler(new Request(`http://sandbox${path}`, init));
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  };

  it('issues B2B tokens (2007300) with the response headers of the seed', async () => {
    const s = sandbox();
    const response = await call(s, TOKEN, {
      method: 'POST',
      headers: tokenHeaders(),
      body: '{"grantType":"client_credentials","additionalInfo":{}}',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      responseCode: '2007300',
      responseMessage: 'Successful',
      tokenType: 'Bearer',
      expiresIn: '900',
    });
    expect(response.headers.get('x-client-key')).toBe(CLIENT_ID);
    expect(response.headers.get('x-timestamp')).toBe('2026-03-02T10:00:00+07:00');
    expect(s.issuedTokenCount).toBe(1);
  });

  it.each([
    ['X-TIMESTAMP', 400, '4007302', 'Invalid Mandatory Field [X-TIMESTAMP]'],
    ['X-CLIENT-KEY', 400, '4007302', 'Invalid Mandatory Field [X-CLIENT-KEY]'],
    ['X-SIGNATURE', 400, '4007302', 'Invalid Mandatory Field [X-SIGNATURE]'],
  ])('token endpoint without %s → %i %s', async (missing, status, code, message) => {
    const headers: Record<string, string> = tokenHeaders();
    delete headers[missing];
    const response = await call(sandbox(), TOKEN, {
      method: 'POST',
      headers,
      body: '{"grantType":"client_credentials"}',
    });
    expect(response).toMatchObject({ status, body: { responseCode: code, responseMessage: message } });
  });

  it.each([
    [
      'an out-of-window timestamp',
      () => tokenHeaders(formatIsoTimestamp(START + 301_000)),
      '{"grantType":"client_credentials"}',
      400,
      '4007301',
    ],
    [
      'a malformed timestamp',
      () => ({ ...tokenHeaders(), 'X-TIMESTAMP': '2026-03-02 10:00:00' }),
      '{"grantType":"client_credentials"}',
      400,
      '4007301',
    ],
    [
      'an unknown client',
      () => tokenHeaders(undefined, 'nobody'),
      '{"grantType":"client_credentials"}',
      401,
      '4017300',
    ],
    [
      'a bad signature',
      () => ({ ...tokenHeaders(), 'X-SIGNATURE': 'AAAA' }),
      '{"grantType":"client_credentials"}',
      401,
      '4017300',
    ],
    ['a body that is not JSON', () => tokenHeaders(), 'grantType=client_credentials', 400, '4007300'],
    ['no grantType', () => tokenHeaders(), '{}', 400, '4007302'],
    ['another grantType', () => tokenHeaders(), '{"grantType":"password"}', 400, '4007301'],
  ])('token endpoint with %s', async (_name, headers, body, status, code) => {
    const response = await call(sandbox(), TOKEN, { method: 'POST', headers: headers(), body });
    expect(response.status).toBe(status);
    expect(response.body.responseCode).toBe(code);
  });

  it('B2B2C endpoint: service code 74 for its errors, mandatory grant fields', async () => {
    const s = sandbox();
    const post = (body: unknown, headers: Record<string, string> = tokenHeaders()) =>
      call(s, '/v1.0/access-token/b2b2c', { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post({ grantType: 'AUTHORIZATION_CODE' })).body.responseCode).toBe('4007402');
    expect((await post({ grantType: 'REFRESH_TOKEN' })).body.responseCode).toBe('4007402');
    expect((await post({ grantType: 'AUTHORIZATION_CODE', authCode: 'unknown' })).body.responseCode).toBe('4017400');
    expect((await post({ grantType: 'CLIENT_CREDENTIALS' })).body.responseCode).toBe('4007401');
    expect((await post({ grantType: 'authorization_code', authCode: s.issueAuthCode() })).body.responseCode).toBe(
      '2007400',
    );
    const { 'X-CLIENT-KEY': _, ...withoutKey } = tokenHeaders();
    expect((await post({}, withoutKey)).body.responseCode).toBe('4007402');
    expect(() => s.issueAuthCode({ clientId: 'nobody' })).toThrow(TypeError);
  });

  it('answers 405 to a GET on a token endpoint and 404 elsewhere', async () => {
    const s = sandbox();
    expect((await call(s, TOKEN, { method: 'GET' })).body.responseCode).toBe('4057300');
    expect((await call(s, '/v1.0/access-token/b2b2c', { method: 'GET' })).body.responseCode).toBe('4057400');
    expect(await call(s, '/nope', { method: 'GET' })).toMatchObject({ status: 404, body: { responseCode: '4040002' } });
  });

  it('service endpoint: verifies bearer token, partner id, body, signature, and the X-EXTERNAL-ID per day', async () => {
    const s = sandbox();
    const { body } = await call(s, TOKEN, {
      method: 'POST',
      headers: tokenHeaders(),
      body: '{"grantType":"client_credentials"}',
    });
    const token = body.accessToken as string;
    const timestamp = formatIsoTimestamp(START);
    const serviceHeaders = (payload: string, overrides: Record<string, string> = {}) => {
      const minified = payload.replace(/\s+/g, '');
      const hash = createHash('sha256').update(minified).digest('hex');
      const signature = createHmac('sha512', CLIENT_SECRET)
        .update(`POST:${SERVICE}:${token}:${hash}:${timestamp}`)
        .digest('base64');
      return {
        Authorization: `Bearer ${token}`,
        'X-TIMESTAMP': timestamp,
        'X-SIGNATURE': signature,
        'X-PARTNER-ID': CLIENT_ID,
        'X-EXTERNAL-ID': '1',
        'CHANNEL-ID': '95221',
        ...overrides,
      };
    };
    const post = (payload: string, overrides: Record<string, string> = {}) =>
      call(s, SERVICE, { method: 'POST', headers: serviceHeaders(payload, overrides), body: payload });
    expect((await post('{ "a": 1 }')).body.responseCode).toBe('2001100');
    expect((await post('{"a":1}')).body.responseCode).toBe('4091100');
    expect((await post('{"a":1}', { 'X-EXTERNAL-ID': '1'.repeat(37) })).body.responseCode).toBe('4001101');
    expect((await post('{"a":1}', { 'X-EXTERNAL-ID': '2', 'X-PARTNER-ID': 'x' })).body.responseCode).toBe('4017300');
    expect((await post('{"a":1}', { 'X-EXTERNAL-ID': '3', Authorization: 'Bearer nope' })).body.responseCode).toBe(
      '4017301',
    );
    expect((await post('{"a":', { 'X-EXTERNAL-ID': '4' })).body.responseCode).toBe('4001100');
    expect(
      (await post('{"a":2}', { 'X-EXTERNAL-ID': '5', 'X-SIGNATURE': serviceHeaders('{"a":1}')['X-SIGNATURE'] })).body
        .responseCode,
    ).toBe('4017300');
    s.expireTokens();
    expect((await post('{"a":1}', { 'X-EXTERNAL-ID': '6' })).body.responseCode).toBe('4017301');
  });

  it('exposes its notification key as SPKI PEM, takes a given key, and validates its options', () => {
    const s = createSnapSandbox({
      clients: [{ clientId: 'c', publicKey: publicKeyPem, clientSecret: 's' }],
      providerPrivateKey: privateKeyPem,
    });
    expect(s.providerPublicKey).toBe(publicKeyPem);
    expect(() => createSnapSandbox({ clients: [] })).toThrow(TypeError);
    expect(() => s.expireTokensEarly(-1)).toThrow(TypeError);
  });
});
