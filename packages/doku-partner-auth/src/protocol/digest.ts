/**
 * DOKU's `Digest` component: base64 (standard alphabet, padded) of SHA-256 over the exact body
 * bytes. The body is never parsed, minified or re-serialised: the bytes hashed must be the
 * bytes sent (or, for a notification, the bytes received).
 */
import { describeType, digest, toBase64 } from '@org/signing-core';
import type { DokuBodyInput } from './body.js';

/**
 * `base64(SHA-256(body))`. Text is hashed as UTF-8, bytes as they are.
 *
 * @example await dokuDigest('{"grant_type":"client_credentials","valid_time":"360"}')
 *   // '23kYsU7yk6vZ/exEcBe1UAFmjn17wuk165Oc+E3Cb8Y='
 * @throws {TypeError} when `body` is neither a string nor a Uint8Array.
 */
export async function dokuDigest(body: DokuBodyInput): Promise<string> {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError(
      `[@org/doku-partner-auth] dokuDigest: body must be a string or a Uint8Array, received ${describeType(body)}`,
    );
  }
  return toBase64(await digest('SHA-256', body));
}
