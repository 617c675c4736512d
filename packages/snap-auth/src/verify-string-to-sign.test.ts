import { createHmac, createSign } from 'node:crypto';
import { isInputError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { CLIENT_SECRET, otherKeyPair, privateKeyPem, publicKeyPem } from './__fixtures__/setup.js';
import { snapStringToSignParts } from './protocol/string-to-sign.js';
import { verifySnapStringToSign } from './protocol/verify-signature.js';

const stringToSign =
  'POST:/notify:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:2020-01-01T00:00:00Z';
const rsa = (text: string) => createSign('sha256').update(text).sign(privateKeyPem, 'base64');
const hmac = (text: string) => createHmac('sha512', CLIENT_SECRET).update(text).digest('base64');

describe('verifySnapStringToSign', () => {
  it('checks SHA256withRSA with the public key, over exactly the string given', async () => {
    const signature = rsa(stringToSign);
    expect(await verifySnapStringToSign({ stringToSign, signature, publicKey: publicKeyPem })).toBe(true);
    expect(await verifySnapStringToSign({ stringToSign: `${stringToSign} `, signature, publicKey: publicKeyPem })).toBe(
      false,
    );
    expect(await verifySnapStringToSign({ stringToSign, signature, publicKey: otherKeyPair.publicKeyPem })).toBe(false);
  });

  it('checks HMAC-SHA512 with the client secret; a malformed signature is false', async () => {
    const signature = hmac(stringToSign);
    expect(await verifySnapStringToSign({ stringToSign, signature, clientSecret: CLIENT_SECRET })).toBe(true);
    expect(await verifySnapStringToSign({ stringToSign, signature, clientSecret: 'other' })).toBe(false);
    expect(await verifySnapStringToSign({ stringToSign, signature: '%%%', clientSecret: CLIENT_SECRET })).toBe(false);
    expect(await verifySnapStringToSign({ stringToSign, signature: '', clientSecret: CLIENT_SECRET })).toBe(false);
  });

  it('verifies a signature over a body hashed unminified, built with snapStringToSignParts', async () => {
    const body = '{ "a": 1 }';
    const raw = await snapStringToSignParts({
      kind: 'service',
      method: 'POST',
      path: '/v1.0/x',
      accessToken: 'tok',
      body,
      timestamp: 't',
      minify: false,
    });
    const signature = hmac(raw.stringToSign);
    expect(
      await verifySnapStringToSign({ stringToSign: raw.stringToSign, signature, clientSecret: CLIENT_SECRET }),
    ).toBe(true);
  });

  it('wants exactly one of publicKey and clientSecret', async () => {
    const field = (input: unknown) =>
      verifySnapStringToSign(input as never).then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? e.field : (e as Error).name),
      );
    expect(await field({ stringToSign, signature: 'x' })).toBe('publicKey');
    expect(await field({ stringToSign, signature: 'x', publicKey: publicKeyPem, clientSecret: 's' })).toBe(
      'clientSecret',
    );
    expect(await field({ stringToSign: 1, signature: 'x', clientSecret: 's' })).toBe('TypeError');
    expect(await field(null)).toBe('TypeError');
  });
});
