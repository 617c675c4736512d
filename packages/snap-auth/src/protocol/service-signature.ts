/**
 * SNAP symmetric signature for service (transactional) calls, protocols.md §2.3:
 * `X-SIGNATURE = base64(HMAC-SHA512(clientSecret, METHOD:path:accessToken:lowerhex(sha256(minify(body))):X-TIMESTAMP))`.
 * The same form signs symmetric notifications (e.g. DOKU SNAP).
 */
import { type HmacKey, hmac, toBase64 } from '@org/signing-core';
import { snapBodyHash } from './body-hash.js';
import {
  ifortepayNotifyStringToSign,
  requireText,
  type SnapTokenInput,
  serviceStringToSign,
  tokenText,
} from './string-to-sign.js';

export interface SnapServiceSignatureInput {
  /** HTTP method; upper-cased. */
  readonly method: string;
  /** Relative URL: path (with the provider's prefix) and query, exactly as sent. Starts with `/`. */
  readonly path: string;
  /** The B2B access token, without `Bearer ` (text or an `AccessToken`). */
  readonly accessToken: SnapTokenInput;
  /** The JSON body text; minified before hashing. Empty or absent hashes the empty string. */
  readonly body?: string | null | undefined;
  /** The X-TIMESTAMP header value, exactly as sent. */
  readonly timestamp: string;
  /** The client secret (UTF-8 text, used as is), or an HMAC-SHA512 key from `importHmacKey`. */
  readonly clientSecret: string | HmacKey;
}

/**
 * The X-SIGNATURE of a SNAP service call: base64 HMAC-SHA512 over
 * `METHOD:path:accessToken:lowerhex(sha256(minify(body))):timestamp`.
 *
 * @throws {InputError} `ERR_INVALID_JSON` for a body that is not JSON, `ERR_INVALID_INPUT` for an empty field.
 */
export async function snapServiceSignature(input: SnapServiceSignatureInput): Promise<string> {
  const stringToSign = serviceStringToSign({
    method: input.method,
    path: input.path,
    accessToken: tokenText(input.accessToken),
    bodyHash: await snapBodyHash(input.body),
    timestamp: input.timestamp,
  });
  return symmetricSignature(input.clientSecret, stringToSign);
}

export interface SnapIfortepayNotifySignatureInput {
  /** The complete notification URL registered with ifortepay, as registered (scheme, host, path, query). */
  readonly notifyUrl: string;
  /** The X-VERSION header value, exactly as sent. */
  readonly version: string;
  /** The JSON body text; minified before hashing. Empty or absent hashes the empty string. */
  readonly body?: string | null | undefined;
  /** The X-TIMESTAMP header value, exactly as sent. */
  readonly timestamp: string;
  /** The client secret (UTF-8 text, used as is), or an HMAC-SHA512 key from `importHmacKey`. */
  readonly clientSecret: string | HmacKey;
}

/**
 * The X-SIGNATURE of an ifortepay payment notification (developer.ifortepay.id/snap/auth/payment-notify):
 * base64 HMAC-SHA512 with the client secret over
 * `notifyUrl:X-VERSION:lowerhex(sha256(minify(body))):X-TIMESTAMP`. `verifySnapNotification`
 * checks it with `format: 'ifortepay-notify'`; this signs one, e.g. to test your endpoint.
 *
 * @throws {InputError} `ERR_INVALID_JSON` for a body that is not JSON, `ERR_INVALID_INPUT` for an empty field.
 */
export async function snapIfortepayNotifySignature(input: SnapIfortepayNotifySignatureInput): Promise<string> {
  const stringToSign = ifortepayNotifyStringToSign({
    notifyUrl: input.notifyUrl,
    version: input.version,
    bodyHash: await snapBodyHash(input.body),
    timestamp: input.timestamp,
  });
  return symmetricSignature(input.clientSecret, stringToSign);
}

/** base64(HMAC-SHA512(clientSecret, stringToSign)): the symmetric X-SIGNATURE over a built string. */
export async function symmetricSignature(clientSecret: string | HmacKey, stringToSign: string): Promise<string> {
  return toBase64(await hmac('SHA-512', secretOf(clientSecret), stringToSign));
}

export function secretOf(secret: string | HmacKey): string | HmacKey {
  return typeof secret === 'string' ? requireText(secret, 'clientSecret') : secret;
}
