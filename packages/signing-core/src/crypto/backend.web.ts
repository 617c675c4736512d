/**
 * WebCrypto backend: the default everywhere but Node (Bun, Deno, Cloudflare Workers,
 * browsers). Every operation is one `crypto.subtle` call with a key imported once.
 */
import type { BackendKeyHandle, CryptoBackend, DigestAlgorithm, HmacAlgorithm } from './backend-types.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

// WebCrypto's BufferSource typing wants ArrayBuffer-backed views; ours always are.
const source = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

export const backend: CryptoBackend = {
  name: 'web',
  async importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array) {
    return crypto.subtle.importKey('raw', source(secret), { name: 'HMAC', hash: algorithm }, false, ['sign']);
  },
  async hmac(_algorithm: HmacAlgorithm, key: BackendKeyHandle, data: Uint8Array) {
    return new Uint8Array(await crypto.subtle.sign('HMAC', key as CryptoKey, source(data)));
  },
  async digest(algorithm: DigestAlgorithm, data: Uint8Array) {
    return new Uint8Array(await crypto.subtle.digest(algorithm, source(data)));
  },
  async importRsaPrivateKey(pkcs8: Uint8Array) {
    return crypto.subtle.importKey('pkcs8', source(pkcs8), RSA, false, ['sign']);
  },
  async importRsaPublicKey(spki: Uint8Array) {
    return crypto.subtle.importKey('spki', source(spki), RSA, false, ['verify']);
  },
  fromCryptoKey(key: CryptoKey) {
    return key;
  },
  async rsaSign(key: BackendKeyHandle, data: Uint8Array) {
    return new Uint8Array(await crypto.subtle.sign(RSA, key as CryptoKey, source(data)));
  },
  async rsaVerify(key: BackendKeyHandle, signature: Uint8Array, data: Uint8Array) {
    return crypto.subtle.verify(RSA, key as CryptoKey, source(signature), source(data));
  },
};
