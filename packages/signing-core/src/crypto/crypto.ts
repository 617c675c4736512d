/**
 * The public crypto API: HMAC, digests, RSA (SHA256withRSA = RSASSA-PKCS1-v1_5 + SHA-256)
 * and constant-time comparison, on whichever backend `#crypto-backend` resolved to.
 *
 * Keys are imported once and reused: HMAC secrets and RSA keys given as strings are kept
 * in small bounded caches keyed by their text, so even the pure signing functions, called
 * with the same PEM or secret every time, parse and import a key once, not per signature.
 */
import { backend } from '#crypto-backend';
import { hasLoneSurrogate, toBytes, toSigningBytes } from '../encoding/encoding.js';
import { isAuthError, KeyFormatError, SignatureError } from '../errors/errors.js';
import { parseRsaPrivateKey, parseRsaPublicKey } from '../keys/parse-key.js';
import { describeType } from '../values/values.js';
import type { BackendKeyHandle, CryptoKeyLike, DigestAlgorithm, HmacAlgorithm } from './backend-types.js';

export type { DigestAlgorithm, HmacAlgorithm } from './backend-types.js';

/** Which crypto backend this runtime resolved: `node` (node:crypto) or `web` (WebCrypto). */
export const cryptoBackendName: 'node' | 'web' = backend.name;

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** A small insertion-ordered cache that forgets its oldest entry when full. */
class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly limit: number) {}
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }
  set(key: string, value: V): void {
    if (this.#entries.size >= this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, value);
  }
}

/** An imported HMAC key. Opaque; prints as `HmacKey { algorithm: 'SHA-256' }`. */
export class HmacKey {
  readonly algorithm: HmacAlgorithm;
  readonly #handle: BackendKeyHandle;
  /** @internal use {@link importHmacKey} */
  constructor(algorithm: HmacAlgorithm, handle: BackendKeyHandle) {
    this.algorithm = algorithm;
    this.#handle = handle;
  }
  /** @internal */
  static handleOf(key: HmacKey): BackendKeyHandle {
    return key.#handle;
  }
  toJSON(): { algorithm: HmacAlgorithm } {
    return { algorithm: this.algorithm };
  }
  [inspectSymbol](): string {
    return `HmacKey { algorithm: '${this.algorithm}' }`;
  }
}

const hmacKeys = new BoundedCache<Promise<HmacKey>>(64);

/**
 * Imports an HMAC secret (UTF-8 text or raw bytes) once, for reuse.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` when `secret` is text with a lone UTF-16 surrogate.
 */
export async function importHmacKey(algorithm: HmacAlgorithm, secret: string | Uint8Array): Promise<HmacKey> {
  assertHmacAlgorithm(algorithm);
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new TypeError('[@org/signing-core] importHmacKey: secret must be a string or a Uint8Array');
  }
  if (typeof secret === 'string') {
    const cacheKey = `${algorithm}\u0000${secret}`;
    const cached = hmacKeys.get(cacheKey);
    if (cached) return cached;
    const imported = backend
      .importHmacKey(algorithm, toSigningBytes(secret, 'importHmacKey', 'secret'))
      .then((h) => new HmacKey(algorithm, h));
    hmacKeys.set(cacheKey, imported);
    return imported;
  }
  return new HmacKey(algorithm, await backend.importHmacKey(algorithm, secret));
}

function assertHmacAlgorithm(algorithm: string): asserts algorithm is HmacAlgorithm {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-512') {
    throw new TypeError(
      `[@org/signing-core] unsupported HMAC algorithm ${JSON.stringify(algorithm)}: use 'SHA-256' or 'SHA-512'`,
    );
  }
}

/**
 * HMAC of `data` (UTF-8 text or bytes) under `key` (a secret as text/bytes, or an imported
 * {@link HmacKey}). Not an `async` function on purpose: with an imported key it returns the
 * backend's promise directly, saving the extra ticks an async wrapper would add per call.
 * Rejects with `InputError` `ERR_INVALID_INPUT` for text with a lone UTF-16 surrogate (which
 * UTF-8 cannot encode; replacing it with U+FFFD would make different strings sign alike).
 */
export function hmac(
  algorithm: HmacAlgorithm,
  key: string | Uint8Array | HmacKey,
  data: string | Uint8Array,
): Promise<Uint8Array> {
  if (key instanceof HmacKey) {
    if (key.algorithm !== algorithm) {
      return Promise.reject(
        new TypeError(`[@org/signing-core] hmac: key was imported for ${key.algorithm}, not ${algorithm}`),
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = toSigningBytes(data, 'hmac', 'data');
    } catch (error) {
      return Promise.reject(error);
    }
    return backend.hmac(algorithm, HmacKey.handleOf(key), bytes);
  }
  return importHmacKey(algorithm, key).then((imported) =>
    backend.hmac(algorithm, HmacKey.handleOf(imported), toSigningBytes(data, 'hmac', 'data')),
  );
}

/** Message digest of `data` (UTF-8 text or bytes). Rejects with `InputError` for text with a lone UTF-16 surrogate. */
export function digest(algorithm: DigestAlgorithm, data: string | Uint8Array): Promise<Uint8Array> {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-512' && algorithm !== 'SHA-1') {
    return Promise.reject(
      new TypeError(
        `[@org/signing-core] unsupported digest ${JSON.stringify(algorithm)}: use 'SHA-1', 'SHA-256' or 'SHA-512'`,
      ),
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = toSigningBytes(data, 'digest', 'data');
  } catch (error) {
    return Promise.reject(error);
  }
  return backend.digest(algorithm, bytes);
}

/**
 * Signs with a key kept elsewhere (a KMS or HSM): receives the exact bytes to sign and
 * returns the RSASSA-PKCS1-v1_5 / SHA-256 signature.
 */
export type RsaSigner = (data: Uint8Array) => Promise<Uint8Array>;

/** An RSA private key ready for SHA256withRSA. Opaque: never prints or serialises key material. */
export class RsaPrivateKey {
  readonly type = 'private' as const;
  /** Modulus size in bits; `undefined` for a signer function or a foreign CryptoKey of unknown size. */
  readonly modulusBits: number | undefined;
  readonly #handle: BackendKeyHandle | undefined;
  readonly #signer: RsaSigner | undefined;

  /** @internal use {@link importRsaPrivateKey} */
  constructor(source: { handle: BackendKeyHandle } | { signer: RsaSigner }, modulusBits: number | undefined) {
    this.modulusBits = modulusBits;
    this.#handle = 'handle' in source ? source.handle : undefined;
    this.#signer = 'signer' in source ? source.signer : undefined;
  }
  /** @internal */
  static async sign(key: RsaPrivateKey, data: Uint8Array): Promise<Uint8Array> {
    if (key.#signer) {
      let signature: unknown;
      try {
        signature = await key.#signer(data);
      } catch (cause) {
        throw new SignatureError('ERR_SIGNING_FAILED', 'the RSA signer function failed', 'signer', { cause });
      }
      if (!(signature instanceof Uint8Array) || signature.length === 0) {
        throw new SignatureError(
          'ERR_SIGNING_FAILED',
          'the RSA signer function must resolve to a non-empty Uint8Array signature',
          'signer',
        );
      }
      return signature;
    }
    try {
      return await backend.rsaSign(key.#handle as BackendKeyHandle, data);
    } catch {
      // A key the parser accepted (or a CryptoKey) that the runtime's crypto still refuses,
      // e.g. OpenSSL's "no inverse". The runtime's error is dropped: no key material may leak.
      throw new KeyFormatError(
        'the runtime could not sign with the RSA private key: it is structurally invalid',
        'an RSA private key the runtime cannot sign with',
      );
    }
  }
  toJSON(): { type: 'private'; modulusBits: number | undefined } {
    return { type: this.type, modulusBits: this.modulusBits };
  }
  [inspectSymbol](): string {
    return `RsaPrivateKey { modulusBits: ${this.modulusBits ?? 'unknown'} }`;
  }
}

/** An RSA public key ready to verify SHA256withRSA signatures. */
export class RsaPublicKey {
  readonly type = 'public' as const;
  readonly modulusBits: number | undefined;
  readonly #handle: BackendKeyHandle;

  /** @internal use {@link importRsaPublicKey} */
  constructor(handle: BackendKeyHandle, modulusBits: number | undefined) {
    this.#handle = handle;
    this.modulusBits = modulusBits;
  }
  /** @internal */
  static handleOf(key: RsaPublicKey): BackendKeyHandle {
    return key.#handle;
  }
  toJSON(): { type: 'public'; modulusBits: number | undefined } {
    return { type: this.type, modulusBits: this.modulusBits };
  }
  [inspectSymbol](): string {
    return `RsaPublicKey { modulusBits: ${this.modulusBits ?? 'unknown'} }`;
  }
}

/** Everything {@link importRsaPrivateKey} accepts. */
export type RsaPrivateKeyInput = string | Uint8Array | CryptoKeyLike | RsaSigner | RsaPrivateKey;
/** Everything {@link importRsaPublicKey} accepts. */
export type RsaPublicKeyInput = string | Uint8Array | CryptoKeyLike | RsaPublicKey;

const privateKeys = new BoundedCache<Promise<RsaPrivateKey>>(16);
const publicKeys = new BoundedCache<Promise<RsaPublicKey>>(16);

function isCryptoKey(value: unknown): value is CryptoKeyLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((typeof CryptoKey === 'function' && value instanceof CryptoKey) ||
      Object.prototype.toString.call(value) === '[object CryptoKey]')
  );
}

function checkCryptoKey(key: CryptoKeyLike, type: 'private' | 'public'): void {
  const algorithm = key.algorithm as { name?: string; hash?: { name?: string } };
  const usage = type === 'private' ? 'sign' : 'verify';
  if (key.type !== type) {
    throw new KeyFormatError(`expected an RSA ${type} key, found a ${key.type} CryptoKey`, `a ${key.type} CryptoKey`);
  }
  if (algorithm.name !== 'RSASSA-PKCS1-v1_5' || algorithm.hash?.name !== 'SHA-256') {
    throw new KeyFormatError(
      `expected a CryptoKey imported for RSASSA-PKCS1-v1_5 with SHA-256 (SHA256withRSA), found ${algorithm.name ?? 'an unknown algorithm'}${algorithm.hash?.name ? ` with ${algorithm.hash.name}` : ''}`,
      `a ${algorithm.name ?? 'non-RSA'} CryptoKey`,
    );
  }
  if (!key.usages.includes(usage)) {
    throw new KeyFormatError(`the CryptoKey must allow the '${usage}' usage`, `a CryptoKey without '${usage}'`);
  }
}

function cryptoKeyBits(key: CryptoKeyLike): number | undefined {
  const bits = (key.algorithm as { modulusLength?: unknown }).modulusLength;
  return typeof bits === 'number' ? bits : undefined;
}

async function wrapImportFailure<T>(work: () => Promise<T>, kind: string): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (isAuthError(cause)) throw cause;
    // The runtime's error is dropped, not kept as `cause`: it may quote the key.
    throw new KeyFormatError(
      `the runtime could not import the ${kind}: it is structurally invalid`,
      `an invalid ${kind}`,
    );
  }
}

/**
 * Imports an RSA private key for SHA256withRSA from: PKCS#8 PEM, PKCS#1 PEM
 * (`BEGIN RSA PRIVATE KEY`), a bare base64 body, PEM with literal `\n`, DER bytes, an
 * imported `CryptoKey`, or a signer function (for keys held in a KMS/HSM). Anything else
 * throws a `KeyFormatError` saying what was found and what is accepted.
 */
export async function importRsaPrivateKey(input: RsaPrivateKeyInput): Promise<RsaPrivateKey> {
  if (input instanceof RsaPrivateKey) return input;
  if (typeof input === 'function') return new RsaPrivateKey({ signer: input }, undefined);
  if (isCryptoKey(input)) {
    checkCryptoKey(input, 'private');
    return new RsaPrivateKey({ handle: backend.fromCryptoKey(input) }, cryptoKeyBits(input));
  }
  if (input instanceof RsaPublicKey) {
    throw new KeyFormatError('expected an RSA private key, found an RsaPublicKey', 'an RSA public key');
  }
  if (typeof input === 'string') {
    const cached = privateKeys.get(input);
    if (cached) return cached;
    const imported = importPrivateBytes(input);
    privateKeys.set(input, imported);
    imported.catch(() => undefined); // a failed import is reported to the caller, not left unhandled
    return imported;
  }
  if (input instanceof Uint8Array) return importPrivateBytes(input);
  throw new KeyFormatError(
    `expected an RSA private key (PEM text, base64, DER bytes, a CryptoKey or a signer function), found ${describeType(input)}`,
    describeType(input),
  );
}

async function importPrivateBytes(input: string | Uint8Array): Promise<RsaPrivateKey> {
  const parsed = parseRsaPrivateKey(input);
  const handle = await wrapImportFailure(() => backend.importRsaPrivateKey(parsed.der), 'RSA private key');
  return new RsaPrivateKey({ handle }, parsed.modulusBits);
}

/**
 * Checks synchronously that `input` can be used as an RSA private key, without importing it:
 * PEM/base64/DER text is parsed (throws `KeyFormatError` saying what was found), a CryptoKey is
 * checked for type, algorithm and usage. Signer functions and imported keys pass. Lets a
 * factory reject a bad key when it is created rather than on first use.
 */
export function checkRsaPrivateKey(input: RsaPrivateKeyInput): void {
  if (input instanceof RsaPrivateKey || typeof input === 'function') return;
  if (isCryptoKey(input)) {
    checkCryptoKey(input, 'private');
    return;
  }
  if (input instanceof RsaPublicKey) {
    throw new KeyFormatError('expected an RSA private key, found an RsaPublicKey', 'an RSA public key');
  }
  if (typeof input === 'string' || input instanceof Uint8Array) {
    parseRsaPrivateKey(input);
    return;
  }
  throw new KeyFormatError(
    `expected an RSA private key (PEM text, base64, DER bytes, a CryptoKey or a signer function), found ${describeType(input)}`,
    describeType(input),
  );
}

/** Like {@link checkRsaPrivateKey}, for public keys (SPKI, PKCS#1, certificate, CryptoKey). */
export function checkRsaPublicKey(input: RsaPublicKeyInput): void {
  if (input instanceof RsaPublicKey) return;
  if (isCryptoKey(input)) {
    checkCryptoKey(input, 'public');
    return;
  }
  if (input instanceof RsaPrivateKey) {
    throw new KeyFormatError('expected an RSA public key, found an RsaPrivateKey', 'an RSA private key');
  }
  if (typeof input === 'string' || input instanceof Uint8Array) {
    parseRsaPublicKey(input);
    return;
  }
  throw new KeyFormatError(
    `expected an RSA public key (PEM text, certificate, base64, DER bytes or a CryptoKey), found ${describeType(input)}`,
    describeType(input),
  );
}

/**
 * Imports an RSA public key from: SPKI PEM, PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), an X.509
 * certificate PEM, a bare base64 body, PEM with literal `\n`, DER bytes or a `CryptoKey`.
 */
export async function importRsaPublicKey(input: RsaPublicKeyInput): Promise<RsaPublicKey> {
  if (input instanceof RsaPublicKey) return input;
  if (isCryptoKey(input)) {
    checkCryptoKey(input, 'public');
    return new RsaPublicKey(backend.fromCryptoKey(input), cryptoKeyBits(input));
  }
  if (input instanceof RsaPrivateKey) {
    throw new KeyFormatError('expected an RSA public key, found an RsaPrivateKey', 'an RSA private key');
  }
  if (typeof input === 'string') {
    const cached = publicKeys.get(input);
    if (cached) return cached;
    const imported = importPublicBytes(input);
    publicKeys.set(input, imported);
    imported.catch(() => undefined);
    return imported;
  }
  if (input instanceof Uint8Array) return importPublicBytes(input);
  throw new KeyFormatError(
    `expected an RSA public key (PEM text, certificate, base64, DER bytes or a CryptoKey), found ${describeType(input)}`,
    describeType(input),
  );
}

async function importPublicBytes(input: string | Uint8Array): Promise<RsaPublicKey> {
  const parsed = parseRsaPublicKey(input);
  const handle = await wrapImportFailure(() => backend.importRsaPublicKey(parsed.der), 'RSA public key');
  return new RsaPublicKey(handle, parsed.modulusBits);
}

/** SHA256withRSA (RSASSA-PKCS1-v1_5, SHA-256) signature of `data`. Rejects with `InputError` for text with a lone UTF-16 surrogate. */
export async function rsaSign(key: RsaPrivateKeyInput, data: string | Uint8Array): Promise<Uint8Array> {
  const imported = await importRsaPrivateKey(key);
  return RsaPrivateKey.sign(imported, toSigningBytes(data, 'rsaSign', 'data'));
}

/**
 * Verifies a SHA256withRSA signature. Returns false (never throws) for a wrong or malformed signature.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` when `data` is text with a lone UTF-16 surrogate.
 */
export async function rsaVerify(
  key: RsaPublicKeyInput,
  signature: Uint8Array,
  data: string | Uint8Array,
): Promise<boolean> {
  const imported = await importRsaPublicKey(key);
  const bytes = toSigningBytes(data, 'rsaVerify', 'data');
  try {
    return await backend.rsaVerify(RsaPublicKey.handleOf(imported), signature, bytes);
  } catch {
    return false;
  }
}

/**
 * Compares two byte strings (or UTF-8 texts) in time that depends only on their lengths,
 * never on where they first differ. Different lengths compare unequal. Never throws for text: a
 * string with a lone UTF-16 surrogate (which has no UTF-8 form) equals only the same string.
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  if (diff !== 0) return false;
  // Equal bytes. TextEncoder wrote U+FFFD for any lone surrogate, so different strings can get
  // here: compare their UTF-16 code units instead (the lengths are equal or the answer is no).
  const loneA = typeof a === 'string' && hasLoneSurrogate(a);
  const loneB = typeof b === 'string' && hasLoneSurrogate(b);
  if (!loneA && !loneB) return true;
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return false;
  let units = 0;
  for (let i = 0; i < a.length; i++) units |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return units === 0;
}
