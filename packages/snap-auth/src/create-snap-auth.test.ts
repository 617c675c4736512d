import { createPrivateKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import {
  isAuthError,
  isKeyFormatError,
  isProviderError,
  isResponseFormatError,
  isSignatureError,
  memoryTokenStore,
} from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Harness,
  harness,
  otherKeyPair,
  privateKeyPem,
  publicKeyPem,
  START,
  testClock,
} from './__fixtures__/setup.js';
import { createSnapAuth } from './client/create-snap-auth.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN = '/v1.0/access-token/b2b';

async function providerError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('getAccessToken (B2B)', () => {
  it('requests a token with X-TIMESTAMP, X-CLIENT-KEY and an X-SIGNATURE that verifies', async () => {
    h = await harness();
    const token = await h.auth.getAccessToken();
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresAt.getTime()).toBe(START + 900_000);
    expect(token.data).toEqual({ expiresIn: 900 });
    expect(token.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(token)).not.toContain('token');
    const [request] = h.sandbox.requests.to(TOKEN);
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe('{"grantType":"client_credentials"}');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-client-key']).toBe(CLIENT_ID);
    expect(request?.headers['x-timestamp']).toBe('2026-03-02T10:00:00+07:00');
    const verifier = createVerify('sha256');
    verifier.update(`${CLIENT_ID}|2026-03-02T10:00:00+07:00`);
    expect(verifier.verify(publicKeyPem, request?.headers['x-signature'] ?? '', 'base64')).toBe(true);
  });

  it('1,000 concurrent callers share one token request', async () => {
    h = await harness();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => h?.auth.getAccessToken()));
    expect(new Set(tokens.map((t) => t?.token)).size).toBe(1);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
    await h.auth.getAccessToken();
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
  });

  it('refreshes ahead of expiry in the background, while callers keep the current token', async () => {
    h = await harness();
    const first = await h.auth.getAccessToken();
    // Lifetime 900 s, margin 10 s, refresh window 180 s: the refresh starts at 710 s.
    h.clock.advance(700_000);
    expect((await h.auth.getAccessToken()).token).toBe(first.token);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
    h.clock.advance(20_000);
    const during = await h.auth.getAccessToken();
    expect(during.token).toBe(first.token);
    await expect.poll(() => h?.sandbox.requests.count(TOKEN)).toBe(2);
    await expect.poll(async () => (await h?.auth.getAccessToken())?.token).not.toBe(first.token);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
  });

  it('honours refreshAheadMs and fetches a new token once the old one expired', async () => {
    h = await harness({ auth: { refreshAheadMs: 60_000, expiryMarginMs: 0 } });
    const first = await h.auth.getAccessToken();
    h.clock.advance(830_000);
    await h.auth.getAccessToken();
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
    h.clock.advance(900_000);
    const next = await h.auth.getAccessToken();
    expect(next.token).not.toBe(first.token);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
  });

  it('accepts expiresIn as a number (Onebrick)', async () => {
    h = await harness({ sandbox: { expiresInFormat: 'number', tokenTtlSeconds: 600 } });
    const token = await h.auth.getAccessToken();
    expect(token.expiresAt.getTime()).toBe(START + 600_000);
    expect(h.sandbox.requests.to(TOKEN)[0]).toBeDefined();
  });

  it.each([
    [{ offset: 'Z', milliseconds: true }, '2026-03-02T03:00:00.000Z'],
    [{ milliseconds: true }, '2026-03-02T10:00:00.000+07:00'],
    [{ offset: '+08:00' }, '2026-03-02T11:00:00+08:00'],
  ])('writes X-TIMESTAMP as %j (%s), the same string it signs', async (format, expected) => {
    h = await harness({ auth: { tokenTimestampFormat: format } });
    await h.auth.getAccessToken();
    expect(h.sandbox.requests.to(TOKEN)[0]?.headers['x-timestamp']).toBe(expected);
  });

  it('uses the configured token path (providers prefix it differently)', async () => {
    h = await harness({
      sandbox: { tokenPath: '/snap/v1.0/access-token/b2b' },
      auth: { tokenPath: '/snap/v1.0/access-token/b2b' },
    });
    await h.auth.getAccessToken();
    expect(h.sandbox.requests.count('/snap/v1.0/access-token/b2b')).toBe(1);
  });

  it('sends the configured token request body (Onebrick documents grant_type)', async () => {
    h = await harness({ auth: { tokenRequestBody: { grant_type: 'client_credentials' } } });
    const error = await providerError(h.auth.getAccessToken());
    expect(h.sandbox.requests.to(TOKEN)[0]?.body).toBe('{"grant_type":"client_credentials"}');
    // The sandbox speaks ASPI SNAP (grantType), so it answers 4007302 to this quirk.
    expect(error).toMatchObject({ providerCode: '4007302', providerMessage: 'Invalid Mandatory Field [grantType]' });
  });

  it('shares a token store between two clients of the same provider and client id', async () => {
    h = await harness();
    const store = memoryTokenStore();
    const make = () =>
      createSnapAuth({
        baseUrl: h?.running.url ?? '',
        clientId: CLIENT_ID,
        privateKey: privateKeyPem,
        clientSecret: CLIENT_SECRET,
        tokenStore: store,
        clock: h?.clock,
      });
    const [a, b] = [make(), make()];
    const [ta, tb] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
    expect(ta.token).toBe(tb.token);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
    // The documented cache key: snap:<baseUrl>:<clientId>.
    expect((await store.get(`snap:${h.running.url}:${CLIENT_ID}`))?.token).toBe(ta.token);
  });

  it('invalidateAccessToken drops the token so the next call fetches a new one', async () => {
    h = await harness();
    const first = await h.auth.getAccessToken();
    await h.auth.invalidateAccessToken(first);
    expect((await h.auth.getAccessToken()).token).not.toBe(first.token);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
  });
});

describe('token endpoint errors (each a typed error with the parsed SNAP code)', () => {
  it('4007302: a mandatory header is missing', async () => {
    h = await harness({
      auth: {
        fetch: (input, init) => {
          const request = new Request(input, init);
          request.headers.delete('X-CLIENT-KEY');
          return fetch(request);
        },
      },
    });
    const error = await providerError(h.auth.getAccessToken());
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', provider: 'snap', status: 400, providerCode: '4007302' });
    expect(error.providerMessage).toBe('Invalid Mandatory Field [X-CLIENT-KEY]');
    expect(error.details).toMatchObject({
      httpStatus: 400,
      serviceCode: '73',
      caseCode: '02',
      meaning: 'Invalid Mandatory Field',
    });
    expect(error.message).toContain('mandatory header or field is missing');
  });

  it('4007301: X-TIMESTAMP outside the window (client clock 10 minutes off, correction off)', async () => {
    // With the default correction the client re-signs and succeeds (clock-skew.test.ts).
    const clock = testClock();
    h = await harness({ clock, auth: { clock: () => clock() - 10 * 60_000, maxClockSkewMs: 0 } });
    const error = await providerError(h.auth.getAccessToken());
    expect(error).toMatchObject({
      status: 400,
      providerCode: '4007301',
      providerMessage: 'Invalid Field Format [X-TIMESTAMP]',
    });
    expect(error.message).toContain('clock');
  });

  it('4007301: X-TIMESTAMP in a format the provider does not accept', async () => {
    h = await harness({
      auth: {
        fetch: (input, init) => {
          const request = new Request(input, init);
          request.headers.set('X-TIMESTAMP', '02-03-2026 10:00:00');
          return fetch(request);
        },
      },
    });
    expect(await providerError(h.auth.getAccessToken())).toMatchObject({ providerCode: '4007301' });
  });

  it('4017300: the signature does not verify (wrong private key); the message names the likely causes', async () => {
    h = await harness({ auth: { privateKey: otherKeyPair.privateKeyPem } });
    const error = await providerError(h.auth.getAccessToken());
    expect(error).toMatchObject({ status: 401, providerCode: '4017300', providerMessage: 'Unauthorized. [Signature]' });
    expect(error.code).toBe('ERR_PROVIDER');
    expect(error.details).toMatchObject({
      httpStatus: 401,
      serviceCode: '73',
      caseCode: '00',
      meaning: 'Unauthorized',
      tokenRejected: false,
    });
    expect(error.message).toMatch(/X-SIGNATURE/);
    expect(error.message).toMatch(/privateKey/);
    expect(error.message).toMatch(/clientId/);
    expect(error.message).toMatch(/clock/);
  });

  it('4017300: unknown client', async () => {
    h = await harness({ auth: { clientId: 'someone-else' } });
    expect(await providerError(h.auth.getAccessToken())).toMatchObject({
      providerCode: '4017300',
      providerMessage: 'Unauthorized. [Unknown client]',
    });
  });

  it('4007301: a grantType the provider does not know', async () => {
    h = await harness({ auth: { tokenRequestBody: { grantType: 'password' } } });
    expect(await providerError(h.auth.getAccessToken())).toMatchObject({
      providerCode: '4007301',
      providerMessage: 'Invalid Field Format [grantType]',
    });
  });

  it('a failure responseCode inside HTTP 200 is still a ProviderError', async () => {
    h = await harness();
    h.sandbox.faults.inject({
      type: 'status',
      status: 200,
      body: JSON.stringify({ responseCode: '5007300', responseMessage: 'General Error' }),
    });
    const error = await providerError(h.auth.getAccessToken());
    expect(error).toMatchObject({ status: 200, providerCode: '5007300', providerMessage: 'General Error' });
    expect(error.message).toContain('the provider failed');
  });

  it('a success without accessToken is a ResponseFormatError', async () => {
    h = await harness();
    h.sandbox.faults.inject({ type: 'status', status: 200, body: JSON.stringify({ responseCode: '2007300' }) });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isResponseFormatError(error) && error.message).toContain('no accessToken');
  });

  const pkcs8Der = new Uint8Array(createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' }));
  const ecKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  it.each([
    ['garbage PEM', async () => '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'AAAA'],
    ['the public key', async () => publicKeyPem, publicKeyPem.slice(40, 80)],
    ['an EC key', async () => ecKeyPem, ecKeyPem.slice(40, 80)],
    [
      'a CryptoKey imported for RSA-PSS',
      () => crypto.subtle.importKey('pkcs8', pkcs8Der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']),
      undefined,
    ],
  ])(
    'refuses an unusable private key (%s) at creation: KeyFormatError naming privateKey',
    async (_name, key, material) => {
      const privateKey = await key();
      const error = (() => {
        try {
          createSnapAuth({ baseUrl: 'https://snap.example', clientId: CLIENT_ID, privateKey });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      if (!isKeyFormatError(error)) throw new Error(`expected a KeyFormatError, got ${String(error)}`);
      expect(error.provider).toBe('snap');
      expect(error.message.startsWith('[@org/snap-auth] privateKey: ')).toBe(true);
      expect(error.found.length).toBeGreaterThan(0);
      if (material !== undefined) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(material);
    },
  );

  it('a failing KMS signer surfaces as SignatureError on first use, every caller gets it, nothing is sent', async () => {
    h = await harness({
      auth: {
        privateKey: async () => {
          throw new Error('kms unavailable');
        },
      },
    });
    const errors = await Promise.all([h.auth.getAccessToken(), h.auth.getAccessToken()].map((p) => p.catch((e) => e)));
    expect(errors.every((e) => isSignatureError(e) && e.code === 'ERR_SIGNING_FAILED' && e.provider === 'snap')).toBe(
      true,
    );
    expect(h.sandbox.requests.count(TOKEN)).toBe(0);
  });

  it('errors print without secrets', async () => {
    h = await harness({ auth: { privateKey: otherKeyPair.privateKeyPem } });
    const error = await h.auth.getAccessToken().catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    const printed = `${(error as Error).message} ${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
    expect(printed).not.toContain(CLIENT_SECRET);
    expect(printed).not.toContain(otherKeyPair.privateKeyPem.slice(40, 80));
  });
});
