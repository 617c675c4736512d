import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { isKeyFormatError } from '@org/signing-core';
import { readVectors, vectorById } from '@org/vitest-config/vectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otherKeyPair, privateKeyPem, publicKeyPem } from './__fixtures__/setup.js';
import { snapAccessTokenSignature, verifySnapAccessTokenSignature } from './protocol/access-token-signature.js';

// SNAP-B2B-1 (protocols.md §2.1, [VERIFIED]): Midtrans docs, repeated by Qoinhub.
const B2B1 = vectorById(readVectors('snap'), 'SNAP-B2B-1', 'access-token');
const VECTOR = { clientId: B2B1.inputs.clientId, timestamp: B2B1.inputs.timestamp, signature: B2B1.expected.signature };

const keyObject = createPrivateKey(privateKeyPem);
const pkcs1Pem = keyObject.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8Der = new Uint8Array(keyObject.export({ type: 'pkcs8', format: 'der' }));
const spkiDer = new Uint8Array(createPublicKey(keyObject).export({ type: 'spki', format: 'der' }));

// Node 24 warns (DEP0203/DEP0204) when a CryptoKey is handed to node:crypto; the core uses a
// CryptoKey through WebCrypto. Every warning of this file is collected and checked at the end
// (Node warns once per process, so the listener must be there before the first CryptoKey use).
const warnings: { code: string | undefined; message: string }[] = [];
const onWarning = (warning: Error & { code?: string }) =>
  warnings.push({ code: warning.code, message: warning.message });
beforeAll(() => {
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
});

describe('snapAccessTokenSignature (SNAP-B2B-1)', () => {
  it.each([
    ['PKCS#8 PEM', () => privateKeyPem],
    ['PKCS#1 PEM', () => pkcs1Pem],
    ['bare base64 body', () => privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')],
    ['PEM with literal \\n', () => privateKeyPem.replace(/\n/g, '\\n')],
    ['DER bytes', () => pkcs8Der],
    [
      'CryptoKey',
      () => crypto.subtle.importKey('pkcs8', pkcs8Der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']),
    ],
    ['signer function (KMS)', () => async (data: Uint8Array) => new Uint8Array(sign('sha256', data, keyObject))],
  ])('matches the published signature with a %s', async (_name, key) => {
    const privateKey = await key();
    expect(await snapAccessTokenSignature({ clientId: VECTOR.clientId, timestamp: VECTOR.timestamp, privateKey })).toBe(
      VECTOR.signature,
    );
  });

  it('verifies the published signature with the derived public key, and nothing else', async () => {
    const input = { clientId: VECTOR.clientId, timestamp: VECTOR.timestamp, publicKey: publicKeyPem };
    expect(await verifySnapAccessTokenSignature({ ...input, signature: VECTOR.signature })).toBe(true);
    expect(
      await verifySnapAccessTokenSignature({
        ...input,
        timestamp: '2023-07-31T07:10:01+07:00',
        signature: VECTOR.signature,
      }),
    ).toBe(false);
    expect(
      await verifySnapAccessTokenSignature({ ...input, clientId: 'G1234325-SNAQ', signature: VECTOR.signature }),
    ).toBe(false);
    expect(
      await verifySnapAccessTokenSignature({
        ...input,
        publicKey: otherKeyPair.publicKeyPem,
        signature: VECTOR.signature,
      }),
    ).toBe(false);
    expect(await verifySnapAccessTokenSignature({ ...input, signature: 'not base64 !!' })).toBe(false);
    expect(await verifySnapAccessTokenSignature({ ...input, signature: '' })).toBe(false);
    expect(await verifySnapAccessTokenSignature({ ...input, signature: VECTOR.signature.slice(0, 40) })).toBe(false);
  });

  it('reports an unusable key as KeyFormatError without echoing it', async () => {
    const error = await snapAccessTokenSignature({
      clientId: 'c',
      timestamp: 't',
      privateKey: '-----BEGIN PRIVATE KEY-----\nnot-a-key-secret-material\n-----END PRIVATE KEY-----',
    }).catch((e: unknown) => e);
    expect(isKeyFormatError(error)).toBe(true);
    expect((error as { provider?: string }).provider).toBe('snap');
    expect(String((error as Error).message)).not.toContain('not-a-key-secret-material');
  });

  it('signs and verifies with CryptoKeys without a Node deprecation warning (DEP0203/DEP0204)', async () => {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8Der, algorithm, false, ['sign']);
    const publicKey = await crypto.subtle.importKey('spki', spkiDer, algorithm, false, ['verify']);
    const signature = await snapAccessTokenSignature({
      clientId: VECTOR.clientId,
      timestamp: VECTOR.timestamp,
      privateKey,
    });
    expect(signature).toBe(VECTOR.signature);
    expect(
      await verifySnapAccessTokenSignature({
        clientId: VECTOR.clientId,
        timestamp: VECTOR.timestamp,
        signature,
        publicKey,
      }),
    ).toBe(true);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(warnings.filter((w) => w.code === 'DEP0203' || w.code === 'DEP0204')).toEqual([]);
  });
});
