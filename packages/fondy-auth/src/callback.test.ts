// verifyFondyCallback against the official Node SDK (cloudipsp-node-js-sdk, test-only): callbacks
// it signs verify here in JSON, form and protocol 2.0, and what this package refuses is shown
// next to what the SDK would accept.
import { createHash } from 'node:crypto';
import { isAuthError, Secret } from '@org/signing-core';
import sdkUtil from 'cloudipsp-node-js-sdk/lib/util.js';
import { describe, expect, it } from 'vitest';
import { classicSignatureVector } from './__fixtures__/vectors.js';
import { fondySdkSignature, fondySignature, verifyFondyCallback, verifyFondySignature } from './index.js';

/** The parts of the SDK's lib/util.js used here (the package ships no types). */
interface CloudIpspUtil {
  genSignature(data: Record<string, unknown>, secret: string): string;
  genSignatureV2(data: string, secret: string): string;
  getConvertedData(
    type: 'json' | 'form',
    data: Record<string, unknown>,
    protocol: '1.0' | '2.0',
    secret: string,
  ): string;
  getConvertedResponse(type: 'json' | 'form', data: string, protocol: '1.0' | '2.0'): Record<string, unknown>;
  validateResponse(response: Record<string, unknown>, secret: string): boolean;
}
const sdk = sdkUtil as CloudIpspUtil;

const KEY = 'test';
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/** A callback as Fondy documents its fields (values as Fondy sends them in JSON). */
const order = {
  order_id: 'shop-1001',
  merchant_id: 1396424,
  amount: 12500,
  currency: 'UAH',
  order_status: 'approved',
  response_status: 'success',
  payment_id: 805243692,
  actual_amount: 12500,
  masked_card: '444455XXXXXX1111',
  order_time: '21.08.2024 14:27:50',
  sender_email: 'buyer@example.com',
  merchant_data: '{"cart":[1,2]}',
  additional_info: '{"capture_status": null, "bank_name": "Ощадбанк"}',
  rrn: '',
  fee: '',
};
const signed = () => ({ ...order, signature: sdk.genSignature({ ...order }, KEY) });

const request = (body: string, type?: string) =>
  new Request('https://shop.example/fondy/callback', {
    method: 'POST',
    body,
    headers: type === undefined ? {} : { 'content-type': type },
  });

describe('verifyFondyCallback, protocol 1.0', () => {
  it('verifies a JSON callback signed by the official SDK, returning its parameters as parsed', async () => {
    const callback = signed();
    for (const body of [JSON.stringify(callback), JSON.stringify(callback, null, 2)]) {
      const result = await verifyFondyCallback(request(body, 'application/json'), KEY);
      expect(result).toEqual({ protocol: '1.0', format: 'json', params: callback });
    }
    // The text, the bytes and the parsed object work the same; so does the {"response": …} shape of an API answer.
    const text = JSON.stringify(callback);
    expect(await verifyFondyCallback(text, KEY)).toMatchObject({ protocol: '1.0', format: 'json' });
    expect(await verifyFondyCallback(new TextEncoder().encode(text), KEY)).toMatchObject({ format: 'json' });
    expect(await verifyFondyCallback(callback, KEY)).toMatchObject({ format: 'object', params: callback });
    expect(await verifyFondyCallback(JSON.stringify({ response: callback }), KEY)).toMatchObject({ params: callback });
    // And the SDK accepts what this package signs.
    const ours = { ...order, signature: await fondySignature(order, KEY) };
    expect(sdk.validateResponse(ours, KEY)).toBe(true);
  });

  it('verifies a form-encoded callback built by the SDK (querystring), with or without the content type', async () => {
    const body = sdk.getConvertedData('form', { ...order }, '1.0', KEY);
    expect(body).toContain('order_id=shop-1001&');
    const expected = Object.fromEntries(new URLSearchParams(body));
    for (const type of [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      undefined,
    ]) {
      expect(await verifyFondyCallback(request(body, type), KEY)).toEqual({
        protocol: '1.0',
        format: 'form',
        params: expected,
      });
    }
    expect(await verifyFondyCallback(new URLSearchParams(body), KEY)).toMatchObject({ format: 'form' });
    // Tampering with one field of the form breaks it.
    expect(await verifyFondyCallback(request(body.replace('amount=12500', 'amount=1'), undefined), KEY)).toBe(false);
  });

  it('answers false for a wrong key, a tampered value, a missing signature', async () => {
    const callback = signed();
    expect(await verifyFondyCallback(JSON.stringify(callback), 'other')).toBe(false);
    expect(await verifyFondyCallback(JSON.stringify({ ...callback, amount: 1 }), KEY)).toBe(false);
    const { signature: _, ...unsigned } = callback;
    expect(await verifyFondyCallback(JSON.stringify(unsigned), KEY)).toBe(false);
    expect(
      await verifyFondyCallback(JSON.stringify({ ...callback, signature: callback.signature.toUpperCase() }), KEY),
    ).toMatchObject({ protocol: '1.0' });
  });

  it('signs JSON numbers as their text in the body: 10.50 stays 10.50', async () => {
    const signature = sha1(`${KEY}|10.50|UAH|1e3`);
    const body = `{"amount": 10.50, "currency": "UAH", "fee": 1e3, "signature": "${signature}"}`;
    expect(await verifyFondyCallback(body, KEY)).toEqual({
      protocol: '1.0',
      format: 'json',
      params: { amount: 10.5, currency: 'UAH', fee: 1000, signature },
    });
    // Parsed first (numbers as numbers), the same callback is signed with String(n) and fails.
    expect(await verifyFondyCallback(JSON.parse(body), KEY)).toBe(false);
  });

  it('a boolean, array or object value answers false (the SDK would sign them its own way)', async () => {
    for (const extra of [{ flag: true }, { flag: false }, { items: ['a', 'b'] }, { nested: { a: 1 } }]) {
      const params = { ...order, ...extra };
      const sdkSigned = { ...params, signature: sdk.genSignature({ ...params }, KEY) };
      // The SDK accepts its own signature over String(value)…
      expect(sdk.validateResponse(sdkSigned, KEY)).toBe(true);
      expect(sdkSigned.signature).toBe(await fondySdkSignature(params, KEY, 'node'));
      // …which no documented rule defines: refused, never thrown.
      expect(await verifyFondySignature(sdkSigned, KEY)).toBe(false);
      expect(await verifyFondyCallback(JSON.stringify(sdkSigned), KEY)).toBe(false);
    }
  });

  it('a boolean or array in any place, the signature included, answers false and never throws', async () => {
    const signature = sdk.genSignature({ ...order }, KEY);
    const bodies: unknown[] = [
      { ...order, signature: true },
      { ...order, signature: [signature] },
      { ...order, amount: [12500], signature },
      { ...order, order_status: false, signature },
      { response: [{ ...order, signature }] },
      { response: true },
      true,
      [{ ...order, signature }],
      null,
    ];
    for (const body of bodies) {
      const text = JSON.stringify(body);
      expect(await verifyFondyCallback(text, KEY), text).toBe(false);
      expect(await verifyFondyCallback(request(text, 'application/json'), KEY), text).toBe(false);
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        expect(await verifyFondyCallback(body as Record<string, unknown>, KEY), text).toBe(false);
      }
    }
    // Control: the same callback with its values as sent verifies.
    expect(await verifyFondyCallback(JSON.stringify({ ...order, signature }), KEY)).toMatchObject({ protocol: '1.0' });
  });

  it('a repeated form field, a lone surrogate, a body that is not UTF-8 or not JSON answer false', async () => {
    const form = `${sdk.getConvertedData('form', { ...order }, '1.0', KEY)}&order_id=again`;
    expect(await verifyFondyCallback(form, KEY)).toBe(false);
    expect(await verifyFondySignature(new URLSearchParams(form), KEY)).toBe(false);
    expect(await verifyFondyCallback('{"order_id": "\\ud800", "signature": "x"}', KEY)).toBe(false);
    expect(await verifyFondyCallback(new Uint8Array([0x7b, 0xff, 0x7d]), KEY)).toBe(false);
    expect(await verifyFondyCallback(request('{"truncated": ', 'application/json'), KEY)).toBe(false);
    expect(await verifyFondyCallback(request('[1, 2]', 'application/json'), KEY)).toBe(false);
  });
});

describe('verifyFondyCallback, protocol 2.0', () => {
  /** What the SDK sends for protocol 2.0 (`{"request": {version, data, signature}}`), as a callback body. */
  const envelope = (params: Record<string, unknown>) =>
    (JSON.parse(sdk.getConvertedData('json', { ...params }, '2.0', KEY)) as { request: Record<string, string> })
      .request;

  it('verifies sha1(key|data) over the base64 text and returns the decoded order', async () => {
    const fields = envelope(order);
    expect(fields.version).toBe('2.0');
    expect(fields.signature).toBe(sha1(`${KEY}|${fields.data}`));
    for (const body of [{ response: fields }, fields]) {
      const result = await verifyFondyCallback(request(JSON.stringify(body), 'application/json'), KEY);
      expect(result).toEqual({ protocol: '2.0', format: 'json', params: order, payload: { order } });
      // The SDK reads the same order out of it.
      expect(sdk.getConvertedResponse('json', JSON.stringify({ response: fields }), '2.0')).toEqual(order);
      expect(sdk.validateResponse(fields, KEY)).toBe(true);
    }
    // Without `version`, data + signature alone are 2.0 as well; form-encoded too.
    const { version: _, ...bare } = fields;
    expect(await verifyFondyCallback(JSON.stringify(bare), KEY)).toMatchObject({ protocol: '2.0', params: order });
    const form = new URLSearchParams(fields).toString();
    expect(await verifyFondyCallback(request(form, 'application/x-www-form-urlencoded'), KEY)).toMatchObject({
      protocol: '2.0',
      format: 'form',
      params: order,
    });
  });

  it('the decoded data may hold anything (booleans, arrays): only the base64 text is signed', async () => {
    const params = { ...order, subscription: true, recurring_data: { every: 1, period: 'month' }, items: [1, 2] };
    const result = await verifyFondyCallback(JSON.stringify({ response: envelope(params) }), new Secret(KEY));
    expect(result).toMatchObject({ protocol: '2.0', params });
  });

  it('a boolean or array in place of data, signature or version, or a repeated form field, answers false', async () => {
    const fields = envelope(order);
    for (const body of [
      { ...fields, data: [fields.data] },
      { ...fields, signature: [fields.signature] },
      { ...fields, signature: true },
      { ...fields, version: ['2.0'] },
      { ...fields, version: true },
      { data: fields.data, signature: fields.signature, version: 2 },
      { response: [fields] },
    ]) {
      const text = JSON.stringify(body);
      expect(await verifyFondyCallback(request(text, 'application/json'), KEY), text).toBe(false);
    }
    // A form carrying data twice: which one is meant is ambiguous (another parser may read the
    // other), so neither is trusted, whichever the signature covers.
    const other = Buffer.from(JSON.stringify({ order: { ...order, amount: 1 } })).toString('base64');
    const form = new URLSearchParams(fields);
    form.append('data', other);
    expect(await verifyFondyCallback(request(form.toString(), 'application/x-www-form-urlencoded'), KEY)).toBe(false);
    const doubled = new URLSearchParams({ version: '2.0', data: other, signature: sha1(`${KEY}|${fields.data}`) });
    doubled.append('data', fields.data as string);
    expect(await verifyFondyCallback(doubled, KEY)).toBe(false);
    // Control: the envelope as the SDK makes it verifies, as JSON and as a form.
    expect(await verifyFondyCallback(JSON.stringify(fields), KEY)).toMatchObject({ protocol: '2.0' });
    expect(await verifyFondyCallback(new URLSearchParams(fields), KEY)).toMatchObject({ protocol: '2.0' });
  });

  it('answers false for a wrong key, changed data, data that is not base64 JSON of an object', async () => {
    const fields = envelope(order);
    expect(await verifyFondyCallback(JSON.stringify(fields), 'other')).toBe(false);
    const changed = Buffer.from(JSON.stringify({ order: { ...order, amount: 1 } })).toString('base64');
    expect(await verifyFondyCallback(JSON.stringify({ ...fields, data: changed }), KEY)).toBe(false);
    for (const data of [
      'not base64!',
      Buffer.from('not json').toString('base64'),
      Buffer.from('[1]').toString('base64'),
    ]) {
      const body = { version: '2.0', data, signature: sha1(`${KEY}|${data}`) };
      expect(await verifyFondyCallback(JSON.stringify(body), KEY)).toBe(false);
    }
    // A decoded object without `order` is returned as it is.
    const data = Buffer.from('{"status":"ok"}').toString('base64');
    expect(await verifyFondyCallback(JSON.stringify({ data, signature: sha1(`${KEY}|${data}`) }), KEY)).toEqual({
      protocol: '2.0',
      format: 'json',
      params: { status: 'ok' },
      payload: { status: 'ok' },
    });
  });
});

describe('verifyFondyCallback, limits and misuse', () => {
  it('refuses a Request body over maxBodyBytes with ERR_RESPONSE_TOO_LARGE', async () => {
    const body = JSON.stringify(signed());
    const error = await verifyFondyCallback(request(body, 'application/json'), KEY, { maxBodyBytes: 100 }).catch(
      (e: unknown) => e,
    );
    expect(isAuthError(error, 'ERR_RESPONSE_TOO_LARGE')).toBe(true);
    expect(error).toMatchObject({ provider: 'fondy', message: expect.stringContaining('callback body') });
    const size = Buffer.byteLength(body);
    expect(await verifyFondyCallback(request(body, 'application/json'), KEY, { maxBodyBytes: size })).not.toBe(false);
    // A declared Content-Length over the limit is refused before reading.
    const declared = new Request('https://shop.example/cb', {
      method: 'POST',
      body,
      headers: { 'content-length': String(size) },
    });
    await expect(verifyFondyCallback(declared, KEY, { maxBodyBytes: size - 1 })).rejects.toMatchObject({
      code: 'ERR_RESPONSE_TOO_LARGE',
    });
  });

  it('TypeError for another input or key type and a bad limit, InputError for an empty key', async () => {
    await expect(verifyFondyCallback(42 as never, KEY)).rejects.toThrow(TypeError);
    await expect(verifyFondyCallback('{}', 42 as never)).rejects.toThrow(TypeError);
    await expect(verifyFondyCallback('{}', KEY, { maxBodyBytes: 0 })).rejects.toThrow(TypeError);
    await expect(verifyFondyCallback('{}', '')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });

  it('the documented vector verifies as a callback too', async () => {
    const { params, paymentKey, signature } = classicSignatureVector;
    expect(await verifyFondyCallback(JSON.stringify({ ...params, signature }), paymentKey)).toMatchObject({
      protocol: '1.0',
    });
  });
});
