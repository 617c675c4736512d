// vectors/snap.json, the conformance vectors of SNAP (vectors/README.md): every entry's string
// to sign and outputs are computed from its inputs by this package and compared with the file,
// recomputed from the file's string to sign by node:crypto alone, and by the sandbox's own code.
import { createHash, createHmac, createPublicKey, verify } from 'node:crypto';
import {
  itComputesEveryVector,
  readRepoFile,
  readVectors,
  type SnapVector,
  unreproducibleById,
  vectorById,
} from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';
import { snapAccessTokenSignature, verifySnapAccessTokenSignature } from './protocol/access-token-signature.js';
import { minifyBody, snapBodyHash } from './protocol/body-hash.js';
import { snapNotificationSignature } from './protocol/notification-signature.js';
import { snapServiceSignature, symmetricSignature } from './protocol/service-signature.js';
import { serviceStringToSign, snapStringToSign, snapStringToSignParts } from './protocol/string-to-sign.js';
import { verifySnapSignature } from './protocol/verify-signature.js';
import {
  asymmetricSignature,
  sha256Hex as sandboxSha256Hex,
  symmetricSignature as sandboxSymmetricSignature,
  tokenSignatureValid,
  toPrivateKey,
  toPublicKey,
} from './testing/sandbox-signature.js';

const file = readVectors('snap');
const cases = file.vectors.map((vector) => [vector.id, vector] as const);

/** What the package computes from a vector's inputs: the string to sign, the intermediate values, the signature. */
async function computed(vector: SnapVector) {
  switch (vector.kind) {
    case 'access-token': {
      const { clientId, timestamp } = vector.inputs;
      const privateKey = readRepoFile(vector.inputs.privateKeyFile);
      const signature = await snapAccessTokenSignature({ clientId, timestamp, privateKey });
      return {
        stringToSign: await snapStringToSign({ kind: 'access-token', clientId, timestamp }),
        expected: { signature, signatureHex: Buffer.from(signature, 'base64').toString('hex') },
      };
    }
    case 'service': {
      const { method, path, accessToken, timestamp, clientSecret, body, bodyHash } = vector.inputs;
      if (bodyHash !== undefined) {
        // Only the hash is published: build the string from it.
        const stringToSign = serviceStringToSign({ method, path, accessToken, bodyHash, timestamp });
        const signature = await symmetricSignature(clientSecret, stringToSign);
        return {
          stringToSign,
          expected: { signature, signatureHex: Buffer.from(signature, 'base64').toString('hex') },
        };
      }
      const signature = await snapServiceSignature({ method, path, accessToken, body, timestamp, clientSecret });
      return {
        stringToSign: await snapStringToSign({ kind: 'service', method, path, accessToken, body, timestamp }),
        expected: {
          ...(vector.expected.minifiedBody === undefined ? {} : { minifiedBody: minifyBody(body) }),
          bodyHash: await snapBodyHash(body),
          signature,
        },
      };
    }
    case 'notification': {
      const { method, path, body, timestamp } = vector.inputs;
      const privateKey = readRepoFile(vector.inputs.privateKeyFile);
      return {
        stringToSign: await snapStringToSign({ kind: 'notification', method, path, body, timestamp }),
        expected: {
          minifiedBody: minifyBody(body),
          bodyHash: await snapBodyHash(body),
          signature: await snapNotificationSignature({ method, path, body, timestamp, privateKey }),
        },
      };
    }
  }
}

describe('vectors/snap.json', () => {
  itComputesEveryVector(file, computed);

  it.each(cases)('%s: snapStringToSignParts gives the same string, part by part', async (_id, vector) => {
    if (vector.kind === 'service' && vector.inputs.body === undefined) return; // only the hash is published
    const input =
      vector.kind === 'access-token'
        ? { kind: vector.kind, clientId: vector.inputs.clientId, timestamp: vector.inputs.timestamp }
        : vector.kind === 'service' // (two branches, so each object keeps its own literal kind)
          ? { ...vector.inputs, kind: vector.kind }
          : { ...vector.inputs, kind: vector.kind };
    const { stringToSign, separator, parts } = await snapStringToSignParts(input);
    expect(stringToSign).toBe(vector.stringToSign);
    expect(parts.map((part) => part.value).join(separator)).toBe(vector.stringToSign);
  });

  it.each(cases)('%s: the package verifies the published signature', async (_id, vector) => {
    const { signature } = vector.expected;
    if (vector.kind === 'access-token') {
      const { clientId, timestamp } = vector.inputs;
      const publicKey = readRepoFile(vector.inputs.publicKeyFile);
      expect(await verifySnapAccessTokenSignature({ clientId, timestamp, signature, publicKey })).toBe(true);
    } else if (vector.kind === 'notification') {
      const { method, path, body, timestamp } = vector.inputs;
      const publicKey = readRepoFile(vector.inputs.publicKeyFile);
      expect(await verifySnapSignature({ method, path, body, timestamp, signature, publicKey })).toBe(true);
    } else if (vector.inputs.body !== undefined) {
      const { method, path, accessToken, body, timestamp, clientSecret } = vector.inputs;
      expect(await verifySnapSignature({ method, path, body, timestamp, signature, accessToken, clientSecret })).toBe(
        true,
      );
    }
  });

  it.each(cases)('%s: node:crypto alone gets the same outputs from the string to sign', (_id, vector) => {
    const { signature } = vector.expected;
    if (vector.kind === 'service') {
      expect(createHmac('sha512', vector.inputs.clientSecret).update(vector.stringToSign).digest('base64')).toBe(
        signature,
      );
    } else {
      const publicKey = createPublicKey(readRepoFile(vector.inputs.publicKeyFile));
      expect(verify('sha256', Buffer.from(vector.stringToSign), publicKey, Buffer.from(signature, 'base64'))).toBe(
        true,
      );
      // The key file pair belongs together.
      expect(createPublicKey(readRepoFile(vector.inputs.privateKeyFile)).export({ type: 'spki', format: 'pem' })).toBe(
        readRepoFile(vector.inputs.publicKeyFile),
      );
    }
    if (vector.kind !== 'access-token' && vector.expected.minifiedBody !== undefined) {
      expect(createHash('sha256').update(vector.expected.minifiedBody).digest('hex')).toBe(vector.expected.bodyHash);
      expect(vector.stringToSign).toContain(`:${vector.expected.bodyHash}:`);
    }
  });

  it.each(cases)("%s: the sandbox's own implementation agrees", (_id, vector) => {
    const { signature } = vector.expected;
    if (vector.kind === 'access-token') {
      const publicKey = toPublicKey(readRepoFile(vector.inputs.publicKeyFile));
      expect(tokenSignatureValid(publicKey, vector.inputs.clientId, vector.inputs.timestamp, signature)).toBe(true);
      return;
    }
    const { method, path, timestamp } = vector.inputs;
    const bodyHash =
      vector.kind === 'service' && vector.inputs.bodyHash !== undefined
        ? vector.inputs.bodyHash
        : sandboxSha256Hex(vector.expected.minifiedBody ?? vector.inputs.body ?? '');
    const parts = { method, path, bodyHash, timestamp };
    expect(
      vector.kind === 'service'
        ? sandboxSymmetricSignature(vector.inputs.clientSecret, vector.inputs.accessToken, parts)
        : asymmetricSignature(toPrivateKey(readRepoFile(vector.inputs.privateKeyFile)), parts),
    ).toBe(signature);
  });

  it('SNAP-SYM-1-BODY: the published body hash is an input of SNAP-SYM-1, its body unknown', () => {
    const entry = unreproducibleById(file, 'SNAP-SYM-1-BODY');
    const sym1 = vectorById(file, 'SNAP-SYM-1', 'service');
    expect(sym1.inputs.bodyHash).toBe(entry.published.bodyHash);
    expect(sym1.inputs.body).toBeUndefined();
  });
});
