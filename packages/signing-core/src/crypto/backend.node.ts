/**
 * node:crypto backend, selected by the `node` export condition. HMAC and digests are
 * synchronous here (a few µs, against ~100 µs for an awaited WebCrypto call, which
 * round-trips through the thread pool). RSA signing uses the callback form of crypto.sign,
 * which runs on the libuv thread pool, so the event loop never blocks on a private-key
 * operation (about 1 ms for 2048 bits). RSA verification is synchronous: a public-key operation
 * costs tens of µs, less than the thread-pool round trip it would wait for, so a merchant
 * verifying notifications answers sooner and the event loop is held about as long as by an HMAC
 * of a large body. See bench/README.md for the figures behind these choices.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type {
  BackendKeyHandle,
  CryptoBackend,
  CryptoKeyLike,
  DigestAlgorithm,
  HmacAlgorithm,
} from './backend-types.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const HMAC_NAMES: Record<HmacAlgorithm, string> = { 'SHA-256': 'sha256', 'SHA-512': 'sha512' };
const DIGEST_NAMES: Record<DigestAlgorithm, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

// A plain Uint8Array over the Buffer's memory (no copy): callers get Uint8Array semantics
// (`slice` copies), not Buffer's (`slice` shares memory).
const view = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export const backend: CryptoBackend = {
  name: 'node',
  async importHmacKey(_algorithm: HmacAlgorithm, secret: Uint8Array) {
    return createSecretKey(secret);
  },
  hmac(algorithm: HmacAlgorithm, key: BackendKeyHandle, data: Uint8Array) {
    try {
      return Promise.resolve(
        view(
          createHmac(HMAC_NAMES[algorithm], key as KeyObject)
            .update(data)
            .digest(),
        ),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  },
  digest(algorithm: DigestAlgorithm, data: Uint8Array) {
    try {
      return Promise.resolve(view(createHash(DIGEST_NAMES[algorithm]).update(data).digest()));
    } catch (error) {
      return Promise.reject(error);
    }
  },
  async importRsaPrivateKey(pkcs8: Uint8Array) {
    return createPrivateKey({
      key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength),
      format: 'der',
      type: 'pkcs8',
    });
  },
  async importRsaPublicKey(spki: Uint8Array) {
    return createPublicKey({
      key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength),
      format: 'der',
      type: 'spki',
    });
  },
  // A CryptoKey stays a CryptoKey and is used through WebCrypto: handing one to node:crypto
  // (directly or through KeyObject.from) is deprecated in Node 24 (DEP0203/DEP0204).
  fromCryptoKey(key: CryptoKeyLike) {
    return key;
  },
  rsaSign(key: BackendKeyHandle, data: Uint8Array) {
    if (!(key instanceof KeyObject)) {
      return crypto.subtle.sign(RSA, key as CryptoKey, data as Uint8Array<ArrayBuffer>).then((s) => new Uint8Array(s));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      sign('sha256', data, key as KeyObject, (error, signature) => (error ? reject(error) : resolve(view(signature))));
    });
  },
  rsaVerify(key: BackendKeyHandle, signature: Uint8Array, data: Uint8Array) {
    if (!(key instanceof KeyObject)) {
      return crypto.subtle.verify(
        RSA,
        key as CryptoKey,
        signature as Uint8Array<ArrayBuffer>,
        data as Uint8Array<ArrayBuffer>,
      );
    }
    try {
      return Promise.resolve(verify('sha256', data, key as KeyObject, signature));
    } catch (error) {
      return Promise.reject(error);
    }
  },
};
