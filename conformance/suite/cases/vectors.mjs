// vectors/*.json, every provider: each entry's string to sign and signature computed from its
// inputs by the built package, and the package's verifier accepting the published signature.
import {
  DOKU_SIGNATURE_PREFIX,
  dokuDigest,
  dokuSignature,
  dokuStringToSign,
  verifyDokuSignature,
  verifyDokuStringToSign,
} from '@org/doku-partner-auth';
import { finnetSignature, finnetStringToSign } from '@org/finnet-auth';
import {
  fondySignature,
  fondySigningString,
  fondyTokenSignature,
  verifyFondySignature,
  verifyFondyTokenSignature,
} from '@org/fondy-auth';
import { hmac, toBase64 } from '@org/signing-core';
import {
  snapAccessTokenSignature,
  snapBodyHash,
  snapNotificationSignature,
  snapServiceSignature,
  snapStringToSign,
  verifySnapAccessTokenSignature,
  verifySnapSignature,
  verifySnapStringToSign,
} from '@org/snap-auth';
import { equal, ok } from '../harness.mjs';

async function snap(vector, files) {
  const { inputs, expected } = vector;
  if (vector.kind === 'access-token') {
    const { clientId, timestamp } = inputs;
    equal(await snapStringToSign({ kind: 'access-token', clientId, timestamp }), vector.stringToSign, 'string to sign');
    const privateKey = files[inputs.privateKeyFile];
    equal(await snapAccessTokenSignature({ clientId, timestamp, privateKey }), expected.signature, 'signature');
    const publicKey = files[inputs.publicKeyFile];
    ok(await verifySnapAccessTokenSignature({ clientId, timestamp, signature: expected.signature, publicKey }));
    return;
  }
  if (vector.kind === 'service') {
    const { method, path, accessToken, timestamp, clientSecret, body } = inputs;
    if (body === undefined) {
      // Only the body hash is published: check the signature over the file's string to sign.
      equal(toBase64(await hmac('SHA-512', clientSecret, vector.stringToSign)), expected.signature, 'HMAC-SHA512');
      ok(
        await verifySnapStringToSign({
          stringToSign: vector.stringToSign,
          signature: expected.signature,
          clientSecret,
        }),
        'verifySnapStringToSign',
      );
      return;
    }
    const input = { method, path, accessToken, body, timestamp };
    equal(await snapStringToSign({ kind: 'service', ...input }), vector.stringToSign, 'string to sign');
    equal(await snapBodyHash(body), expected.bodyHash, 'body hash');
    equal(await snapServiceSignature({ ...input, clientSecret }), expected.signature, 'signature');
    ok(await verifySnapSignature({ ...input, signature: expected.signature, clientSecret }), 'verifySnapSignature');
    return;
  }
  const { method, path, body, timestamp } = inputs;
  equal(await snapStringToSign({ kind: 'notification', method, path, body, timestamp }), vector.stringToSign);
  const privateKey = files[inputs.privateKeyFile];
  const signature = await snapNotificationSignature({ method, path, body, timestamp, privateKey });
  equal(signature, expected.signature, 'signature');
  const publicKey = files[inputs.publicKeyFile];
  ok(await verifySnapSignature({ method, path, body, timestamp, signature, publicKey }), 'verifySnapSignature');
}

async function doku(vector) {
  const { clientId, requestId, timestamp, target, secretKey, body, digest } = vector.inputs;
  const components = { clientId, requestId, timestamp, target, kind: vector.kind };
  if (digest !== undefined) {
    const stringToSign = `${await dokuStringToSign(components)}\nDigest:${digest}`;
    equal(stringToSign, vector.stringToSign, 'string to sign');
    const signature = DOKU_SIGNATURE_PREFIX + toBase64(await hmac('SHA-256', secretKey, stringToSign));
    equal(signature, vector.expected.signature, 'signature');
    ok(await verifyDokuStringToSign({ stringToSign, secretKey, signature }), 'verifyDokuStringToSign');
    return;
  }
  equal(await dokuStringToSign({ ...components, body }), vector.stringToSign, 'string to sign');
  if (body !== undefined) equal(await dokuDigest(body), vector.expected.digest, 'digest');
  const signature = await dokuSignature({ ...components, body, secretKey });
  equal(signature, vector.expected.signature, 'signature');
  ok(await verifyDokuSignature({ ...components, body, secretKey, signature }), 'verifyDokuSignature');
}

async function finnet(vector) {
  const { fields, secretKey, hexKeyCase } = vector.inputs;
  equal(finnetStringToSign(fields), vector.stringToSign, 'string to sign');
  equal(await finnetSignature(fields, secretKey, { hexKeyCase }), vector.expected.signature, 'signature');
}

async function fondy(vector) {
  if (vector.kind === 'token') {
    const { secretKey, applicationId, date } = vector.inputs;
    const signature = await fondyTokenSignature({ secretKey, applicationId, date });
    equal(signature, vector.expected.signature, 'token signature');
    ok(await verifyFondyTokenSignature({ secretKey, applicationId, date, signature }), 'verifyFondyTokenSignature');
    return;
  }
  const { paymentKey, params } = vector.inputs;
  equal(`${paymentKey}|${fondySigningString(params)}`, vector.stringToSign, 'string to sign');
  const signature = await fondySignature(params, paymentKey);
  equal(signature, vector.expected.signature, 'payment signature');
  ok(await verifyFondySignature({ ...params, signature }, paymentKey), 'verifyFondySignature');
}

const compute = { snap, 'doku-partner': doku, finnet, fondy };

/** One case per vector; `info` is the sandbox host's /info (vectors and key files). */
export function vectorCases(info) {
  const cases = [];
  for (const [provider, file] of Object.entries(info.vectors)) {
    for (const vector of file.vectors) {
      cases.push({ name: `vectors: ${vector.id}`, run: () => compute[provider](vector, info.files) });
    }
  }
  return cases;
}
