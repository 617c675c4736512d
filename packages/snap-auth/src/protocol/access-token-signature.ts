/**
 * SNAP access-token signature (B2B and B2B2C token requests), protocols.md §2.1:
 * `X-SIGNATURE = base64(SHA256withRSA(privateKey, clientId + "|" + X-TIMESTAMP))`.
 */
import {
  fromBase64,
  type RsaPrivateKeyInput,
  type RsaPublicKeyInput,
  rsaSign,
  rsaVerify,
  toBase64,
} from '@org/signing-core';
import { withProvider } from '@org/signing-core/provider-kit';
import { PROVIDER } from './constants.js';
import { accessTokenStringToSign } from './string-to-sign.js';

export interface SnapAccessTokenSignatureInput {
  /** The client id, exactly as sent in X-CLIENT-KEY. */
  readonly clientId: string;
  /** The X-TIMESTAMP header value, exactly as sent. */
  readonly timestamp: string;
  /** PKCS#8 or PKCS#1 PEM, bare base64, DER bytes, a `CryptoKey`, or a signer function (KMS/HSM). */
  readonly privateKey: RsaPrivateKeyInput;
}

/**
 * The X-SIGNATURE of a SNAP access-token request: base64 SHA256withRSA of `clientId|timestamp`.
 *
 * @throws {KeyFormatError} when the private key cannot be used.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty clientId or timestamp.
 */
export async function snapAccessTokenSignature(input: SnapAccessTokenSignatureInput): Promise<string> {
  const stringToSign = accessTokenStringToSign(input.clientId, input.timestamp);
  try {
    return toBase64(await rsaSign(input.privateKey, stringToSign));
  } catch (error) {
    throw withProvider(error, PROVIDER);
  }
}

export interface VerifySnapAccessTokenSignatureInput {
  readonly clientId: string;
  readonly timestamp: string;
  /** The received X-SIGNATURE (base64). */
  readonly signature: string;
  /** The client's registered RSA public key. */
  readonly publicKey: RsaPublicKeyInput;
}

/**
 * Verifies the X-SIGNATURE of an access-token request (for merchants that issue tokens to a
 * provider, e.g. DOKU SNAP inbound calls). Returns false for a wrong or malformed signature.
 *
 * @throws {KeyFormatError} when the public key cannot be used.
 */
export async function verifySnapAccessTokenSignature(input: VerifySnapAccessTokenSignatureInput): Promise<boolean> {
  const stringToSign = accessTokenStringToSign(input.clientId, input.timestamp);
  if (typeof input.signature !== 'string') {
    throw new TypeError(
      `[@org/snap-auth] signature must be the base64 X-SIGNATURE text, received ${typeof input.signature}`,
    );
  }
  const signature = decodeBase64(input.signature);
  if (signature === undefined) return false;
  try {
    return await rsaVerify(input.publicKey, signature, stringToSign);
  } catch (error) {
    throw withProvider(error, PROVIDER);
  }
}

/** Decodes a base64 signature; undefined when it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  try {
    const bytes = fromBase64(text.trim());
    return bytes.length === 0 ? undefined : bytes;
  } catch {
    return undefined;
  }
}
