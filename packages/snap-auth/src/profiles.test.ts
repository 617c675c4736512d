/**
 * SNAP profiles over HTTP on 127.0.0.1: each service-signature mode against the sandbox, the
 * hosts of every preset (each request routed to a sandbox, its intended URL recorded), the
 * ifortepay callback form, external-id rules, grant_type bodies, PHP-canonicalised bodies.
 */
import { createHash, createHmac, createSign } from 'node:crypto';
import { isAuthError } from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, type Harness, harness, privateKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth } from './client/create-snap-auth.js';
import { type SnapPreset, snapPresets } from './client/presets.js';
import { verifySnapNotification } from './client/verify-notification.js';
import { snapSignedHeaders } from './protocol/headers.js';
import { snapIfortepayNotifySignature } from './protocol/service-signature.js';
import { createSnapSandbox } from './testing/sandbox.js';

let open: Harness | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

const PATH = '/v1.0/balance-inquiry';

describe('serviceSignature', () => {
  it("'asymmetric': RSA over METHOD:path:bodyHash:timestamp, no Authorization, zero token requests, no clientSecret", async () => {
    open = await harness({
      sandbox: { serviceSignature: 'asymmetric' },
      auth: { serviceSignature: 'asymmetric', clientSecret: undefined },
    });
    const { auth, sandbox } = open;
    for (let i = 0; i < 3; i += 1) {
      const answer = await auth.ky
        .post(PATH.slice(1), { json: { accountNo: `12345${i}` } })
        .json<{ responseCode: string }>();
      expect(answer.responseCode).toBe('2001100');
    }
    const response = await auth.fetch(PATH, { method: 'POST', body: '{ "accountNo": "9" }' });
    expect(response.status).toBe(200);
    expect(sandbox.issuedTokens).toBe(0);
    const calls = sandbox.requests.to(PATH);
    expect(calls).toHaveLength(4);
    for (const call of calls) expect(call.headers.authorization).toBeUndefined();
    const signed = await auth.signRequest({ method: 'POST', path: PATH, body: '{"a":1}' });
    expect(signed.headers.Authorization).toBeUndefined();
  });

  it("'asymmetric-with-token': the RSA signature over the asymmetric string, with the bearer token", async () => {
    open = await harness({
      sandbox: { serviceSignature: 'asymmetric-with-token' },
      auth: { serviceSignature: 'asymmetric-with-token', clientSecret: undefined },
    });
    const answer = await open.auth.ky
      .post(PATH.slice(1), { json: { accountNo: '1' } })
      .json<{ responseCode: string }>();
    expect(answer.responseCode).toBe('2001100');
    expect(open.sandbox.issuedTokens).toBe(1);
    const call = open.sandbox.requests.to(PATH)[0];
    expect(call?.headers.authorization).toMatch(/^Bearer /);
  });

  it('a symmetric sandbox refuses an asymmetric signature, and the reverse (the modes differ on the wire)', async () => {
    open = await harness({ auth: { serviceSignature: 'asymmetric' } });
    const refused = await open.auth.fetch(PATH, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(400);
    await open.close();
    open = await harness({ sandbox: { serviceSignature: 'asymmetric' } });
    const refusedToo = await open.auth.fetch(PATH, { method: 'POST', body: '{}' });
    expect(refusedToo.status).toBe(401);
  });

  it('a rejected token in asymmetric-with-token mode is refreshed once, and the call keeps its X-EXTERNAL-ID', async () => {
    open = await harness({
      sandbox: { serviceSignature: 'asymmetric-with-token' },
      auth: { serviceSignature: 'asymmetric-with-token' },
    });
    await open.auth.getToken();
    open.sandbox.expireTokens();
    const answer = await open.auth.ky.post(PATH.slice(1), { json: {} }).json<{ responseCode: string }>();
    expect(answer.responseCode).toBe('2001100');
    const calls = open.sandbox.requests.to(PATH);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.headers['x-external-id']).toBe(calls[1]?.headers['x-external-id']);
    // The re-send carries the new token (the signature does not cover it in this mode).
    expect(calls[0]?.headers.authorization).not.toBe(calls[1]?.headers.authorization);
    expect(open.sandbox.issuedTokens).toBe(2);
  });
});

describe('externalIdRule', () => {
  it('the default generator obeys a 12-digit rule, which the sandbox enforces', async () => {
    const rule = { lengths: [12], charset: 'numeric' as const };
    open = await harness({ sandbox: { externalIdRule: rule }, auth: { externalIdRule: rule } });
    for (let i = 0; i < 5; i += 1) {
      const response = await open.auth.fetch(PATH, { method: 'POST', body: '{}' });
      expect(response.status).toBe(200);
    }
    const ids = open.sandbox.requests.to(PATH).map((r) => r.headers['x-external-id']);
    for (const id of ids) expect(id).toMatch(/^\d{12}$/);
    expect(new Set(ids).size).toBe(5);
  });

  it("a caller's id that breaks the rule is refused before anything is sent", async () => {
    open = await harness({ auth: { externalIdRule: { lengths: [9], charset: 'numeric' } } });
    const error = await open.auth
      .fetch(PATH, { method: 'POST', body: '{}', headers: { 'X-EXTERNAL-ID': 'abc' } })
      .catch((e: unknown) => e);
    expect(isAuthError(error, 'ERR_INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('9 characters');
    expect(open.sandbox.requests.to(PATH)).toHaveLength(0);
  });

  it('the sandbox answers 4001101 to an id outside its rule', async () => {
    open = await harness({ sandbox: { externalIdRule: { charset: 'numeric' } } });
    const response = await open.auth.fetch(PATH, { method: 'POST', body: '{}', headers: { 'X-EXTERNAL-ID': 'ab-1' } });
    expect(((await response.json()) as { responseCode: string }).responseCode).toBe('4001101');
  });
});

describe('token requests', () => {
  it("grantTypeField 'grant_type' is what a grant_type sandbox accepts; grantType is refused there", async () => {
    open = await harness({ sandbox: { grantTypeField: 'grant_type' }, auth: { grantTypeField: 'grant_type' } });
    await open.auth.getToken();
    expect(JSON.parse(open.sandbox.requests.all[0]?.body ?? '')).toEqual({ grant_type: 'client_credentials' });
    await open.close();
    open = await harness({ sandbox: { grantTypeField: 'grant_type' } });
    const error = await open.auth.getToken().catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
  });

  it('tokenRequestHeaders and CHANNEL-ID on B2B2C token requests', async () => {
    open = await harness({
      auth: { tokenRequestHeaders: { 'X-DEVICE-ID': 'dev-1' }, channelIdOnTokenRequests: 'b2b2c' },
    });
    await open.auth.getToken();
    const code = open.sandbox.issueAuthCode();
    await open.auth.getCustomerToken({ authCode: code });
    const [b2b, b2b2c] = open.sandbox.requests.all;
    expect(b2b?.headers['x-device-id']).toBe('dev-1');
    expect(b2b?.headers['channel-id']).toBeUndefined();
    expect(b2b2c?.headers['channel-id']).toBe(CHANNEL_ID);
    expect(b2b2c?.headers['x-device-id']).toBe('dev-1');
  });

  it('a profile that needs CHANNEL-ID on B2B2C token requests without channelId is a ConfigError naming it', async () => {
    open = await harness({ auth: { channelIdOnTokenRequests: 'b2b2c', channelId: undefined } });
    const error = await open.auth.getCustomerToken({ authCode: 'x' }).catch((e: unknown) => e);
    expect(isAuthError(error, 'ERR_CONFIG')).toBe(true);
    expect((error as Error).message).toContain('channelId');
  });

  it('tokenUrl and tokenPath together are refused', () => {
    expect(() =>
      createSnapAuth({
        baseUrl: 'https://a.example',
        tokenUrl: '/x/b2b',
        tokenPath: '/y/b2b',
        clientId: 'c',
        privateKey: privateKeyPem,
      }),
    ).toThrow(/tokenPath: expected one of tokenUrl and tokenPath/);
  });
});

describe('bodyCanonicalization', () => {
  const body = '{ "url": "https://m.example/cb", "name": "Café ☕" }';
  for (const [mode, sent] of [
    ['php', String.raw`{"url":"https:\/\/m.example\/cb","name":"Caf\u00e9 \u2615"}`],
    ['php-unescaped-slashes', String.raw`{"url":"https://m.example/cb","name":"Caf\u00e9 \u2615"}`],
  ] as const) {
    it(`'${mode}': the bytes sent are PHP's json_encode text, and they are what was hashed`, async () => {
      open = await harness({ auth: { bodyCanonicalization: mode } });
      const response = await open.auth.fetch(PATH, { method: 'POST', body });
      expect(response.status).toBe(200);
      const call = open.sandbox.requests.to(PATH)[0];
      expect(call?.body).toBe(sent);
      const signed = await open.auth.signRequest({ method: 'POST', path: PATH, body });
      expect(signed.body).toBe(sent);
    });
  }
});

describe("notifications in ifortepay's form", () => {
  const notifyUrl = 'https://merchant.example/callback';
  const body =
    '{"originalPartnerReferenceNo":"INV-1","latestTransactionStatus":"00","amount":{"value":"10000.00","currency":"IDR"}}';
  const timestamp = '2026-03-02T10:00:00+07:00';
  const sign = (text: string) => {
    const hash = createHash('sha256').update(text).digest('hex');
    return createHmac('sha512', CLIENT_SECRET).update(`${notifyUrl}:v1:${hash}:${timestamp}`).digest('base64');
  };
  const request = (signature: string, text = body, headers: Record<string, string> = {}) =>
    new Request('http://127.0.0.1:9/callback', {
      method: 'POST',
      body: text,
      headers: { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': signature, 'X-VERSION': 'v1', ...headers },
    });
  const clock = () => Date.parse(timestamp);

  it('verifies HMAC-SHA512 over notifyUrl:X-VERSION:bodyHash:X-TIMESTAMP, and refuses it tampered', async () => {
    const options = { format: 'ifortepay-notify' as const, notifyUrl, clientSecret: CLIENT_SECRET, clock };
    const verified = await verifySnapNotification(request(sign(body)), options);
    expect(verified).toMatchObject({ mode: 'ifortepay-notify', version: 'v1' });
    const tampered = await verifySnapNotification(request(sign(body), body.replace('10000', '90000')), options).catch(
      (e: unknown) => e,
    );
    expect(isAuthError(tampered, 'ERR_SIGNATURE_MISMATCH')).toBe(true);
    const otherVersion = await verifySnapNotification(request(sign(body), body, { 'X-VERSION': 'v2' }), options).catch(
      (e: unknown) => e,
    );
    expect(isAuthError(otherVersion, 'ERR_SIGNATURE_MISMATCH')).toBe(true);
    const otherUrl = await verifySnapNotification(request(sign(body)), {
      ...options,
      notifyUrl: `${notifyUrl}2`,
    }).catch((e: unknown) => e);
    expect(isAuthError(otherUrl, 'ERR_SIGNATURE_MISMATCH')).toBe(true);
  });

  it('snapIfortepayNotifySignature signs what the verifier checks, and snapSignedHeaders lays out its headers', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const signature = await snapIfortepayNotifySignature({
      notifyUrl,
      version: 'v1',
      body: pretty,
      timestamp,
      clientSecret: CLIENT_SECRET,
    });
    // The body is minified before hashing: the same signature as node:crypto over the minified text.
    expect(signature).toBe(sign(body));
    const headers = snapSignedHeaders({ kind: 'ifortepay-notify', timestamp, signature, version: 'v1' });
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signature,
      'X-VERSION': 'v1',
    });
    const options = { format: 'ifortepay-notify' as const, notifyUrl, clientSecret: CLIENT_SECRET, clock };
    const sent = new Request('http://127.0.0.1:9/callback', { method: 'POST', body: pretty, headers });
    await expect(verifySnapNotification(sent, options)).resolves.toMatchObject({ mode: 'ifortepay-notify' });
    await expect(
      snapIfortepayNotifySignature({ notifyUrl: '', version: 'v1', body, timestamp, clientSecret: CLIENT_SECRET }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });

  it("the ifortepay preset's verifyNotification uses that form by default; without X-VERSION it is a header error", async () => {
    const auth = createSnapAuth({
      ...snapPresets.ifortepay.payment.stage,
      clientId: CLIENT_ID,
      privateKey: privateKeyPem,
      clientSecret: CLIENT_SECRET,
      notifyUrl,
      clock,
    });
    await expect(auth.verifyNotification(request(sign(body)))).resolves.toMatchObject({ mode: 'ifortepay-notify' });
    const missing = new Request('http://127.0.0.1:9/callback', {
      method: 'POST',
      body,
      headers: { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': sign(body) },
    });
    const error = await auth.verifyNotification(missing).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH', check: 'header' });
  });
});

/** Every preset: each request goes to a sandbox on 127.0.0.1, and the URL it was meant for is recorded. */
describe('preset hosts', () => {
  const presets: [string, SnapPreset][] = [];
  for (const [provider, group] of Object.entries(snapPresets)) {
    for (const [key, entry] of Object.entries(group)) {
      if ('baseUrl' in entry) presets.push([`${provider}.${key}`, entry as SnapPreset]);
      else for (const [env, p] of Object.entries(entry)) presets.push([`${provider}.${key}.${env}`, p as SnapPreset]);
    }
  }

  for (const [name, preset] of presets) {
    it(`${name}: token and service calls go to the preset's hosts`, async () => {
      const tokenUrl = new URL(preset.tokenPath, `${preset.baseUrl}/`);
      const sandbox = createSnapSandbox({
        clients: [{ clientId: CLIENT_ID, publicKey: privateKeyPem, clientSecret: CLIENT_SECRET }],
        tokenPath: tokenUrl.pathname,
        servicePath: '/v1.0/balance-inquiry',
        serviceSignature: preset.serviceSignature ?? 'symmetric',
        grantTypeField: preset.grantTypeField ?? 'grantType',
        ...(preset.externalIdRule ? { externalIdRule: preset.externalIdRule } : {}),
      });
      const running = await sandbox.listen();
      const intended: string[] = [];
      const routed: typeof fetch = (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        intended.push(url.origin + url.pathname);
        const target = new URL(url.pathname + url.search, running.url);
        return fetch(input instanceof Request ? new Request(target, input) : target, init);
      };
      try {
        const auth = createSnapAuth({
          ...preset,
          clientId: CLIENT_ID,
          privateKey: privateKeyPem,
          clientSecret: CLIENT_SECRET,
          channelId: CHANNEL_ID,
          fetch: routed,
        });
        const response = await auth.fetch('/v1.0/balance-inquiry', { method: 'POST', body: '{}' });
        expect(response.status).toBe(200);
        const expected =
          preset.serviceSignature === 'asymmetric'
            ? [`${preset.baseUrl}/v1.0/balance-inquiry`]
            : [tokenUrl.href, `${preset.baseUrl}/v1.0/balance-inquiry`];
        expect(intended).toEqual(expected);
      } finally {
        await running.close();
      }
    });
  }

  it('ifortepay payment: B2B token on kronos, services and the B2B2C token on api(-stage).ifortepay.id', () => {
    expect(snapPresets.ifortepay.payment.stage).toMatchObject({
      baseUrl: 'https://api-stage.ifortepay.id',
      tokenPath: 'https://kronos-stage.ifortepay.id/auth/merchants/v1.0/access-token/b2b',
      customerTokenPath: 'https://api-stage.ifortepay.id/v1.0/access-token/b2b2c',
      serviceSignature: 'asymmetric',
      notificationFormat: 'ifortepay-notify',
    });
    expect(snapPresets.ifortepay.disbursement.production.serviceSignature).toBe('symmetric');
  });
});

// RSA-signed, as a check that the sandbox's asymmetric verification is not the library's.
describe('sandbox independence', () => {
  it('accepts an asymmetric call signed with node:crypto directly', async () => {
    open = await harness({ sandbox: { serviceSignature: 'asymmetric', requireChannelId: false } });
    const timestamp = '2026-03-02T10:00:00+07:00';
    const hash = createHash('sha256').update('{}').digest('hex');
    const signature = createSign('RSA-SHA256')
      .update(`POST:${PATH}:${hash}:${timestamp}`)
      .sign(privateKeyPem, 'base64');
    const response = await fetch(new URL(PATH, open.running.url), {
      method: 'POST',
      body: '{}',
      headers: {
        'Content-Type': 'application/json',
        'X-TIMESTAMP': timestamp,
        'X-SIGNATURE': signature,
        'X-PARTNER-ID': CLIENT_ID,
        'X-EXTERNAL-ID': '1234567890',
      },
    });
    expect(response.status).toBe(200);
  });
});
