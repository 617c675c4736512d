/**
 * SNAP asymmetric signature for notifications (provider → merchant), protocols.md §2.4:
 * `X-SIGNATURE = base64(SHA256withRSA(providerPrivateKey, METHOD:path:lowerhex(sha256(minify(body))):X-TIMESTAMP))`.
 * There is no access token in this form.
 */
import { type RsaPrivateKeyInput, rsaSign, toBase64 } from '@org/signing-core';
import { withProvider } from '@org/signing-core/provider-kit';
import { snapBodyHash } from './body-hash.js';
import { PROVIDER } from './constants.js';
import { notificationStringToSign } from './string-to-sign.js';

export interface SnapNotificationSignatureInput {
  readonly method: string;
  /** Relative URL of the notification endpoint (path and query), starting with `/`. */
  readonly path: string;
  /** The JSON body text; minified before hashing. */
  readonly body?: string | null | undefined;
  /** The X-TIMESTAMP header value, exactly as sent. */
  readonly timestamp: string;
  /** The signer's RSA private key (any format the core accepts, a `CryptoKey`, or a signer function). */
  readonly privateKey: RsaPrivateKeyInput;
}

/**
 * The X-SIGNATURE of an asymmetric SNAP notification: base64 SHA256withRSA over
 * `METHOD:path:lowerhex(sha256(minify(body))):timestamp`.
 *
 * @throws {KeyFormatError} when the private key cannot be used.
 * @throws {InputError} `ERR_INVALID_JSON` for a body that is not JSON.
 */
export async function snapNotificationSignature(input: SnapNotificationSignatureInput): Promise<string> {
  const stringToSign = notificationStringToSign({
    method: input.method,
    path: input.path,
    bodyHash: await snapBodyHash(input.body),
    timestamp: input.timestamp,
  });
  try {
    return toBase64(await rsaSign(input.privateKey, stringToSign));
  } catch (error) {
    throw withProvider(error, PROVIDER);
  }
}
