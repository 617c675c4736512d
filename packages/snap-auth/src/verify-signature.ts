/**
 * Verifies a SNAP X-SIGNATURE over a request or notification, in either form:
 * asymmetric (provider public key, `METHOD:path:bodyHash:timestamp`) or symmetric (client
 * secret and access token, `METHOD:path:accessToken:bodyHash:timestamp`). The symmetric
 * comparison is constant-time; RSA verification has no early exit on content.
 */
import {
  type HmacKey,
  hmac,
  InputError,
  type RsaPublicKeyInput,
  rsaVerify,
  timingSafeEqual,
  withProvider,
} from '@org/signing-core';
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
    try {
      return await rsaVerify(input.publicKey, signature, stringToSign);
    } catch (error) {
      throw withProvider(error, PROVIDER);
    }
  }
  const stringToSign = serviceStringToSign({
    method: input.method,
    path: input.path,
    accessToken: tokenText(input.accessToken),
    bodyHash,
    timestamp: input.timestamp,
  });
  const expected = await hmac('SHA-512', secretOf(input.clientSecret), stringToSign);
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
    throw new TypeError('verifySnapSignature: expected an object');
  }
  assertOneMode(input);
  const bodyHash = await snapBodyHash(input.body);
  if (typeof input.signature !== 'string') {
    throw new TypeError(`signature must be the base64 X-SIGNATURE text, received ${typeof input.signature}`);
  }
  const signature = decodeBase64(input.signature);
  if (signature === undefined) return false;
  return verifyOverBodyHash(input, bodyHash, signature);
}
