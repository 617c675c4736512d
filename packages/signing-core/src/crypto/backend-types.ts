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

/**
 * A WebCrypto `CryptoKey`, named by its shape. The declarations use this instead of the global
 * `CryptoKey`, which is a type only with the DOM or WebWorker libs: in a Node-only project
 * (`lib: ["ES2023"]`, `@types/node`, `skipLibCheck: false`) `CryptoKey` is a value, and naming it
 * as a type fails with TS2749. Every real `CryptoKey` (DOM, WebWorker, Node's
 * `webcrypto.CryptoKey`) has this shape; the key is still checked at run time.
 */
export interface CryptoKeyLike {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

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
  fromCryptoKey(key: CryptoKeyLike): BackendKeyHandle;
  rsaSign(key: BackendKeyHandle, data: Uint8Array): Promise<Uint8Array>;
  rsaVerify(key: BackendKeyHandle, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}
