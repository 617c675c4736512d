// vectors/fondy.json, the conformance vectors of Fondy's token and classic payment signatures
// (vectors/README.md): every entry's string to sign and signature are computed from its inputs by
// this package and compared with the file, and recomputed by node:crypto alone.
import { createHash } from 'node:crypto';
import { type FondyVector, itComputesEveryVector } from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';
import { FONDY_VECTORS } from './__fixtures__/vectors.js';
import {
  fondyPaymentStringToSignParts,
  fondySignature,
  fondySigningString,
  verifyFondySignature,
} from './protocol/payment-signature.js';
import {
  fondyTokenSignature,
  fondyTokenStringToSignParts,
  verifyFondyTokenSignature,
} from './protocol/token-signature.js';

const cases = FONDY_VECTORS.vectors.map((vector) => [vector.id, vector] as const);

/** What the package computes from a vector's inputs (the string to sign with the real key in it). */
async function computed(vector: FondyVector) {
  if (vector.kind === 'token') {
    const { secretKey, applicationId, date } = vector.inputs;
    const { parts } = fondyTokenStringToSignParts({ applicationId, date });
    const signature = await fondyTokenSignature({ secretKey, applicationId, date });
    expect(await verifyFondyTokenSignature({ secretKey, applicationId, date, signature })).toBe(true);
    return {
      stringToSign: parts.map((part) => (part.name === 'secretKey' ? secretKey : part.value)).join('|'),
      expected: { signature },
    };
  }
  const { paymentKey, params } = vector.inputs;
  const signature = await fondySignature(params, paymentKey);
  expect(await verifyFondySignature({ ...params, signature }, paymentKey)).toBe(true);
  const { parts } = fondyPaymentStringToSignParts(params);
  expect(parts.map((part) => (part.name === 'paymentKey' ? paymentKey : part.value)).join('|')).toBe(
    `${paymentKey}|${fondySigningString(params)}`,
  );
  return { stringToSign: `${paymentKey}|${fondySigningString(params)}`, expected: { signature } };
}

describe('vectors/fondy.json', () => {
  itComputesEveryVector(FONDY_VECTORS, computed);

  it.each(cases)('%s: node:crypto alone gets the same signature', (_id, { kind, stringToSign, expected }) => {
    const algorithm = kind === 'token' ? 'sha512' : 'sha1';
    expect(createHash(algorithm).update(stringToSign, 'utf8').digest('hex')).toBe(expected.signature);
  });

  it('the published values with unpublished keys are listed, and do not match the self-computed ones', () => {
    const ids = FONDY_VECTORS.unreproducible.map((entry) => entry.id);
    expect(ids).toEqual(['FONDY-TOKEN-DOC', 'FLITT-TOKEN-DOC', 'FONDY-PAYMENT-TYPO']);
    const signatures = new Set(FONDY_VECTORS.vectors.map((vector) => vector.expected.signature));
    for (const entry of FONDY_VECTORS.unreproducible)
      expect(signatures.has(entry.published.signature as string)).toBe(false);
  });
});
