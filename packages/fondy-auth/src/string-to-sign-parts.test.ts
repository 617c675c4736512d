import { createHash } from 'node:crypto';
import { isInputError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { FONDY_REQUEST_HEADERS } from './protocol/constants.js';
import { fondyPaymentStringToSignParts, fondySdkSignature, fondySignature } from './protocol/payment-signature.js';
import { fondyTokenRequestBody } from './protocol/token-request.js';
import {
  fondyTokenSignature,
  fondyTokenStringToSignParts,
  verifyFondyTokenSignature,
} from './protocol/token-signature.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const order = { order_id: 'test123456', order_desc: 'test order', currency: 'USD', amount: 125, merchant_id: 1396424 };
const token = { secretKey: 'secret-key', applicationId: '1234', date: '2020-04-06 11:15:27' };

describe('fondyPaymentStringToSignParts', () => {
  it('shows the key as a placeholder, then each signed parameter by name', () => {
    const result = fondyPaymentStringToSignParts({ ...order, empty: '', signature: 'x' });
    expect(result.stringToSign).toBe('<payment key>|125|USD|1396424|test order|test123456');
    expect(result.parts.map((part) => [part.label, part.value])).toEqual([
      ['payment key (not shown)', '<payment key>'],
      ['amount', '125'],
      ['currency', 'USD'],
      ['merchant_id', '1396424'],
      ['order_desc', 'test order'],
      ['order_id', 'test123456'],
    ]);
  });

  it('refuses the values fondySignature refuses', () => {
    expect(() => fondyPaymentStringToSignParts({ flag: true } as never)).toThrow(
      expect.objectContaining({ field: 'params.flag' }),
    );
  });
});

describe('fondySdkSignature', () => {
  it('equals fondySignature for the values both sign', async () => {
    const signature = await fondySignature(order, 'test');
    expect(await fondySdkSignature(order, 'test', 'node')).toBe(signature);
    expect(await fondySdkSignature(order, 'test', 'php')).toBe(signature);
  });

  it('signs null, booleans and objects as the Node and the PHP SDK do', async () => {
    const params = { amount: '125', paid: true, reservation_data: null, info: { a: 1 }, off: false };
    // Sorted names: amount, info, off, paid, reservation_data.
    expect(await fondySdkSignature(params, 'test', 'node')).toBe(sha1('test|125|[object Object]|false|true|'));
    expect(await fondySdkSignature(params, 'test', 'php')).toBe(sha1('test|125|{"a":1}||1'));
  });

  it('with no value left: the Node SDK signs "key|", the PHP SDK the key alone', async () => {
    expect(await fondySdkSignature({ signature: 'x' }, 'test', 'node')).toBe(sha1('test|'));
    expect(await fondySdkSignature({ note: null }, 'test', 'php')).toBe(sha1('test'));
  });

  it('refuses an unknown SDK and an empty key', async () => {
    await expect(fondySdkSignature(order, 'test', 'java' as never)).rejects.toThrow(TypeError);
    await expect(fondySdkSignature(order, '', 'php')).rejects.toSatisfy(isInputError);
  });
});

describe('the token request, part by part', () => {
  it('fondyTokenStringToSignParts: the key as a placeholder, then application_id and date', () => {
    expect(fondyTokenStringToSignParts(token)).toEqual({
      stringToSign: '<secret key>|1234|2020-04-06 11:15:27',
      parts: [
        { name: 'secretKey', label: 'secret key (not shown)', value: '<secret key>' },
        { name: 'applicationId', label: 'application_id', value: '1234' },
        { name: 'date', label: 'date', value: '2020-04-06 11:15:27' },
      ],
    });
    expect(fondyTokenStringToSignParts({ applicationId: 42, date: 'd' }).stringToSign).toBe('<secret key>|42|d');
    expect(() => fondyTokenStringToSignParts({ applicationId: '1234', date: '' })).toThrow(
      expect.objectContaining({ field: 'date' }),
    );
    expect(() => fondyTokenStringToSignParts(null as never)).toThrow(TypeError);
  });

  it('verifyFondyTokenSignature: either hex case, constant-time; anything else is false', async () => {
    const signature = await fondyTokenSignature(token);
    expect(await verifyFondyTokenSignature({ ...token, signature })).toBe(true);
    expect(await verifyFondyTokenSignature({ ...token, signature: signature.toUpperCase() })).toBe(true);
    expect(await verifyFondyTokenSignature({ ...token, signature: signature.slice(1) })).toBe(false);
    expect(await verifyFondyTokenSignature({ ...token, date: '2020-04-06 11:15:28', signature })).toBe(false);
    expect(await verifyFondyTokenSignature({ ...token, signature: 1 as never })).toBe(false);
  });

  it('fondyTokenRequestBody and FONDY_REQUEST_HEADERS: the request as the package sends it', () => {
    expect(fondyTokenRequestBody({ applicationId: 1234, date: 'd', signature: 's' })).toBe(
      '{"application_id":"1234","date":"d","signature":"s"}',
    );
    expect(FONDY_REQUEST_HEADERS).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/json',
    });
    expect(Object.isFrozen(FONDY_REQUEST_HEADERS)).toBe(true);
    expect(() => fondyTokenRequestBody(null as never)).toThrow(TypeError);
  });
});
