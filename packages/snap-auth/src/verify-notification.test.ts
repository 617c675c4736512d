import {
  formatIsoTimestamp,
  isConfigError,
  isSignatureError,
  memoryReplayStore,
  type SignatureError,
} from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type Harness,
  harness,
  otherKeyPair,
  privateKeyPem,
  publicKeyPem,
} from './__fixtures__/setup.js';
import { type VerifySnapNotificationOptions, verifySnapNotification } from './client/verify-notification.js';
import { snapNotificationSignature } from './protocol/notification-signature.js';

let h: Harness;
let merchant: RunningSandbox;
let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
let verify: (request: Request) => Promise<unknown>;

const PATH = '/snap/v1.0/transfer-va/payment';
const body = {
  partnerServiceId: '  088899',
  virtualAccountNo: '  08889912345678901234',
  paymentRequestId: '202603021000000001',
  paidAmount: { value: '10000.00', currency: 'IDR' },
};

beforeEach(async () => {
  h = await harness({ auth: { replayStore: memoryReplayStore() } });
  outcome = undefined;
  verify = (request) => h.auth.verifyNotification(request, { publicKey: h.sandbox.providerPublicKey });
  // The merchant's notification endpoint: a plain Web Request handler on 127.0.0.1.
  merchant = await serveOnLoopback(async (request) => {
    try {
      outcome = { ok: true, value: await verify(request) };
      return Response.json({ responseCode: '2002500', responseMessage: 'Successful' });
    } catch (error) {
      outcome = { ok: false, error };
      return Response.json({ responseCode: '4012500', responseMessage: 'Unauthorized' }, { status: 401 });
    }
  }, 0);
});
afterEach(async () => {
  await merchant.close();
  await h.close();
});

function rejected(): SignatureError {
  if (!outcome || outcome.ok || !isSignatureError(outcome.error)) {
    throw new Error(`expected a SignatureError, got ${JSON.stringify(outcome)}`);
  }
  return outcome.error;
}

describe('notification round trips', () => {
  it('asymmetric: a notification signed by the provider key verifies; the raw body is returned', async () => {
    const delivery = await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body });
    expect(delivery.status).toBe(200);
    expect(outcome).toEqual({
      ok: true,
      value: {
        mode: 'asymmetric',
        rawBody: new TextEncoder().encode(JSON.stringify(body)),
        body: JSON.stringify(body),
        json: body,
        timestamp: delivery.timestamp,
        externalId: delivery.externalId,
        partnerId: CLIENT_ID,
        duplicate: false,
      },
    });
  });

  it('asymmetric: a pretty-printed body verifies (the hash is over the minified raw body)', async () => {
    const pretty = JSON.stringify(body, null, 2);
    expect((await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body: pretty })).status).toBe(200);
    expect(outcome?.ok && (outcome.value as { body: string }).body).toBe(pretty);
  });

  it('asymmetric: a sender that hashed its raw unminified bytes is accepted too', async () => {
    const pretty = JSON.stringify(body, null, 2);
    const timestamp = formatIsoTimestamp(h.clock());
    const { createHash, sign } = await import('node:crypto');
    const hash = createHash('sha256').update(pretty).digest('hex');
    const signature = sign('sha256', Buffer.from(`POST:${PATH}:${hash}:${timestamp}`), privateKeyPem).toString(
      'base64',
    );
    verify = (request) => verifySnapNotification(request, { publicKey: publicKeyPem, clock: h.clock });
    const response = await fetch(`${merchant.url}${PATH}`, {
      method: 'POST',
      body: pretty,
      headers: { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': signature, 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
  });

  it('symmetric (DOKU style): client secret + the bearer token of the request', async () => {
    verify = (request) => h.auth.verifyNotification(request);
    const delivery = await h.sandbox.sendNotification({
      url: `${merchant.url}${PATH}?channel=va`,
      body,
      mode: 'symmetric',
      accessToken: 'token-issued-by-merchant',
    });
    expect(delivery.status).toBe(200);
    expect(outcome?.ok && (outcome.value as { mode: string }).mode).toBe('symmetric');
    expect(delivery.headers.Authorization).toBe('Bearer token-issued-by-merchant');
  });

  it('providerPublicKey configured on createSnapAuth selects the asymmetric form', async () => {
    await h.close();
    h = await harness({ auth: { providerPublicKey: publicKeyPem } });
    verify = (request) => h.auth.verifyNotification(request);
    const signedBody = JSON.stringify(body);
    const timestamp = formatIsoTimestamp(h.clock());
    const signature = await snapNotificationSignature({
      method: 'POST',
      path: PATH,
      body: signedBody,
      timestamp,
      privateKey: privateKeyPem,
    });
    const response = await fetch(`${merchant.url}${PATH}`, {
      method: 'POST',
      body: signedBody,
      headers: { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': signature },
    });
    expect(response.status).toBe(200);
  });

  it('a proxy-rewritten path verifies with the path option', async () => {
    verify = (request) =>
      h.auth.verifyNotification(request, { publicKey: h.sandbox.providerPublicKey, path: '/public/notify' });
    const delivery = await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, path: '/public/notify', body });
    expect(delivery.status).toBe(200);
  });

  it('leaves the body unread when a header or the timestamp fails', async () => {
    const request = new Request('http://merchant.test/notify', { method: 'POST', body: '{}' });
    await verifySnapNotification(request, { publicKey: publicKeyPem }).catch(() => undefined);
    expect(await request.text()).toBe('{}');
  });
});

describe('the body is read once, from the request itself', () => {
  const timestamp = () => formatIsoTimestamp(new Date());
  async function signed(url: string, path: string, text: string): Promise<Request> {
    const at = timestamp();
    const signature = await snapNotificationSignature({
      method: 'POST',
      path,
      body: text,
      timestamp: at,
      privateKey: privateKeyPem,
    });
    return new Request(url, { method: 'POST', body: text, headers: { 'X-TIMESTAMP': at, 'X-SIGNATURE': signature } });
  }

  it('consumes the request body and returns the verified bytes, text and JSON', async () => {
    const text = '{ "amount": { "value": "10.00" }, "note": "café" }';
    const request = await signed('http://merchant.test/notify', '/notify', text);
    const result = await verifySnapNotification(request, { publicKey: publicKeyPem });
    expect(request.bodyUsed).toBe(true);
    expect(result.rawBody).toEqual(new TextEncoder().encode(text));
    expect(result.body).toBe(text);
    expect(result.json).toEqual({ amount: { value: '10.00' }, note: 'café' });
    await expect(verifySnapNotification(request, { publicKey: publicKeyPem })).rejects.toThrow(/already read/);
  });

  it('takes the signed path from the request URL as URL would (query kept, empty query and fragment dropped)', async () => {
    for (const [url, path] of [
      ['http://merchant.test/notify?x=1&y=%20', '/notify?x=1&y=%20'],
      ['https://merchant.test:8443/a/b?', '/a/b'],
      ['http://merchant.test/notify#fragment', '/notify'],
      ['http://merchant.test/caf%C3%A9?q=/#f?g', '/caf%C3%A9?q=/'],
    ]) {
      const request = await signed(url as string, path as string, '{}');
      await expect(verifySnapNotification(request, { publicKey: publicKeyPem })).resolves.toMatchObject({ body: '{}' });
    }
  });

  it('checks the same options object again when one of its values changed', async () => {
    const options: VerifySnapNotificationOptions = { publicKey: publicKeyPem };
    await verifySnapNotification(await signed('http://merchant.test/n', '/n', '{}'), options);
    await verifySnapNotification(await signed('http://merchant.test/n', '/n', '{}'), options);
    options.toleranceMs = -1;
    const error = await verifySnapNotification(await signed('http://merchant.test/n', '/n', '{}'), options).catch(
      (e: unknown) => e,
    );
    expect(isConfigError(error) && error.issues[0]?.path).toBe('toleranceMs');
  });
});

describe('notification rejections (each says which check failed)', () => {
  it('tampered body → signature', async () => {
    const delivery = await h.sandbox.sendNotification({
      url: `${merchant.url}${PATH}`,
      body,
      tamperBody: (text) => text.replace('10000.00', '99999.00'),
    });
    expect(delivery.status).toBe(401);
    expect(rejected()).toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH', check: 'signature', provider: 'snap' });
  });

  it('wrong key → signature', async () => {
    await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, privateKey: otherKeyPair.privateKeyPem });
    expect(rejected()).toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH', check: 'signature' });
  });

  it('wrong client secret or another access token (symmetric) → signature', async () => {
    verify = (request) => h.auth.verifyNotification(request, { clientSecret: CLIENT_SECRET });
    await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, mode: 'symmetric', clientSecret: 'guess' });
    expect(rejected().check).toBe('signature');
    verify = (request) =>
      h.auth.verifyNotification(request, { clientSecret: CLIENT_SECRET, accessToken: 'expected-token' });
    await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, mode: 'symmetric', accessToken: 'other' });
    expect(rejected().check).toBe('signature');
  });

  it('stale timestamp → timestamp (±5 min by default, configurable)', async () => {
    const stale = formatIsoTimestamp(h.clock() - 6 * 60_000);
    await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, timestamp: stale });
    const error = rejected();
    expect(error).toMatchObject({ code: 'ERR_TIMESTAMP_OUT_OF_WINDOW', check: 'timestamp' });
    expect(error.message).toContain('360 s in the past');
    const future = formatIsoTimestamp(h.clock() + 6 * 60_000);
    await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, timestamp: future });
    expect(rejected().message).toContain('in the future');
    verify = (request) =>
      h.auth.verifyNotification(request, { publicKey: h.sandbox.providerPublicKey, toleranceMs: 10 * 60_000 });
    expect((await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, timestamp: stale })).status).toBe(
      200,
    );
  });

  it('a forged copy marks nothing: the genuine notification under its id is not a duplicate', async () => {
    const first = await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, externalId: '1001' });
    expect(first.status).toBe(200);
    await h.sandbox.sendNotification({
      url: `${merchant.url}${PATH}`,
      body,
      externalId: '1002',
      privateKey: otherKeyPair.privateKeyPem,
    });
    expect(rejected().check).toBe('signature');
    h.clock.advance(1_000);
    expect((await h.sandbox.sendNotification({ url: `${merchant.url}${PATH}`, body, externalId: '1002' })).status).toBe(
      200,
    );
    expect(outcome).toMatchObject({ ok: true, value: { externalId: '1002', duplicate: false } });
  });

  it('missing or malformed headers → header', async () => {
    const send = (headers: Record<string, string>) =>
      fetch(`${merchant.url}${PATH}`, { method: 'POST', body: '{}', headers });
    const timestamp = formatIsoTimestamp(h.clock());
    await send({ 'X-TIMESTAMP': timestamp, 'X-EXTERNAL-ID': '1' });
    expect(rejected()).toMatchObject({ check: 'header', code: 'ERR_SIGNATURE_MISMATCH' });
    expect(rejected().message).toContain('X-SIGNATURE');
    await send({ 'X-SIGNATURE': 'AAAA', 'X-EXTERNAL-ID': '1' });
    expect(rejected().message).toContain('X-TIMESTAMP header is missing');
    // X-EXTERNAL-ID is not required, even with a replay store: redeliveries are recognised by signature.
    await send({ 'X-SIGNATURE': 'AAAA', 'X-TIMESTAMP': timestamp });
    expect(rejected().check).toBe('signature');
    await send({ 'X-SIGNATURE': 'AAAA', 'X-TIMESTAMP': '02/03/2026 10:00', 'X-EXTERNAL-ID': '1' });
    expect(rejected().message).toContain('not an ISO-8601 timestamp');
    await send({ 'X-SIGNATURE': '%%%', 'X-TIMESTAMP': timestamp, 'X-EXTERNAL-ID': '1' });
    expect(rejected().check).toBe('signature');
    verify = (request) => h.auth.verifyNotification(request);
    await send({ 'X-SIGNATURE': 'AAAA', 'X-TIMESTAMP': timestamp, 'X-EXTERNAL-ID': '1' });
    expect(rejected().message).toContain('Authorization: Bearer');
  });

  it('an empty body is hashed as the empty string', async () => {
    verify = (request) => verifySnapNotification(request, { publicKey: publicKeyPem, clock: h.clock });
    const timestamp = formatIsoTimestamp(h.clock());
    const signature = await snapNotificationSignature({
      method: 'POST',
      path: PATH,
      timestamp,
      privateKey: privateKeyPem,
    });
    const response = await fetch(`${merchant.url}${PATH}`, {
      method: 'POST',
      headers: { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': signature },
    });
    expect(response.status).toBe(200);
    expect(outcome?.ok && outcome.value).toMatchObject({ body: '', json: undefined });
  });
});

describe('verifySnapNotification misuse', () => {
  const request = () => new Request('http://merchant.test/notify', { method: 'POST', body: '{}' });

  it('needs exactly one of publicKey and clientSecret (ConfigError)', async () => {
    for (const options of [{}, { publicKey: publicKeyPem, clientSecret: 's' }] as VerifySnapNotificationOptions[]) {
      const error = await verifySnapNotification(request(), options).catch((e: unknown) => e);
      expect(isConfigError(error) && error.issues[0]?.path).toBe('publicKey');
      expect(isConfigError(error) && error.provider).toBe('snap');
    }
    const error = await verifySnapNotification(request(), { publicKey: publicKeyPem, toleranceMs: -1 }).catch(
      (e: unknown) => e,
    );
    expect(isConfigError(error) && error.issues[0]?.path).toBe('toleranceMs');
    expect(isConfigError(error) && error.provider).toBe('snap');
  });

  it('rejects a non-Request and a consumed body with TypeError', async () => {
    await expect(verifySnapNotification({} as never, { publicKey: publicKeyPem })).rejects.toThrow(TypeError);
    const used = request();
    await used.text();
    await expect(verifySnapNotification(used, { publicKey: publicKeyPem })).rejects.toThrow(/already read/);
  });
});

describe('redelivery (reported as duplicate, never refused)', () => {
  /** One signed notification, sent as many times as asked, with some headers changed. */
  async function signed(options: { body?: string; externalId?: string; partnerId?: string } = {}) {
    const text = options.body ?? JSON.stringify(body);
    const timestamp = formatIsoTimestamp(h.clock());
    const signature = await snapNotificationSignature({
      method: 'POST',
      path: PATH,
      body: text,
      timestamp,
      privateKey: privateKeyPem,
    });
    const headers = {
      'Content-Type': 'application/json',
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signature,
      'X-PARTNER-ID': options.partnerId ?? 'provider-1',
      'X-EXTERNAL-ID': options.externalId ?? '5001',
    };
    return async (change: Record<string, string> = {}) => {
      const response = await fetch(`${merchant.url}${PATH}`, {
        method: 'POST',
        body: text,
        headers: { ...headers, ...change },
      });
      expect(response.status).toBe(200);
      return (outcome as { value: { duplicate: boolean } }).value.duplicate;
    };
  }

  beforeEach(() => {
    const replayStore = memoryReplayStore();
    verify = (request) => verifySnapNotification(request, { publicKey: publicKeyPem, clock: h.clock, replayStore });
  });

  it('a verbatim redelivery verifies again and is reported as a duplicate', async () => {
    const send = await signed();
    expect(await send()).toBe(false);
    expect(await send()).toBe(true);
    expect(await send()).toBe(true);
  });

  it('a re-signed redelivery (new X-TIMESTAMP and X-SIGNATURE, same X-EXTERNAL-ID and body) is a duplicate', async () => {
    expect(await (await signed())()).toBe(false);
    h.clock.advance(30_000);
    expect(await (await signed())()).toBe(true);
  });

  it('a captured notification with X-EXTERNAL-ID or X-PARTNER-ID changed is still a duplicate', async () => {
    const send = await signed();
    expect(await send()).toBe(false);
    expect(await send({ 'X-EXTERNAL-ID': '5002' })).toBe(true);
    expect(await send({ 'X-PARTNER-ID': 'provider-2' })).toBe(true);
    expect(await send({ 'X-EXTERNAL-ID': '5003', 'X-PARTNER-ID': 'provider-3' })).toBe(true);
    // Without an X-EXTERNAL-ID at all, the signature still recognises it.
    const response = await fetch(`${merchant.url}${PATH}`, { method: 'POST', body: '{}', headers: {} });
    expect(response.status).toBe(401);
  });

  it('another signed body under the same X-EXTERNAL-ID is a new notification, as is a first copy without an id', async () => {
    expect(await (await signed())()).toBe(false);
    const other = await signed({ body: JSON.stringify({ ...body, paymentRequestId: '202603021000000002' }) });
    expect(await other()).toBe(false);
    h.clock.advance(1_000);
    const noId = await signed({ body: '{"x":1}' });
    const removed = { 'X-EXTERNAL-ID': '' };
    expect(await noId(removed)).toBe(false);
    expect(await noId(removed)).toBe(true);
  });

  it('without a replay store nothing is remembered: duplicate is false', async () => {
    verify = (request) => verifySnapNotification(request, { publicKey: publicKeyPem, clock: h.clock });
    const send = await signed();
    expect(await send()).toBe(false);
    expect(await send()).toBe(false);
  });
});
