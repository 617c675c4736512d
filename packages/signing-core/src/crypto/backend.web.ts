/**
 * WebCrypto backend: the default everywhere but Node (Bun, Deno, Cloudflare Workers,
 * browsers). Every operation is one `crypto.subtle` call with a key imported once.
 */
import type {
  BackendKeyHandle,
  CryptoBackend,
  CryptoKeyLike,
  DigestAlgorithm,
  HmacAlgorithm,
} from './backend-types.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Block size in bytes of each HMAC hash (FIPS 180-4 §1): keys shorter than this are zero-padded. */
const HMAC_BLOCK_BYTES: Record<HmacAlgorithm, number> = { 'SHA-256': 64, 'SHA-512': 128 };

// WebCrypto's BufferSource typing wants ArrayBuffer-backed views; ours always are.
const source = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

export const backend: CryptoBackend = {
  name: 'web',
  async importHmacKey(algorithm: HmacAlgorithm, secret: Uint8Array) {
    // WebCrypto (Bun, Deno, workerd) refuses a zero-length HMAC key with a DataError, yet HMAC
    // with an empty key is defined: RFC 2104 §2 pads the key with zeros to the block size, so it
    // equals HMAC under one block of zero bytes. Import that block instead.
    const raw = secret.length === 0 ? new Uint8Array(HMAC_BLOCK_BYTES[algorithm]) : secret;
    return crypto.subtle.importKey('raw', source(raw), { name: 'HMAC', hash: algorithm }, false, ['sign']);
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
  fromCryptoKey(key: CryptoKeyLike) {
    return key;
  },
  async rsaSign(key: BackendKeyHandle, data: Uint8Array) {
    return new Uint8Array(await crypto.subtle.sign(RSA, key as CryptoKey, source(data)));
  },
  async rsaVerify(key: BackendKeyHandle, signature: Uint8Array, data: Uint8Array) {
    return crypto.subtle.verify(RSA, key as CryptoKey, source(signature), source(data));
  },
};
