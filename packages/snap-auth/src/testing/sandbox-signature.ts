/**
 * The sandbox's own SNAP signatures, on node:crypto and written from the protocol
 * (docs/protocols.md §2.1, §2.3, §2.4), independently of the library's signing code: a wrong
 * string to sign in one is caught by the other.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as rsaSign,
  verify as rsaVerify,
  timingSafeEqual,
} from 'node:crypto';

/** The public key of a PEM (SPKI, PKCS#1, or a private key's public half) or a `KeyObject`. */
export function toPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  return /PRIVATE KEY/.test(key) ? createPublicKey(createPrivateKey(key)) : createPublicKey(key);
}

/** A private key from a PEM, or the `KeyObject` itself. */
export function toPrivateKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

/** Exact, constant-time comparison of two header values. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Lowercase hex SHA-256 of UTF-8 text (the body hash of §2.3 and §2.4). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** §2.1: whether `signature` (base64) is SHA256withRSA over `clientId|timestamp` under `publicKey`. */
export function tokenSignatureValid(
  publicKey: KeyObject,
  clientId: string,
  timestamp: string,
  signature: string,
): boolean {
  try {
    return rsaVerify(
      'sha256',
      Buffer.from(`${clientId}|${timestamp}`, 'utf8'),
      publicKey,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** §2.1: base64 SHA256withRSA over `clientId|timestamp` (the token request, as a provider calling a merchant signs it). */
export function tokenSignature(privateKey: KeyObject, clientId: string, timestamp: string): string {
  return rsaSign('sha256', Buffer.from(`${clientId}|${timestamp}`, 'utf8'), privateKey).toString('base64');
}

/** The parts of a symmetric (§2.3) or asymmetric (§2.4) string to sign, used exactly as given. */
export interface SignedParts {
  readonly method: string;
  readonly path: string;
  readonly bodyHash: string;
  readonly timestamp: string;
}

/** §2.3: base64 HMAC-SHA512 over `METHOD:path:accessToken:bodyHash:timestamp`. */
export function symmetricSignature(clientSecret: string, accessToken: string, parts: SignedParts): string {
  return createHmac('sha512', clientSecret)
    .update(`${parts.method}:${parts.path}:${accessToken}:${parts.bodyHash}:${parts.timestamp}`, 'utf8')
    .digest('base64');
}

/**
 * §2.8a, ifortepay's payment callback: base64 HMAC-SHA512 over
 * `notifyUrl:X-VERSION:bodyHash:X-TIMESTAMP`, with the complete notify URL.
 */
export function ifortepayNotifySignature(
  clientSecret: string,
  parts: { readonly url: string; readonly version: string; readonly bodyHash: string; readonly timestamp: string },
): string {
  return createHmac('sha512', clientSecret)
    .update(`${parts.url}:${parts.version}:${parts.bodyHash}:${parts.timestamp}`, 'utf8')
    .digest('base64');
}

/** §2.4: base64 SHA256withRSA over `METHOD:path:bodyHash:timestamp`. */
export function asymmetricSignature(privateKey: KeyObject, parts: SignedParts): string {
  return rsaSign(
    'sha256',
    Buffer.from(`${parts.method}:${parts.path}:${parts.bodyHash}:${parts.timestamp}`),
    privateKey,
  ).toString('base64');
}

/** §2.4 form checked: whether `signature` (base64) is SHA256withRSA over `METHOD:path:bodyHash:timestamp`. */
export function asymmetricSignatureValid(publicKey: KeyObject, parts: SignedParts, signature: string): boolean {
  try {
    return rsaVerify(
      'sha256',
      Buffer.from(`${parts.method}:${parts.path}:${parts.bodyHash}:${parts.timestamp}`, 'utf8'),
      publicKey,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
