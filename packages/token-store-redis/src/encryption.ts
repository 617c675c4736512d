/**
 * Encryption at rest: AES-256-GCM through WebCrypto, one random 12-byte IV per value.
 *
 * A stored value is base64 of `[format version = 1][key id][IV (12 bytes)][ciphertext + tag]`.
 * The additional authenticated data is the two header bytes followed by the UTF-8 Redis key, so
 * a value moved to another key (or given another key id) fails to decrypt. The key id lets keys
 * rotate: new values are written with the current key, older ones are still read with
 * `previousEncryptionKeys` until they expire.
 */
import { decodeUtf8, encodeUtf8, fromBase64, fromBase64Url, toBase64 } from '@org/signing-core';

/**
 * A WebCrypto `CryptoKey`, named by its shape: the global `CryptoKey` is a type only with the DOM
 * or WebWorker libs, so a Node-only project (`lib: ["ES2023"]`, `@types/node`,
 * `skipLibCheck: false`) would fail on these declarations with TS2749. Every real `CryptoKey` has
 * this shape; the key is still checked at run time.
 */
interface CryptoKeyLike {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

/** 32 raw bytes, the same bytes as base64 text, or an AES-GCM `CryptoKey`. */
export type EncryptionKeyInput = Uint8Array | string | CryptoKeyLike;

/** A key with the id written into every value it encrypts (0–255). */
export interface VersionedEncryptionKey {
  readonly id: number;
  readonly key: EncryptionKeyInput;
}

/** The id used when `encryptionKey` is given without one. */
export const DEFAULT_KEY_ID = 1;
const FORMAT_VERSION = 1;
const HEADER_LENGTH = 2;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTH = 32;

type DecryptResult =
  | { readonly ok: true; readonly plaintext: string }
  | {
      readonly ok: false;
      readonly reason: 'unknown-key-id' | 'decrypt-failed' | 'malformed-value';
      readonly keyId?: number;
    };

export interface TokenCipher {
  /** Id of the key new values are written with. */
  readonly keyId: number;
  encrypt(plaintext: string, redisKey: string): Promise<string>;
  decrypt(stored: string, redisKey: string): Promise<DecryptResult>;
}

function isCryptoKeyLike(value: unknown): value is CryptoKey {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.prototype.toString.call(value) === '[object CryptoKey]' &&
    typeof (value as CryptoKey).type === 'string'
  );
}

function decodeKeyText(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  for (const decode of [fromBase64, fromBase64Url]) {
    try {
      return decode(trimmed);
    } catch {
      // try the other alphabet
    }
  }
  return undefined;
}

/** Whether `value` can be used as a key; `forEncryption` also requires the `encrypt` usage. */
export function isEncryptionKeyInput(value: unknown, forEncryption: boolean): value is EncryptionKeyInput {
  if (value instanceof Uint8Array) return value.length === KEY_LENGTH;
  if (typeof value === 'string') return decodeKeyText(value)?.length === KEY_LENGTH;
  if (isCryptoKeyLike(value)) {
    return (
      value.type === 'secret' &&
      value.algorithm.name === 'AES-GCM' &&
      value.usages.includes('decrypt') &&
      (!forEncryption || value.usages.includes('encrypt'))
    );
  }
  return false;
}

/** Key bytes copied at configuration time (so later changes by the caller do not matter), or the CryptoKey. */
function keyMaterial(input: EncryptionKeyInput): Uint8Array | CryptoKey {
  if (input instanceof Uint8Array) return input.slice();
  if (typeof input === 'string') {
    const bytes = decodeKeyText(input);
    if (bytes?.length !== KEY_LENGTH) throw new TypeError('[@org/token-store-redis] encryption key: expected 32 bytes');
    return bytes;
  }
  return input as CryptoKey;
}

function lazyKey(input: EncryptionKeyInput): () => Promise<CryptoKey> {
  let material: Uint8Array | CryptoKey | undefined = keyMaterial(input);
  let imported: Promise<CryptoKey> | undefined;
  return () => {
    if (!imported) {
      const source = material as Uint8Array | CryptoKey;
      material = undefined;
      imported =
        source instanceof Uint8Array
          ? crypto.subtle.importKey('raw', source as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, [
              'encrypt',
              'decrypt',
            ])
          : Promise.resolve(source);
    }
    return imported;
  };
}

function additionalData(header: Uint8Array, redisKey: string): Uint8Array<ArrayBuffer> {
  const keyBytes = encodeUtf8(redisKey);
  const aad = new Uint8Array(header.length + keyBytes.length);
  aad.set(header, 0);
  aad.set(keyBytes, header.length);
  return aad;
}

/** Whether a stored value has the shape of an encrypted value (without decrypting it). */
export function isEncryptedValue(stored: string): boolean {
  try {
    const envelope = fromBase64(stored);
    return envelope.length >= HEADER_LENGTH + IV_LENGTH + TAG_LENGTH && envelope[0] === FORMAT_VERSION;
  } catch {
    return false;
  }
}

/** Inputs must already be validated with `isEncryptionKeyInput` (ids 0–255, unique). */
export function createTokenCipher(
  current: VersionedEncryptionKey,
  previous: readonly VersionedEncryptionKey[] = [],
): TokenCipher {
  const keys = new Map<number, () => Promise<CryptoKey>>();
  keys.set(current.id, lazyKey(current.key));
  for (const old of previous) keys.set(old.id, lazyKey(old.key));
  const currentKey = keys.get(current.id) as () => Promise<CryptoKey>;

  return {
    keyId: current.id,

    async encrypt(plaintext, redisKey) {
      const header = Uint8Array.of(FORMAT_VERSION, current.id);
      const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: additionalData(header, redisKey), tagLength: TAG_LENGTH * 8 },
          await currentKey(),
          encodeUtf8(plaintext) as Uint8Array<ArrayBuffer>,
        ),
      );
      const envelope = new Uint8Array(HEADER_LENGTH + IV_LENGTH + sealed.length);
      envelope.set(header, 0);
      envelope.set(iv, HEADER_LENGTH);
      envelope.set(sealed, HEADER_LENGTH + IV_LENGTH);
      return toBase64(envelope);
    },

    async decrypt(stored, redisKey) {
      let envelope: Uint8Array;
      try {
        envelope = fromBase64(stored);
      } catch {
        return { ok: false, reason: 'malformed-value' };
      }
      if (envelope.length < HEADER_LENGTH + IV_LENGTH + TAG_LENGTH || envelope[0] !== FORMAT_VERSION) {
        return { ok: false, reason: 'malformed-value' };
      }
      const keyId = envelope[1] as number;
      const key = keys.get(keyId);
      if (!key) return { ok: false, reason: 'unknown-key-id', keyId };
      try {
        const opened = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: envelope.slice(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH),
            additionalData: additionalData(envelope.subarray(0, HEADER_LENGTH), redisKey),
            tagLength: TAG_LENGTH * 8,
          },
          await key(),
          envelope.slice(HEADER_LENGTH + IV_LENGTH),
        );
        return { ok: true, plaintext: decodeUtf8(new Uint8Array(opened)) };
      } catch {
        return { ok: false, reason: 'decrypt-failed', keyId };
      }
    },
  };
}
