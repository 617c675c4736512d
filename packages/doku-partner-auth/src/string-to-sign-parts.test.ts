import { createHmac } from 'node:crypto';
import { isInputError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { SECRET, TOKEN_VECTOR } from './__fixtures__/vectors.js';
import { dokuStringToSign, dokuStringToSignParts, verifyDokuStringToSign } from './protocol/signature.js';

const token = {
  clientId: TOKEN_VECTOR.clientId,
  requestId: TOKEN_VECTOR.requestId,
  timestamp: TOKEN_VECTOR.timestamp,
  target: TOKEN_VECTOR.target,
  body: TOKEN_VECTOR.body,
};
const mac = (text: string) => `HMACSHA256=${createHmac('sha256', SECRET).update(text).digest('base64')}`;

describe('dokuStringToSignParts', () => {
  it('gives each line with its label; joined, they are the string dokuStringToSign builds', async () => {
    const result = await dokuStringToSignParts(token);
    expect(result.parts).toEqual([
      { name: 'clientId', label: 'Client-Id', value: TOKEN_VECTOR.clientId },
      { name: 'requestId', label: 'Request-Id', value: TOKEN_VECTOR.requestId },
      { name: 'timestamp', label: 'Request-Timestamp', value: TOKEN_VECTOR.timestamp },
      { name: 'target', label: 'Request-Target', value: TOKEN_VECTOR.target },
      { name: 'digest', label: 'Digest', value: TOKEN_VECTOR.digest },
    ]);
    expect(result.stringToSign).toBe(await dokuStringToSign(token));
  });

  it('writes Response-Timestamp for a response, and no Digest line without a body', async () => {
    const result = await dokuStringToSignParts({ ...token, body: '', kind: 'response' });
    expect(result.parts.map((part) => part.label)).toEqual([
      'Client-Id',
      'Request-Id',
      'Response-Timestamp',
      'Request-Target',
    ]);
  });

  it('unpaddedDigest writes the Digest without "=" padding, as some signers do', async () => {
    const result = await dokuStringToSignParts(token, { unpaddedDigest: true });
    expect(result.parts.at(-1)?.value).toBe(TOKEN_VECTOR.digest.replace(/=+$/, ''));
    expect(result.stringToSign).toBe((await dokuStringToSign(token)).replace(/=+$/, ''));
  });

  it('checks its components as dokuStringToSign does', async () => {
    const field = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? e.field : (e as Error).name),
      );
    expect(await field(dokuStringToSignParts({ ...token, target: 'x' }))).toBe('target');
    expect(await field(dokuStringToSignParts({ ...token, requestId: 'a\nb' }))).toBe('requestId');
    expect(await field(dokuStringToSignParts(null as never))).toBe('TypeError');
  });
});

describe('verifyDokuStringToSign', () => {
  it('checks HMACSHA256= over exactly the string given, padded or not', async () => {
    const stringToSign = await dokuStringToSign(token);
    expect(await verifyDokuStringToSign({ stringToSign, secretKey: SECRET, signature: TOKEN_VECTOR.signature })).toBe(
      true,
    );
    const unpadded = TOKEN_VECTOR.signature.replace(/=$/, '');
    expect(await verifyDokuStringToSign({ stringToSign, secretKey: SECRET, signature: unpadded })).toBe(true);
    expect(await verifyDokuStringToSign({ stringToSign, secretKey: 'other', signature: TOKEN_VECTOR.signature })).toBe(
      false,
    );
    expect(await verifyDokuStringToSign({ stringToSign, secretKey: SECRET, signature: 'HMACSHA256=%%' })).toBe(false);
  });

  it('verifies a signer that wrote the Digest unpadded, over the string built with unpaddedDigest', async () => {
    const { stringToSign } = await dokuStringToSignParts(token, { unpaddedDigest: true });
    const signature = mac(stringToSign);
    expect(await verifyDokuStringToSign({ stringToSign, secretKey: SECRET, signature })).toBe(true);
    expect(
      await verifyDokuStringToSign({ stringToSign: await dokuStringToSign(token), secretKey: SECRET, signature }),
    ).toBe(false);
  });

  it('refuses arguments of the wrong type', async () => {
    const name = (input: unknown) =>
      verifyDokuStringToSign(input as never).then(
        () => 'ok',
        (e: unknown) => (e as Error).name,
      );
    expect(await name(null)).toBe('TypeError');
    expect(await name({ stringToSign: 1, secretKey: SECRET, signature: 's' })).toBe('TypeError');
    expect(await name({ stringToSign: 's', secretKey: SECRET, signature: 1 })).toBe('TypeError');
    expect(await name({ stringToSign: 's', secretKey: '', signature: 's' })).toBe('TypeError');
  });
});
