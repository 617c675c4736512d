/**
 * The one crypto interface the core is written against. Two implementations exist:
 * `backend.node.ts` (node:crypto: synchronous HMAC and digests, RSA on the thread pool) and
 * `backend.web.ts` (WebCrypto, for Bun, Deno, Workers and browsers). The package's
 * `imports` map picks one through the `#crypto-backend` specifier, by export condition.
 */
export type HmacAlgorithm = 'SHA-256' | 'SHA-512';
export type DigestAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** A backend-specific imported key (a KeyObject on Node, a CryptoKey elsewhere). */
export type BackendKeyHandle = object;

export interface CryptoBackend {
  readonly name: 'node' | 'web';
  /** Imports a raw HMAC secret once; the handle is reused for every MAC. */
  importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array): Promise<BackendKeyHandle>;
  hmac(algorithm: HmacAlgorithm, key: BackendKeyHandle, data: Uint8Array): Promise<Uint8Array>;
  digest(algorithm: DigestAlgorithm, data: Uint8Array): Promise<Uint8Array>;
  /** PKCS#8 DER of an RSA private key, for RSASSA-PKCS1-v1_5 with SHA-256. */
  importRsaPrivateKey(pkcs8: Uint8Array): Promise<BackendKeyHandle>;
  /** SPKI DER of an RSA public key, for RSASSA-PKCS1-v1_5 with SHA-256. */
  importRsaPublicKey(spki: Uint8Array): Promise<BackendKeyHandle>;
  /** Wraps an already imported WebCrypto key. */
  fromCryptoKey(key: CryptoKey): BackendKeyHandle;
  rsaSign(key: BackendKeyHandle, data: Uint8Array): Promise<Uint8Array>;
  rsaVerify(key: BackendKeyHandle, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}
