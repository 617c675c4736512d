import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { isConfigError, isInputError, isProviderError } from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, type Harness, harness } from './__fixtures__/setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SERVICE = '/v1.0/balance-inquiry';

function expectedSignature(method: string, path: string, token: string, body: string, timestamp: string) {
  const hash = createHash('sha256').update(body, 'utf8').digest('hex');
  return createHmac('sha512', CLIENT_SECRET).update(`${method}:${path}:${token}:${hash}:${timestamp}`).digest('base64');
}

describe('signRequest', () => {
  it('returns the minified body and every SNAP header, signed over exactly those bytes', async () => {
    h = await harness({ auth: { origin: 'www.merchant.id' } });
    const signed = await h.auth.signRequest({
      method: 'post',
      path: SERVICE,
      body: '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "amount": 10.00\n}',
    });
    const token = (await h.auth.getAccessToken()).token;
    expect(signed.method).toBe('POST');
    expect(signed.url).toBe(`${h.running.url}${SERVICE}`);
    expect(signed.body).toBe('{"partnerReferenceNo":"2020102900000000000001","amount":10.00}');
    expect(Object.keys(signed.headers).sort()).toEqual(
      [
        'Authorization',
        'CHANNEL-ID',
        'Content-Type',
        'ORIGIN',
        'X-EXTERNAL-ID',
        'X-PARTNER-ID',
        'X-SIGNATURE',
        'X-TIMESTAMP',
      ].sort(),
    );
    expect(signed.headers).toMatchObject({
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      'X-TIMESTAMP': '2026-03-02T10:00:00+07:00',
      'X-PARTNER-ID': CLIENT_ID,
      'CHANNEL-ID': CHANNEL_ID,
      ORIGIN: 'www.merchant.id',
    });
    expect(signed.headers['X-EXTERNAL-ID']).toMatch(/^\d{36}$/);
    expect(signed.headers['X-SIGNATURE']).toBe(
      expectedSignature('POST', SERVICE, token, signed.body ?? '', '2026-03-02T10:00:00+07:00'),
    );
    // …and the provider accepts it.
    const response = await fetch(signed.url, {
      method: signed.method,
      headers: signed.headers,
      body: signed.body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      responseCode: '2001100',
      partnerReferenceNo: '2020102900000000000001',
    });
  });

  it('serialises an object body once; a GET without body hashes the empty string and keeps the query', async () => {
    h = await harness();
    const post = await h.auth.signRequest({ method: 'POST', path: SERVICE, body: { b: [1, 2], a: 'x' } });
    expect(post.body).toBe('{"b":[1,2],"a":"x"}');
    const get = await h.auth.signRequest({ method: 'GET', path: `${SERVICE}?accountNo=1&b=2` });
    expect(get.body).toBeNull();
    const token = (await h.auth.getAccessToken()).token;
    expect(get.headers['X-SIGNATURE']).toBe(
      expectedSignature('GET', `${SERVICE}?accountNo=1&b=2`, token, '', get.headers['X-TIMESTAMP'] ?? ''),
    );
    const response = await fetch(get.url, { headers: get.headers });
    expect(response.status).toBe(200);
  });

  it('adds Authorization-Customer for a customer token, and lets the caller set ids and extra headers', async () => {
    h = await harness();
    const customer = await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode({ customerId: 'cust-7' }) });
    const signed = await h.auth.signRequest({
      method: 'POST',
      path: SERVICE,
      body: '{}',
      customerToken: customer,
      headers: {
        'X-EXTERNAL-ID': '123456789',
        'X-DEVICE-ID': 'device-1',
        'X-IP-ADDRESS': '10.0.0.1',
        authorization: 'Bearer forged',
        'x-signature': 'forged',
      },
    });
    expect(signed.headers['Authorization-Customer']).toBe(`Bearer ${customer.accessToken.token}`);
    expect(signed.headers['X-EXTERNAL-ID']).toBe('123456789');
    expect(signed.headers['X-DEVICE-ID']).toBe('device-1');
    expect(signed.headers.authorization).toBeUndefined();
    expect(signed.headers['x-signature']).toBeUndefined();
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(await response.json()).toMatchObject({ responseCode: '2001100', customerId: 'cust-7' });
    // A string and an AccessToken work too.
    for (const customerToken of [customer.accessToken, customer.accessToken.token]) {
      const again = await h.auth.signRequest({ method: 'POST', path: SERVICE, body: '{}', customerToken });
      expect(again.headers['Authorization-Customer']).toBe(`Bearer ${customer.accessToken.token}`);
    }
  });

  it('the caller X-PARTNER-ID / CHANNEL-ID replace the configured ones', async () => {
    h = await harness();
    const signed = await h.auth.signRequest({
      method: 'POST',
      path: SERVICE,
      headers: { 'x-partner-id': 'other', 'channel-id': '00000' },
    });
    expect(signed.headers['x-partner-id']).toBe('other');
    expect(signed.headers['channel-id']).toBe('00000');
    expect(signed.headers['X-PARTNER-ID']).toBeUndefined();
  });

  it('prints and serialises with the token and signature redacted', async () => {
    h = await harness();
    const signed = await h.auth.signRequest({ method: 'POST', path: SERVICE, body: '{}' });
    const token = (await h.auth.getAccessToken()).token;
    for (const printed of [
      JSON.stringify(signed),
      inspect(signed, { depth: 10, showHidden: true }),
      JSON.stringify(signed.headers),
    ]) {
      expect(printed).not.toContain(token);
      expect(printed).not.toContain(signed.headers['X-SIGNATURE']);
      expect(printed).toContain('[REDACTED]');
    }
    expect({ ...signed.headers }.Authorization).toBe(`Bearer ${token}`);
  });

  it('rejects bad input with typed errors', async () => {
    h = await harness();
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? `${e.code}:${e.field}` : (e as Error).name),
      );
    expect(await outcome(h.auth.signRequest({ method: 'POST', path: SERVICE, body: '{"a":' }))).toBe(
      'ERR_INVALID_JSON:body',
    );
    expect(await outcome(h.auth.signRequest({ method: '', path: SERVICE }))).toBe('ERR_INVALID_INPUT:method');
    expect(await outcome(h.auth.signRequest({ method: 'POST', path: '' }))).toBe('TypeError');
    expect(await outcome(h.auth.signRequest({ method: 'POST', path: SERVICE, customerToken: '' }))).toBe(
      'ERR_INVALID_INPUT:customerToken',
    );
    expect(await outcome(h.auth.signRequest({ method: 'POST', path: SERVICE, customerToken: 5 as never }))).toBe(
      'TypeError',
    );
    expect(await outcome(h.auth.signRequest(null as never))).toBe('TypeError');
  });

  it('an externalId generator that breaks the rules is an InputError', async () => {
    h = await harness({ auth: { externalId: () => '1'.repeat(37) } });
    await expect(h.auth.signRequest({ method: 'POST', path: SERVICE })).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      field: 'externalId',
    });
  });

  it('without clientSecret, signing is a ConfigError that names it', async () => {
    h = await harness({ auth: { clientSecret: undefined } });
    const error = await h.auth.signRequest({ method: 'POST', path: SERVICE }).catch((e: unknown) => e);
    expect(isConfigError(error) && error.issues[0]?.path).toBe('clientSecret');
  });

  it('the provider rejects a request signed with the wrong client secret: 4017300', async () => {
    h = await harness({ auth: { clientSecret: 'not-the-secret' } });
    const error = await h.auth.ky.post('v1.0/balance-inquiry', { json: {} }).catch((e: unknown) => e);
    expect(isProviderError(error) && error.providerCode).toBe('4017300');
    expect((error as Error).message).toContain('clientSecret');
  });
});
