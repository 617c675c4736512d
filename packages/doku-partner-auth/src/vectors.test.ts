// vectors/doku-partner.json, the conformance vectors of DOKU's non-SNAP signature
// (vectors/README.md): every entry's component string and outputs are computed from its inputs
// by this package and compared with the file, and recomputed by node:crypto alone and by the
// sandbox's own code.
import { createHash, createHmac } from 'node:crypto';
import { hmac, toBase64 } from '@org/signing-core';
import { type DokuVector, itComputesEveryVector } from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';
import { DOKU_VECTORS } from './__fixtures__/vectors.js';
import { dokuDigest } from './protocol/digest.js';
import {
  DOKU_SIGNATURE_PREFIX,
  dokuSignature,
  dokuStringToSign,
  dokuStringToSignParts,
  verifyDokuSignature,
  verifyDokuStringToSign,
} from './protocol/signature.js';
import { sandboxSignature } from './testing/sandbox-signature.js';

const cases = DOKU_VECTORS.vectors.map((vector) => [vector.id, vector] as const);

/** What the package computes from a vector's inputs. */
async function computed({ kind, inputs }: DokuVector) {
  const { clientId, requestId, timestamp, target, secretKey, body, digest } = inputs;
  const components = { clientId, requestId, timestamp, target, kind };
  if (digest !== undefined) {
    // Only the Digest is published, not the body: the package builds the other lines.
    const stringToSign = `${await dokuStringToSign(components)}\nDigest:${digest}`;
    const signature = DOKU_SIGNATURE_PREFIX + toBase64(await hmac('SHA-256', secretKey, stringToSign));
    expect(await verifyDokuStringToSign({ stringToSign, secretKey, signature })).toBe(true);
    return { stringToSign, expected: { signature } };
  }
  const signature = await dokuSignature({ ...components, body, secretKey });
  expect(await verifyDokuSignature({ ...components, body, secretKey, signature })).toBe(true);
  expect((await dokuStringToSignParts({ ...components, body })).stringToSign).toBe(
    await dokuStringToSign({ ...components, body }),
  );
  return {
    stringToSign: await dokuStringToSign({ ...components, body }),
    expected: { ...(body === undefined ? {} : { digest: await dokuDigest(body) }), signature },
  };
}

describe('vectors/doku-partner.json', () => {
  itComputesEveryVector(DOKU_VECTORS, computed);

  it.each(cases)('%s: node:crypto alone gets the same outputs', (_id, { inputs, stringToSign, expected }) => {
    const mac = createHmac('sha256', inputs.secretKey).update(stringToSign, 'utf8').digest('base64');
    expect(`HMACSHA256=${mac}`).toBe(expected.signature);
    if (inputs.body !== undefined) {
      const digest = createHash('sha256').update(inputs.body, 'utf8').digest('base64');
      expect(digest).toBe(expected.digest);
      expect(stringToSign.endsWith(`\nDigest:${digest}`)).toBe(true);
    }
  });

  it.each(cases)(
    "%s: the sandbox's own implementation agrees (when the body is known)",
    (_id, { kind, inputs, expected }) => {
      if (inputs.body === undefined && inputs.digest !== undefined) return;
      const { clientId, requestId, timestamp, target, secretKey } = inputs;
      const timestampName = kind === 'response' ? 'Response-Timestamp' : 'Request-Timestamp';
      const body = Buffer.from(inputs.body ?? '', 'utf8');
      expect(sandboxSignature(secretKey, { clientId, requestId, timestampName, timestamp, target, body })).toBe(
        expected.signature,
      );
    },
  );
});
