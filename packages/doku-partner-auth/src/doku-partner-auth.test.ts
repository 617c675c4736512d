import {
  formatUtcTimestamp,
  isConfigError,
  isInputError,
  isProviderError,
  isResponseFormatError,
  isSignatureError,
  isTransportError,
  memoryTokenStore,
} from '@org/signing-core';
import type { RecordedRequest } from '@org/signing-core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CLIENT,
  eventually,
  FAST_RETRY,
  FILE_PATH,
  logoUpload,
  manualClock,
  REQUIREMENTS_QUERY,
  TOKEN_PATH,
  withSandbox,
} from './__fixtures__/helpers.js';
import { TOKEN_VECTOR } from './__fixtures__/vectors.js';
import { createDokuPartnerAuth, type DokuPartnerAuthOptions } from './index.js';
import { dokuSignature } from './protocol/signature.js';
import { createDokuSandbox, type DokuSandbox } from './testing/index.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let sandbox: DokuSandbox;
let baseUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  sandbox = createDokuSandbox({ clients: [CLIENT] });
  const server = await sandbox.listen();
  baseUrl = server.url;
  close = server.close;
});
afterAll(() => close());
beforeEach(() => {
  sandbox.requests.clear();
  sandbox.faults.clear();
});

const auth = (extra: Partial<DokuPartnerAuthOptions> = {}, url = baseUrl) =>
  createDokuPartnerAuth({ ...CLIENT, baseUrl: url, retry: FAST_RETRY, ...extra });

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Recomputes the signature of a recorded request from its own headers and exact body bytes. */
async function recomputed(recorded: RecordedRequest, secretKey: string = CLIENT.secretKey) {
  return dokuSignature({
    clientId: recorded.headers['client-id'] ?? '',
    requestId: recorded.headers['request-id'] ?? '',
    timestamp: recorded.headers['request-timestamp'] ?? '',
    target: new URL(recorded.path, 'http://x').pathname,
    body: recorded.bytes,
    secretKey,
  });
}

describe('getToken', () => {
  it('sends the Generate Token request byte for byte as documented ([SELF] vector over HTTP)', async () => {
    const clock = manualClock(Date.parse(TOKEN_VECTOR.timestamp));
    await withSandbox(
      { clients: [{ clientId: TOKEN_VECTOR.clientId, secretKey: 'SK-test' }], clock },
      async (box, url) => {
        const client = createDokuPartnerAuth({
          clientId: TOKEN_VECTOR.clientId,
          secretKey: 'SK-test',
          baseUrl: url,
          validTimeMinutes: 360,
          clock,
          requestId: () => TOKEN_VECTOR.requestId,
        });
        const token = await client.getToken();
        const [recorded] = box.requests.to(TOKEN_PATH);
        expect(recorded?.method).toBe('POST');
        expect(recorded?.path).toBe(TOKEN_PATH);
        expect(recorded?.body).toBe(TOKEN_VECTOR.body);
        expect(recorded?.headers).toMatchObject({
          'client-id': TOKEN_VECTOR.clientId,
          'request-id': TOKEN_VECTOR.requestId,
          'request-timestamp': TOKEN_VECTOR.timestamp,
          signature: TOKEN_VECTOR.signature,
          'content-type': 'application/json',
        });
        expect(recorded?.headers.authorization).toBeUndefined();
        // The sandbox honours valid_time (DOKU's sample JWT: exp - iat = 21600 s = 360 min).
        expect(token.expiresAt.getTime()).toBe(Date.parse(TOKEN_VECTOR.timestamp) + 360 * 60_000);
        expect(token.data).toEqual({ expirySource: 'jwt-exp' });
        expect(token.tokenType).toBe('Bearer');
        expect(token.token.split('.')).toHaveLength(3);
      },
    );
  });

  it('omits valid_time when not configured; Request-Id is a fresh UUID v4, Request-Timestamp UTC seconds with Z', async () => {
    const client = auth();
    const token = await client.getToken();
    const [recorded] = sandbox.requests.to(TOKEN_PATH);
    expect(recorded?.body).toBe('{"grant_type":"client_credentials"}');
    expect(recorded?.headers['request-id']).toMatch(UUID_V4);
    expect(recorded?.headers['request-timestamp']).toMatch(UTC_SECONDS);
    expect(recorded?.headers.signature).toBe(await recomputed(recorded as RecordedRequest));
    // Sandbox default lifetime without valid_time: 300 s (the Upload File page's sample JWT).
    // The JWT `exp` has whole seconds, `obtainedAt` milliseconds: allow one second either way.
    expect(token.expiresAt.getTime() - token.obtainedAt.getTime()).toBeGreaterThan(299_000);
    expect(token.expiresAt.getTime() - token.obtainedAt.getTime()).toBeLessThanOrEqual(301_000);
  });

  it('resolves the test and production presets', () => {
    expect(createDokuPartnerAuth({ ...CLIENT, baseUrl: 'test' }).baseUrl).toBe('https://api-uat.doku.com');
    expect(createDokuPartnerAuth({ ...CLIENT, baseUrl: 'production' }).baseUrl).toBe('https://api.doku.com');
    expect(createDokuPartnerAuth({ ...CLIENT, baseUrl: 'https://proxy.example/doku/' }).baseUrl).toBe(
      'https://proxy.example/doku',
    );
  });

  it('caches the token: later calls make no request', async () => {
    const client = auth();
    const first = await client.getToken();
    const second = await client.getToken();
    expect(second.token).toBe(first.token);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
  });

  it('is single-flight: 50 concurrent callers → exactly one token request', async () => {
    const client = auth();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.getToken()));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
  });

  it('refreshes ahead of expiry in the background, and fetches anew after expiry', async () => {
    const clock = manualClock(Date.UTC(2024, 0, 1));
    await withSandbox({ clock }, async (box, url) => {
      const client = auth({ clock }, url);
      const first = await client.getToken();
      // 300 s token: refresh window starts 60 s before "usable until" (expiry - 10 s margin).
      clock.advance(235_000);
      const during = await client.getToken();
      expect(during.token).toBe(first.token); // served at once…
      await eventually(() => box.requests.count(TOKEN_PATH) === 2); // …while one refresh runs
      let refreshed = await client.getToken();
      for (let i = 0; i < 200 && refreshed.token === first.token; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        refreshed = await client.getToken();
      }
      expect(refreshed.token).not.toBe(first.token);
      expect(box.requests.count(TOKEN_PATH)).toBe(2);
      clock.advance(400_000); // past the refreshed token's expiry too
      const renewed = await client.getToken();
      expect(renewed.token).not.toBe(refreshed.token);
      expect(box.requests.count(TOKEN_PATH)).toBe(3);
    });
  });

  it('forceRefresh and invalidateToken fetch a new token', async () => {
    const client = auth();
    const first = await client.getToken();
    const forced = await client.getToken({ forceRefresh: true });
    expect(forced.token).not.toBe(first.token);
    await client.invalidateToken(forced);
    const next = await client.getToken();
    expect(next.token).not.toBe(forced.token);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(3);
  });

  it('shares tokens through a token store (cache key doku:<baseUrl>:<clientId>)', async () => {
    const store = memoryTokenStore();
    const a = auth({ tokenStore: store });
    const b = auth({ tokenStore: store });
    const token = await a.getToken();
    expect((await b.getToken()).token).toBe(token.token);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
    expect(await store.get(`doku:${baseUrl}:${CLIENT.clientId}`)).toMatchObject({ token: token.token });
  });

  describe('parses the undocumented response defensively', () => {
    it.each([
      ['{ access_token, expires_in }', (t: { token: string }) => ({ access_token: t.token, expires_in: 120 }), 120_000],
      [
        '{ data: { accessToken, expiresIn } }',
        (t: { token: string }) => ({ data: { accessToken: t.token, expiresIn: '90' } }),
        90_000,
      ],
      ['{ token } (exp claim)', (t: { token: string }) => ({ token: t.token }), 300_000],
    ])('%s', async (_name, shape, lifetime) => {
      const clock = manualClock(Date.UTC(2024, 0, 1));
      await withSandbox({ clock, tokenResponse: shape }, async (_box, url) => {
        const token = await auth({ clock }, url).getToken();
        expect(token.expiresAt.getTime() - clock()).toBe(lifetime);
      });
    });

    it('falls back to valid_time for an opaque token, and refuses a token with no expiry at all', async () => {
      const clock = manualClock(Date.UTC(2024, 0, 1));
      await withSandbox({ clock, tokenResponse: () => ({ token: 'opaque-token-value' }) }, async (_box, url) => {
        const token = await auth({ clock, validTimeMinutes: 15 }, url).getToken();
        expect(token.expiresAt.getTime() - clock()).toBe(15 * 60_000);
        expect(token.data).toEqual({ expirySource: 'valid_time' });
        const error = await caught(auth({ clock }, url).getToken());
        expect(isResponseFormatError(error)).toBe(true);
        expect((error as Error).message).toMatch(/nothing about expiry/);
        expect(JSON.stringify(error)).not.toContain('opaque-token-value');
      });
    });

    it('refuses a success body without a token', async () => {
      await withSandbox({ tokenResponse: () => ({ status: 'ok' }) }, async (_box, url) => {
        const error = await caught(auth({}, url).getToken());
        expect(isResponseFormatError(error)).toBe(true);
        expect((error as { provider?: string }).provider).toBe('doku');
      });
    });
  });

  describe('rejections by DOKU (the sandbox)', () => {
    it('a wrong secret → ProviderError 401 INVALID_SIGNATURE (not retried, not a token rejection)', async () => {
      const error = await caught(auth({ secretKey: 'SK-wrong' }).getToken());
      expect(isProviderError(error)).toBe(true);
      expect(error).toMatchObject({ status: 401, code: 'ERR_PROVIDER', providerCode: 'INVALID_SIGNATURE' });
      expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
    });

    it('an unknown client → 401 UNKNOWN_CLIENT', async () => {
      const error = await caught(auth({ clientId: 'BRN-unknown' }).getToken());
      expect(error).toMatchObject({ status: 401, providerCode: 'UNKNOWN_CLIENT' });
    });

    it('a clock 6 minutes off → 401 STALE_TIMESTAMP', async () => {
      // maxClockSkewMs: 0: without the correction (clock-skew.test.ts has it on).
      const error = await caught(auth({ clock: () => Date.now() - 6 * 60_000, maxClockSkewMs: 0 }).getToken());
      expect(error).toMatchObject({ status: 401, providerCode: 'STALE_TIMESTAMP' });
    });

    it('a reused Request-Id → 409 DUPLICATE_REQUEST_ID', async () => {
      const client = auth({ requestId: () => `fixed-${'x'.repeat(20)}-${baseUrl.length}` });
      await client.getToken();
      const error = await caught(client.getToken({ forceRefresh: true }));
      expect(error).toMatchObject({ status: 409, providerCode: 'DUPLICATE_REQUEST_ID' });
    });

    it('a Request-Id generator returning more than 128 characters → InputError before anything is sent', async () => {
      const error = await caught(auth({ requestId: () => 'x'.repeat(129) }).getToken());
      expect(isInputError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'requestId' });
      expect(sandbox.requests.count(TOKEN_PATH)).toBe(0);
      expect(await auth({ requestId: () => 'y'.repeat(128) }).getToken()).toBeDefined();
    });
  });

  describe('fault modes (token requests are POSTs retried like idempotent calls)', () => {
    it('5xx then success: each retry is re-signed over the request’s one Request-Id', async () => {
      sandbox.faults.inject({ type: 'status', status: 500 }, { path: TOKEN_PATH, times: 2 });
      await auth().getToken();
      const recorded = sandbox.requests.to(TOKEN_PATH);
      expect(recorded).toHaveLength(3);
      expect(new Set(recorded.map((r) => r.headers['request-id'])).size).toBe(1);
      for (const r of recorded) expect(r.headers.signature).toBe(await recomputed(r));
      // The next token request is another request: another id.
      await auth().getToken({ forceRefresh: true });
      expect(sandbox.requests.to(TOKEN_PATH).at(-1)?.headers['request-id']).not.toBe(
        recorded[0]?.headers['request-id'],
      );
    });

    it('429 with Retry-After is honoured, then succeeds; endless 429 → ERR_RATE_LIMITED', async () => {
      sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 1 }, { path: TOKEN_PATH });
      const started = Date.now();
      await auth().getToken();
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 0 }, { path: TOKEN_PATH, times: Infinity });
      const error = await caught(auth().getToken());
      expect(error).toMatchObject({ code: 'ERR_RATE_LIMITED', status: 429 });
      expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(0);
    });

    it('a slow answer → ERR_TIMEOUT', async () => {
      sandbox.faults.inject({ type: 'delay', ms: 400 }, { path: TOKEN_PATH, times: Infinity });
      const error = await caught(auth({ timeoutMs: 50, retry: 0 }).getToken());
      expect(isTransportError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_TIMEOUT', provider: 'doku' });
    });

    it('a dropped connection is retried; always dropped → ERR_NETWORK', async () => {
      sandbox.faults.inject({ type: 'drop' }, { path: TOKEN_PATH });
      await auth().getToken();
      expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
      sandbox.faults.inject({ type: 'drop' }, { path: TOKEN_PATH, times: Infinity });
      const error = await caught(auth().getToken());
      expect(error).toMatchObject({ code: 'ERR_NETWORK', attempts: 3 });
    });

    it('an HTML error page → ProviderError with a body excerpt; an HTML 200 → ResponseFormatError', async () => {
      sandbox.faults.inject({ type: 'html' }, { path: TOKEN_PATH, times: Infinity });
      const error = await caught(auth().getToken());
      expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 502 });
      expect((error as { bodyExcerpt?: string }).bodyExcerpt).toMatch(/Bad Gateway/);
      sandbox.faults.clear();
      sandbox.faults.inject({ type: 'html', status: 200 }, { path: TOKEN_PATH });
      const html = await caught(auth().getToken());
      expect(isResponseFormatError(html)).toBe(true);
      expect((html as Error).message).toMatch(/HTML/);
    });

    it('a truncated JSON body → ResponseFormatError (the partial token is redacted)', async () => {
      sandbox.faults.inject({ type: 'truncated-json' }, { path: TOKEN_PATH });
      const error = await caught(auth().getToken());
      expect(isResponseFormatError(error)).toBe(true);
      expect((error as { bodyExcerpt?: string }).bodyExcerpt).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    });

    it('an error body in another shape: code and message are read defensively', async () => {
      sandbox.faults.inject(
        {
          type: 'status',
          status: 401,
          body: '{"responseCode":"4017300","responseMessage":"Unauthorized. [Signature]"}',
        },
        { path: TOKEN_PATH },
      );
      const error = await caught(auth().getToken());
      expect(error).toMatchObject({ providerCode: '4017300', providerMessage: 'Unauthorized. [Signature]' });
    });
  });
});

describe('signRequest', () => {
  it('GET without body: no Digest line, no token by default; the sandbox accepts it and its response verifies', async () => {
    const client = auth();
    const signed = await client.signRequest({ method: 'get', target: `${FILE_PATH}?${REQUIREMENTS_QUERY}` });
    expect(signed.method).toBe('GET');
    expect(signed.body).toBeNull();
    expect(signed.requestTarget).toBe(FILE_PATH);
    expect(Object.keys(signed.headers).sort()).toEqual(['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature']);
    expect(signed.headers.Signature).toBe(
      await dokuSignature({
        clientId: CLIENT.clientId,
        requestId: signed.requestId,
        timestamp: signed.timestamp,
        target: FILE_PATH,
        secretKey: CLIENT.secretKey,
      }),
    );
    const response = await fetch(signed.url, { method: signed.method, headers: signed.headers });
    expect(response.status).toBe(200);
    expect(await client.verifyResponse(response, signed)).toBe(true);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(0);
  });

  it('POST: hashes the exact bytes it returns (non-ASCII, escaped slashes, whitespace kept)', async () => {
    const client = auth();
    const text = '{ "grant_type": "client_credentials", "valid_time": "5", "note": "Zoë \u2603 \\/ https:\\/\\/x" }';
    const signed = await client.signRequest({ method: 'POST', target: TOKEN_PATH, body: text });
    expect(new TextDecoder().decode(signed.body ?? undefined)).toBe(text);
    expect(signed.headers['Content-Type']).toBe('application/json');
    const ok = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(ok.status).toBe(200);
    expect(sandbox.requests.to(TOKEN_PATH)[0]?.body).toBe(text);
    // The same headers with re-serialised (minified) bytes do not verify: the Digest is over exact bytes.
    const minified = await fetch(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: JSON.stringify(JSON.parse(text)),
    });
    expect(minified.status).toBe(401);
    expect(await minified.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
  });

  it('serialises an object body once with JSON.stringify', async () => {
    const signed = await auth().signRequest({
      method: 'POST',
      target: TOKEN_PATH,
      body: { grant_type: 'client_credentials', note: 'a/b' },
    });
    expect(new TextDecoder().decode(signed.body ?? undefined)).toBe('{"grant_type":"client_credentials","note":"a/b"}');
  });

  it('a signed request is single-use: sending it twice → 409 DUPLICATE_REQUEST_ID', async () => {
    const signed = await auth().signRequest({
      method: 'POST',
      target: TOKEN_PATH,
      body: '{"grant_type":"client_credentials"}',
    });
    const send = () => fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect((await send()).status).toBe(200);
    const again = await send();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'DUPLICATE_REQUEST_ID' } });
  });

  it('withToken: adds the bearer token for the Upload File API (multipart body encoded once)', async () => {
    const client = auth();
    const signed = await client.signRequest({ method: 'POST', target: FILE_PATH, body: logoUpload(), withToken: true });
    expect(signed.headers.Authorization).toBe((await client.getToken()).authorization);
    expect(signed.headers['Content-Type']).toMatch(/^multipart\/form-data; boundary=/);
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(response.status).toBe(200);
    expect(await response.clone().json()).toMatchObject({ category: 'LOGO', id: expect.stringMatching(/^CNT-/) });
    expect(await client.verifyResponse(response, signed)).toBe(true);
    expect(sandbox.uploads.at(-1)).toMatchObject({ category: 'LOGO', fileName: 'logo.png', fileSize: 7 });
  });

  it('gives every call a fresh Request-Id, and hands out copies of the headers', async () => {
    const client = auth();
    const a = await client.signRequest({ method: 'GET', target: FILE_PATH });
    const b = await client.signRequest({ method: 'GET', target: FILE_PATH });
    expect(a.requestId).not.toBe(b.requestId);
    const headers = a.headers;
    headers.Signature = 'changed';
    expect(a.headers.Signature).not.toBe('changed');
  });

  it('refuses a body on GET (InputError) and malformed method/target/body (TypeError)', async () => {
    const client = auth();
    expect(isInputError(await caught(client.signRequest({ method: 'GET', target: FILE_PATH, body: '{}' })))).toBe(true);
    await expect(client.signRequest({ method: '', target: FILE_PATH })).rejects.toThrow(TypeError);
    await expect(client.signRequest({ method: 'POST', target: 'no-slash' })).rejects.toThrow(TypeError);
    await expect(client.signRequest({ method: 'POST', target: '//evil.example/x' })).rejects.toThrow(TypeError);
    await expect(client.signRequest({ method: 'POST', target: '/x', body: new Date() as never })).rejects.toThrow(
      TypeError,
    );
    await expect(client.signRequest(undefined as never)).rejects.toThrow(TypeError);
  });

  it('requestTarget: path-and-query signs the query too (and must match what the server expects)', async () => {
    await withSandbox({ requestTarget: 'path-and-query' }, async (_box, url) => {
      const withQuery = auth({ requestTarget: 'path-and-query' }, url);
      const signed = await withQuery.signRequest({ method: 'GET', target: `${FILE_PATH}?${REQUIREMENTS_QUERY}` });
      expect(signed.requestTarget).toBe(`${FILE_PATH}?${REQUIREMENTS_QUERY}`);
      expect((await fetch(signed.url, { headers: signed.headers })).status).toBe(200);
      const pathOnly = await auth({}, url).signRequest({ method: 'GET', target: `${FILE_PATH}?${REQUIREMENTS_QUERY}` });
      expect((await fetch(pathOnly.url, { headers: pathOnly.headers })).status).toBe(401);
    });
  });
});

describe('ky instance', () => {
  it('uploads with the bearer token and a per-attempt signature, and verifies the signed response', async () => {
    const client = auth({ responseSignature: 'require' });
    const form = new FormData();
    form.set('category', 'LOGO');
    form.set('file_url', 'https://merchant.example/logo.png');
    const result = await client.ky.post('adv-core-api/partner/v1.0/file', { body: form }).json();
    expect(result).toMatchObject({ category: 'LOGO' });
    const [upload] = sandbox.requests.to(FILE_PATH);
    expect(upload?.headers.authorization).toMatch(/^Bearer ey/);
    expect(upload?.headers.signature).toBe(await recomputed(upload as RecordedRequest));
  });

  it('signs a binary multipart upload over the exact bytes sent (Digest of recorded.bytes)', async () => {
    const result = await auth().ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json();
    expect(result).toMatchObject({ category: 'LOGO' });
    const [upload] = sandbox.requests.to(FILE_PATH);
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload?.headers.signature).toBe(await recomputed(upload as RecordedRequest));
    // The text view of the same bytes is lossy (the PNG signature byte 0x89 is not UTF-8): it does not verify.
    const asText = await recomputed({ ...(upload as RecordedRequest), bytes: new TextEncoder().encode(upload?.body) });
    expect(upload?.headers.signature).not.toBe(asText);
    expect(sandbox.uploads.at(-1)).toMatchObject({ fileName: 'logo.png', fileSize: 7 });
  });

  it('createKy({ withToken: false }) signs without a token (GET: no Digest)', async () => {
    const client = auth();
    const result = await client
      .createKy({ withToken: false })
      .get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`)
      .json();
    expect(result).toMatchObject({ business: { brand: { photo_proof: { code: 'PHOTO_PROOF' } } } });
    expect(sandbox.requests.to(FILE_PATH)[0]?.headers.authorization).toBeUndefined();
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(0);
  });

  it('createKy({ withToken: false }): a 401 is ERR_PROVIDER, not retried, and the cached token stays', async () => {
    const client = auth();
    const token = await client.getToken();
    sandbox.faults.inject(
      { type: 'status', status: 401, body: '{"error":{"code":"INVALID_SIGNATURE","message":"no"}}' },
      { path: FILE_PATH, times: 2 },
    );
    const plain = client.createKy({ withToken: false });
    const error = await caught(plain.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`));
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 401, providerCode: 'INVALID_SIGNATURE' });
    expect(sandbox.requests.count(FILE_PATH)).toBe(1);
    expect((await client.getToken()).token).toBe(token.token);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
  });

  it('doku.ky with a per-request context { withToken: false }: no token, a 401 is ERR_PROVIDER, token kept', async () => {
    const client = auth();
    const token = await client.getToken();
    const plain = await client.ky
      .get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`, { context: { withToken: false } })
      .json();
    expect(plain).toMatchObject({ business: { brand: { photo_proof: { code: 'PHOTO_PROOF' } } } });
    expect(sandbox.requests.to(FILE_PATH).at(-1)?.headers.authorization).toBeUndefined();
    sandbox.faults.inject(
      { type: 'status', status: 401, body: '{"error":{"code":"INVALID_SIGNATURE","message":"no"}}' },
      { path: FILE_PATH, times: 2 },
    );
    const error = await caught(
      client.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`, { context: { withToken: false } }),
    );
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 401, providerCode: 'INVALID_SIGNATURE' });
    expect(sandbox.requests.count(FILE_PATH)).toBe(2);
    expect((await client.getToken()).token).toBe(token.token);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
    // The same instance, with the token: the next 401 is "token rejected" (one refresh, one retry).
    sandbox.expireTokens();
    await client.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`).json();
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
    // A context value of the wrong type is a programmer error, named.
    await expect(
      client.ky.get('adv-core-api/partner/v1.0/file', { context: { withToken: 'no' } }).json(),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'withToken' });
  });

  it('on 401 fetches a new token and retries once, re-signed', async () => {
    const client = auth();
    const first = await client.getToken();
    sandbox.expireTokens();
    await client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json();
    const uploads = sandbox.requests.to(FILE_PATH);
    expect(uploads).toHaveLength(2);
    expect(uploads[0]?.headers.authorization).toBe(first.authorization);
    expect(uploads[1]?.headers.authorization).not.toBe(first.authorization);
    // The upload refused for its token was not carried out: the re-send keeps its Request-Id.
    expect(uploads[0]?.headers['request-id']).toBe(uploads[1]?.headers['request-id']);
    for (const upload of uploads) expect(upload.headers.signature).toBe(await recomputed(upload));
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
  });

  it('fetch: signs like ky, refreshes once on a 401 with the token, and hands the answer back', async () => {
    const client = auth();
    const first = await client.getToken();
    sandbox.expireTokens();
    const response = await client.fetch('/adv-core-api/partner/v1.0/file', { method: 'POST', body: logoUpload() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ category: 'LOGO' });
    const uploads = sandbox.requests.to(FILE_PATH);
    expect(uploads.map((u) => u.headers.authorization === first.authorization)).toEqual([true, false]);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
    // Without the token, per request: no Authorization, and a 401 is handed back as it came.
    sandbox.faults.inject({ type: 'status', status: 401, body: '{"error":{"code":"NO"}}' }, { path: FILE_PATH });
    const refused = await client.fetch(`/adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`, {
      context: { withToken: false },
    } as RequestInit);
    expect(refused.status).toBe(401);
    expect(sandbox.requests.to(FILE_PATH).at(-1)?.headers.authorization).toBeUndefined();
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
  });

  it('keeps the one token-refresh retry with retry: 0, and retries nothing else', async () => {
    const client = auth({ retry: 0 });
    await client.getToken();
    sandbox.expireTokens();
    await expect(
      client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json(),
    ).resolves.toMatchObject({
      category: 'LOGO',
    });
    expect(sandbox.requests.count(FILE_PATH)).toBe(2);
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: FILE_PATH });
    expect(await caught(client.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`))).toMatchObject({
      status: 503,
    });
    expect(sandbox.requests.count(FILE_PATH)).toBe(3);
  });

  it('retries a rejected token only once → ERR_TOKEN_REJECTED', async () => {
    const client = auth();
    sandbox.faults.inject(
      { type: 'status', status: 401, body: '{"error":{"code":"INVALID_TOKEN","message":"expired"}}' },
      { path: FILE_PATH, times: 5 },
    );
    const error = await caught(client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REJECTED', status: 401, providerCode: 'INVALID_TOKEN' });
    expect(sandbox.requests.count(FILE_PATH)).toBe(2);
    expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
  });

  it('retries an idempotent GET on 5xx, re-signed over the same Request-Id; a POST is not retried', async () => {
    const client = auth();
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: FILE_PATH });
    await client.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`).json();
    const gets = sandbox.requests.to(FILE_PATH);
    expect(gets).toHaveLength(2);
    expect(gets[0]?.headers['request-id']).toBe(gets[1]?.headers['request-id']);
    for (const get of gets) expect(get.headers.signature).toBe(await recomputed(get));
    await client.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`).json();
    expect(sandbox.requests.to(FILE_PATH)[2]?.headers['request-id']).not.toBe(gets[0]?.headers['request-id']);
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: FILE_PATH });
    const error = await caught(client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }));
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 503 });
    expect(sandbox.requests.count(FILE_PATH)).toBe(4);
  });

  it('a POST retried by opt-in keeps its Request-Id on ky and fetch; a caller’s own Request-Id is kept', async () => {
    const client = auth({ retry: { limit: 2, methods: ['post'], backoffLimitMs: 5 } });
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: FILE_PATH, times: 2 });
    await client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json();
    sandbox.faults.inject({ type: 'status', status: 502 }, { path: FILE_PATH });
    const answered = await client.fetch('/adv-core-api/partner/v1.0/file', {
      method: 'POST',
      body: logoUpload(),
      headers: { 'Request-Id': 'merchant-upload-7' },
    });
    expect(answered.status).toBe(200);
    const ids = sandbox.requests.to(FILE_PATH).map((r) => r.headers['request-id']);
    expect(ids).toHaveLength(5);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids.slice(3)).toEqual(['merchant-upload-7', 'merchant-upload-7']);
    for (const r of sandbox.requests.to(FILE_PATH)) expect(r.headers.signature).toBe(await recomputed(r));
    expect(
      await caught(client.fetch('/adv-core-api/partner/v1.0/file', { headers: { 'Request-Id': 'a b' } })),
    ).toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
  });

  it('a Request-Id already carried out is DOKU’s duplicate: 409, an ERR_PROVIDER with its code, never a retry', async () => {
    const client = auth({ retry: { limit: 2, methods: ['post'], backoffLimitMs: 5 } });
    const headers = { 'Request-Id': 'merchant-upload-8' };
    await client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload(), headers }).json();
    const error = await caught(client.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload(), headers }));
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 409, providerCode: 'DUPLICATE_REQUEST_ID' });
    expect(sandbox.requests.count(FILE_PATH)).toBe(2);
  });

  it('signRequest re-signs a manual retry over the given requestId', async () => {
    const client = auth();
    const first = await client.signRequest({
      method: 'GET',
      target: `/adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`,
    });
    const retry = await client.signRequest({
      method: 'GET',
      target: `/adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`,
      requestId: first.requestId,
    });
    expect(retry.requestId).toBe(first.requestId);
    expect(retry.headers['Request-Id']).toBe(first.requestId);
    await expect(client.signRequest({ method: 'GET', target: '/x', requestId: 'x'.repeat(129) })).rejects.toMatchObject(
      { code: 'ERR_INVALID_INPUT' },
    );
  });

  it('maps every fault mode on service calls to a typed error', async () => {
    const client = auth({ timeoutMs: 100, retry: { limit: 1, backoffLimitMs: 5 } });
    const get = () => client.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`);
    sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 0 }, { path: FILE_PATH, times: 2 });
    expect(await caught(get())).toMatchObject({ code: 'ERR_RATE_LIMITED' });
    sandbox.faults.inject({ type: 'delay', ms: 300 }, { path: FILE_PATH, times: 2 });
    expect(await caught(get())).toMatchObject({ code: 'ERR_TIMEOUT' });
    sandbox.faults.inject({ type: 'drop' }, { path: FILE_PATH, times: 2 });
    expect(await caught(get())).toMatchObject({ code: 'ERR_NETWORK' });
    sandbox.faults.inject({ type: 'html' }, { path: FILE_PATH, times: 2 });
    expect(await caught(get())).toMatchObject({ code: 'ERR_PROVIDER', status: 502 });
    sandbox.faults.inject({ type: 'html', status: 200 }, { path: FILE_PATH });
    expect(isResponseFormatError(await caught(get().json()))).toBe(true);
    sandbox.faults.inject({ type: 'truncated-json' }, { path: FILE_PATH });
    expect(isResponseFormatError(await caught(get().json()))).toBe(true);
  });

  describe('response signature', () => {
    /** A fetch that changes DOKU's answer on its way back. */
    const tamper =
      (change: (text: string) => string): typeof fetch =>
      async (input, init) => {
        const response = await fetch(input, init);
        const text = await response.text();
        return new Response(change(text), { status: response.status, headers: response.headers });
      };

    it('verify-if-present (default): a changed body → SignatureError (signature)', async () => {
      const client = auth({ fetch: tamper((t) => t.replace('Brand Photo Proof', 'Brand Photo Pro0f')) });
      const error = await caught(
        client.createKy({ withToken: false }).get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`),
      );
      expect(isSignatureError(error)).toBe(true);
      expect(error).toMatchObject({ check: 'signature', code: 'ERR_SIGNATURE_MISMATCH', provider: 'doku' });
    });

    it('fetch checks the response signature (verify-if-present): a changed body is a SignatureError', async () => {
      const client = auth({ fetch: tamper((t) => t.replace('Brand Photo Proof', 'Brand Photo Pro0f')) });
      const error = await caught(
        client.fetch(`/adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`, {
          context: { withToken: false },
        } as RequestInit),
      );
      expect(error).toMatchObject({ name: 'SignatureError', check: 'signature' });
    });

    it('verify-if-present: a changed token response → getToken rejects with SignatureError', async () => {
      const client = auth({ fetch: tamper((t) => t.replace(/"token":"[^"]+"/, '"token":"forged.token.value"')) });
      expect(isSignatureError(await caught(client.getToken()))).toBe(true);
    });

    it('off: nothing is verified', async () => {
      const client = auth({ responseSignature: 'off', fetch: tamper((t) => t.replace('Brand Photo Proof', 'x')) });
      const result = await client
        .createKy({ withToken: false })
        .get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`)
        .json();
      expect(JSON.stringify(result)).toContain('"name":"x"');
    });

    it('require: an unsigned success → SignatureError (header); an unsigned error stays a ProviderError', async () => {
      await withSandbox({ signResponses: false }, async (_box, url) => {
        const lenient = auth({}, url);
        await expect(lenient.getToken()).resolves.toBeDefined();
        const strict = auth({ responseSignature: 'require' }, url);
        const error = await caught(strict.getToken());
        expect(error).toMatchObject({ name: 'SignatureError', check: 'header' });
        const wrongSecret = auth({ responseSignature: 'require', secretKey: 'SK-wrong' }, url);
        expect(await caught(wrongSecret.getToken())).toMatchObject({ name: 'ProviderError', status: 401 });
      });
    });

    it('createKy can override the mode per instance', async () => {
      await withSandbox({ signResponses: false }, async (_box, url) => {
        const client = auth({}, url);
        const strict = client.createKy({ withToken: false, responseSignature: 'require' });
        expect(await caught(strict.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`))).toMatchObject({
          name: 'SignatureError',
        });
        expect(() => client.createKy({ responseSignature: 'sometimes' as never })).toThrow(
          expect.objectContaining({ code: 'ERR_INVALID_INPUT', field: 'responseSignature' }),
        );
      });
    });
  });
});

describe('options', () => {
  it('suggests the option a typo meant, on a ConfigError of provider doku', () => {
    const typo = { clientId: 'c', secretKey: 's', baseUrl: 'test', responseSignatur: 'off' } as never;
    expect(() => createDokuPartnerAuth(typo)).toThrow(
      expect.objectContaining({
        provider: 'doku',
        issues: [expect.objectContaining({ suggestion: 'responseSignature' })],
      }),
    );
  });

  it('validates every option up front and names each bad one (never its value)', () => {
    let error: unknown;
    try {
      createDokuPartnerAuth({
        clientId: '',
        secretKey: 42 as never,
        baseUrl: 'staging',
        validTimeMinutes: 1.5,
        timeoutMs: -1,
        responseSignature: 'always' as never,
        requestTarget: 'full' as never,
        retry: 'lots' as never,
        clock: 'now' as never,
        secret: 'SK-typo-secret' as never,
      } as DokuPartnerAuthOptions);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message.startsWith('[@org/doku-partner-auth] invalid options:')).toBe(true);
    for (const field of [
      'clientId',
      'secretKey',
      'baseUrl',
      'validTimeMinutes',
      'timeoutMs',
      'responseSignature',
      'requestTarget',
      'retry',
      'clock',
      'secret',
    ]) {
      expect(message).toContain(`- ${field}: expected`);
    }
    expect(message).not.toContain('SK-typo-secret');
    expect(message).not.toContain('staging');
  });

  it('refuses a non-object and a Client-Id with a line break', () => {
    expect(() => createDokuPartnerAuth(undefined as never)).toThrow(/expected an object/);
    expect(() => createDokuPartnerAuth({ ...CLIENT, clientId: 'BRN-1\nX', baseUrl: 'test' })).toThrow(/clientId/);
  });

  it('timestamps come from the injected clock, formatted once per attempt (UTC, seconds, Z)', async () => {
    const clock = manualClock(Date.UTC(2024, 7, 21, 7, 27, 50, 987));
    await withSandbox({ clock }, async (box, url) => {
      await auth({ clock }, url).getToken();
      expect(box.requests.to(TOKEN_PATH)[0]?.headers['request-timestamp']).toBe('2024-08-21T07:27:50Z');
      expect(formatUtcTimestamp(clock())).toBe('2024-08-21T07:27:50Z');
    });
  });
});
