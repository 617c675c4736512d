import { createHash, createHmac } from 'node:crypto';
import { AccessToken, importHmacKey } from '@org/signing-core';
import { readVectors, vectorById } from '@org/vitest-config/vectors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_BODY_HASH } from './protocol/body-hash.js';
import { snapServiceSignature, symmetricSignature } from './protocol/service-signature.js';
import { serviceStringToSign } from './protocol/string-to-sign.js';

// SNAP-SYM-1 (protocols.md §2.3, [VERIFIED]): Midtrans docs; the string to sign is published, the body is not.
const sym1 = vectorById(readVectors('snap'), 'SNAP-SYM-1', 'service');
const SYM1 = {
  ...sym1.inputs,
  bodyHash: sym1.inputs.bodyHash as string,
  stringToSign: sym1.stringToSign,
  signature: sym1.expected.signature,
  signatureHex: sym1.expected.signatureHex as string,
};

/** An independent implementation (node:crypto), for the whole pipeline. */
function reference(input: {
  method: string;
  path: string;
  token: string;
  body: string;
  timestamp: string;
  secret: string;
}) {
  const hash = createHash('sha256').update(input.body, 'utf8').digest('hex');
  const sts = `${input.method}:${input.path}:${input.token}:${hash}:${input.timestamp}`;
  return createHmac('sha512', input.secret).update(sts, 'utf8').digest('base64');
}

describe('snapServiceSignature', () => {
  it('SNAP-SYM-1: builds the published string to sign and signs it to the published signature', async () => {
    const stringToSign = serviceStringToSign({
      method: SYM1.method,
      path: SYM1.path,
      accessToken: SYM1.accessToken,
      bodyHash: SYM1.bodyHash,
      timestamp: SYM1.timestamp,
    });
    expect(stringToSign).toBe(SYM1.stringToSign);
    expect(await symmetricSignature(SYM1.clientSecret, stringToSign)).toBe(SYM1.signature);
    expect(await symmetricSignature(await importHmacKey('SHA-512', SYM1.clientSecret), stringToSign)).toBe(
      SYM1.signature,
    );
    expect(Buffer.from(SYM1.signature, 'base64').toString('hex')).toBe(SYM1.signatureHex);
  });

  it('runs the whole pipeline (minify → sha256 → HMAC-SHA512) like an independent implementation', async () => {
    const pretty =
      '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "amount": { "value": "12345678.00", "currency": "IDR" }\n}';
    const minified =
      '{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"12345678.00","currency":"IDR"}}';
    const input = {
      method: 'POST',
      path: SYM1.path,
      accessToken: SYM1.accessToken,
      timestamp: SYM1.timestamp,
      clientSecret: SYM1.clientSecret,
    };
    const expected = reference({ ...input, token: SYM1.accessToken, body: minified, secret: SYM1.clientSecret });
    expect(await snapServiceSignature({ ...input, body: pretty })).toBe(expected);
    expect(await snapServiceSignature({ ...input, body: minified })).toBe(expected);
    expect(await snapServiceSignature({ ...input, method: 'post', body: minified })).toBe(expected);
    const token = new AccessToken({ token: SYM1.accessToken, expiresAt: Date.now() + 60_000, obtainedAt: Date.now() });
    expect(await snapServiceSignature({ ...input, accessToken: token, body: pretty })).toBe(expected);
  });

  it('hashes the empty string for a missing or empty body', async () => {
    const input = {
      method: 'GET',
      path: '/v1.0/x?a=1',
      accessToken: 't',
      timestamp: SYM1.timestamp,
      clientSecret: 's',
    };
    const expected = reference({ ...input, token: 't', body: '', secret: 's' });
    expect(await snapServiceSignature(input)).toBe(expected);
    expect(await snapServiceSignature({ ...input, body: '' })).toBe(expected);
    expect(await snapServiceSignature({ ...input, body: null })).toBe(expected);
    expect(
      createHmac('sha512', 's').update(`GET:/v1.0/x?a=1:t:${EMPTY_BODY_HASH}:${SYM1.timestamp}`).digest('base64'),
    ).toBe(expected);
  });

  it('agrees with the independent implementation for any JSON body, pretty or not (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.stringMatching(/^[A-Za-z0-9._~-]{1,80}$/),
        async (value, secret, token) => {
          const compact = JSON.stringify(value);
          const input = {
            method: 'POST',
            path: '/api/v1.0/x',
            accessToken: token,
            timestamp: SYM1.timestamp,
            clientSecret: secret,
          };
          const expected = reference({ ...input, token, body: compact, secret });
          expect(await snapServiceSignature({ ...input, body: JSON.stringify(value, null, 2) })).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects an empty client secret', async () => {
    await expect(
      snapServiceSignature({ method: 'POST', path: '/x', accessToken: 't', timestamp: 'x', clientSecret: '' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'clientSecret' });
  });
});
