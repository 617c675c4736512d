/**
 * Verifies a SNAP X-SIGNATURE over a request or notification, in either form:
 * asymmetric (provider public key, `METHOD:path:bodyHash:timestamp`) or symmetric (client
 * secret and access token, `METHOD:path:accessToken:bodyHash:timestamp`). The symmetric
 * comparison is constant-time; RSA verification has no early exit on content.
 */
import { type HmacKey, hmac, InputError, type RsaPublicKeyInput, rsaVerify, timingSafeEqual } from '@org/signing-core';
import { withProvider } from '@org/signing-core/provider-kit';
import { decodeBase64 } from './access-token-signature.js';
import { snapBodyHash } from './body-hash.js';
import { PROVIDER } from './constants.js';
import { secretOf } from './service-signature.js';
import { notificationStringToSign, type SnapTokenInput, serviceStringToSign, tokenText } from './string-to-sign.js';

interface VerifyCommon {
  readonly method: string;
  /** Relative URL that was signed (path and query), starting with `/`. */
  readonly path: string;
  /** The JSON body text as received; minified before hashing. */
  readonly body?: string | null | undefined;
  /** The received X-TIMESTAMP value. */
  readonly timestamp: string;
  /** The received X-SIGNATURE value (base64). */
  readonly signature: string;
}

/** Asymmetric: verify with the signer's RSA public key. */
export interface VerifySnapAsymmetricInput extends VerifyCommon {
  readonly publicKey: RsaPublicKeyInput;
  readonly clientSecret?: undefined;
  readonly accessToken?: undefined;
}

/** Symmetric: verify with the shared client secret and the access token the request carried. */
export interface VerifySnapSymmetricInput extends VerifyCommon {
  readonly clientSecret: string | HmacKey;
  readonly accessToken: SnapTokenInput;
  readonly publicKey?: undefined;
}

export type VerifySnapSignatureInput = VerifySnapAsymmetricInput | VerifySnapSymmetricInput;

/** The checks of {@link verifySnapSignature} over an already computed body hash. */
export async function verifyOverBodyHash(
  input: VerifySnapSignatureInput,
  bodyHash: string,
  signature: Uint8Array,
): Promise<boolean> {
  if (input.publicKey !== undefined) {
    const stringToSign = notificationStringToSign({
      method: input.method,
      path: input.path,
      bodyHash,
      timestamp: input.timestamp,
    });
    return verifyOver(input, stringToSign, signature);
  }
  const stringToSign = serviceStringToSign({
    method: input.method,
    path: input.path,
    accessToken: tokenText(input.accessToken),
    bodyHash,
    timestamp: input.timestamp,
  });
  return verifyOver(input, stringToSign, signature);
}

/** SHA256withRSA with `publicKey`, else HMAC-SHA512 with `clientSecret` (constant-time), over an exact string. */
export async function verifyOver(
  key: { readonly publicKey?: RsaPublicKeyInput | undefined; readonly clientSecret?: string | HmacKey | undefined },
  stringToSign: string,
  signature: Uint8Array,
): Promise<boolean> {
  if (key.publicKey !== undefined) {
    try {
      return await rsaVerify(key.publicKey, signature, stringToSign);
    } catch (error) {
      throw withProvider(error, PROVIDER);
    }
  }
  const expected = await hmac('SHA-512', secretOf(key.clientSecret as string | HmacKey), stringToSign);
  return timingSafeEqual(expected, signature);
}

function assertOneMode(input: { publicKey?: unknown; clientSecret?: unknown; accessToken?: unknown }): void {
  const hasKey = input.publicKey !== undefined;
  const hasSecret = input.clientSecret !== undefined;
  if (hasKey === hasSecret) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      hasKey
        ? 'give either publicKey (asymmetric) or clientSecret with accessToken (symmetric), not both'
        : 'give publicKey (asymmetric) or clientSecret with accessToken (symmetric)',
      { field: hasKey ? 'clientSecret' : 'publicKey' },
      { provider: PROVIDER },
    );
  }
  if (hasSecret && input.accessToken === undefined) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'the symmetric form signs the access token: give accessToken with clientSecret',
      { field: 'accessToken' },
      { provider: PROVIDER },
    );
  }
}

/**
 * True when `signature` is the SNAP signature of the request: asymmetric with `publicKey`, or
 * symmetric with `clientSecret` and `accessToken`. A wrong, truncated or non-base64
 * signature gives false.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` when neither or both of publicKey/clientSecret are
 *   given, or clientSecret without accessToken; `ERR_INVALID_JSON` for a body that is not JSON.
 * @throws {KeyFormatError} when the public key cannot be used.
 */
export async function verifySnapSignature(input: VerifySnapSignatureInput): Promise<boolean> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError('[@org/snap-auth] verifySnapSignature: expected an object');
  }
  assertOneMode(input);
  const bodyHash = await snapBodyHash(input.body);
  if (typeof input.signature !== 'string') {
    throw new TypeError(
      `[@org/snap-auth] signature must be the base64 X-SIGNATURE text, received ${typeof input.signature}`,
    );
  }
  const signature = decodeBase64(input.signature);
  if (signature === undefined) return false;
  return verifyOverBodyHash(input, bodyHash, signature);
}

/**
 * What {@link verifySnapStringToSign} checks: a received X-SIGNATURE over an exact string to
 * sign, with the signer's RSA public key or with the client secret.
 */
export type VerifySnapStringToSignInput =
  | {
      readonly stringToSign: string;
      /** The received X-SIGNATURE value (base64). */
      readonly signature: string;
      /** The signer's RSA public key: access-token and notification strings (SHA256withRSA). */
      readonly publicKey: RsaPublicKeyInput;
      readonly clientSecret?: undefined;
    }
  | {
      readonly stringToSign: string;
      /** The received X-SIGNATURE value (base64). */
      readonly signature: string;
      /** The client secret: service and symmetric notification strings (HMAC-SHA512). */
      readonly clientSecret: string | HmacKey;
      readonly publicKey?: undefined;
    };

/**
 * True when `signature` is the SNAP X-SIGNATURE of exactly `stringToSign`: SHA256withRSA with
 * `publicKey`, or HMAC-SHA512 with `clientSecret` (compared in constant time). For checking a
 * string built by `snapStringToSignParts` (e.g. with `minify: false`) while diagnosing a
 * mismatch; to verify a request, use {@link verifySnapSignature}. A wrong, truncated or
 * non-base64 signature gives false.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` when neither or both of publicKey/clientSecret are given.
 * @throws {KeyFormatError} when the public key cannot be used.
 */
export async function verifySnapStringToSign(input: VerifySnapStringToSignInput): Promise<boolean> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError('[@org/snap-auth] verifySnapStringToSign: expected an object');
  }
  if ((input.publicKey === undefined) === (input.clientSecret === undefined)) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'give either publicKey (SHA256withRSA) or clientSecret (HMAC-SHA512)',
      { field: input.publicKey === undefined ? 'publicKey' : 'clientSecret' },
      { provider: PROVIDER },
    );
  }
  if (typeof input.stringToSign !== 'string') {
    throw new TypeError(`[@org/snap-auth] stringToSign must be a string, received ${typeof input.stringToSign}`);
  }
  if (typeof input.signature !== 'string') {
    throw new TypeError(
      `[@org/snap-auth] signature must be the base64 X-SIGNATURE text, received ${typeof input.signature}`,
    );
  }
  const signature = decodeBase64(input.signature);
  return signature !== undefined && verifyOver(input, input.stringToSign, signature);
}
