/**
 * RSA key options (`privateKey`, `providerPublicKey`, `publicKey`): a valibot schema that accepts
 * the JS types the core can import (a wrong type is a `ConfigError` listed with the other bad
 * options), and a synchronous content check with the core's `checkRsaPrivateKey` /
 * `checkRsaPublicKey`, so a key of the right type that cannot be used (garbage, encrypted, EC,
 * the wrong half, too small, a CryptoKey for another algorithm) is refused when the client is
 * created, as a `KeyFormatError` whose message names the option.
 */
import {
  checkRsaPrivateKey,
  checkRsaPublicKey,
  isKeyFormatError,
  KeyFormatError,
  RsaPrivateKey,
  type RsaPrivateKeyInput,
  RsaPublicKey,
  type RsaPublicKeyInput,
} from '@org/signing-core';
import { withProvider } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { PACKAGE_NAME, PROVIDER } from '../protocol/constants.js';

const isCryptoKey = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object CryptoKey]';

const nonEmptyText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;

/** An RSA private key input, by type (the content is checked by {@link checkKeyOption}). */
export const privateKeySchema = v.custom<RsaPrivateKeyInput>(
  (value) =>
    nonEmptyText(value) ||
    value instanceof Uint8Array ||
    typeof value === 'function' ||
    value instanceof RsaPrivateKey ||
    isCryptoKey(value),
  'an RSA private key (PEM or base64 text, DER bytes, a CryptoKey or a signer function)',
);

/** An RSA public key input, by type. */
export const publicKeySchema = v.custom<RsaPublicKeyInput>(
  (value) => nonEmptyText(value) || value instanceof Uint8Array || value instanceof RsaPublicKey || isCryptoKey(value),
  'an RSA public key (PEM or base64 text, DER bytes or a CryptoKey)',
);

const checks = { privateKey: checkRsaPrivateKey, providerPublicKey: checkRsaPublicKey } as const;

/**
 * Checks a key option now, without importing it (so on every runtime, with no I/O).
 *
 * @throws {KeyFormatError} `[@org/snap-auth] <option>: <what the core found and accepts>`, with
 *   the core's `found` and `provider: 'snap'`; never key material.
 */
export function checkKeyOption(option: keyof typeof checks, value: unknown): void {
  try {
    (checks[option] as (input: unknown) => void)(value);
  } catch (error) {
    if (!isKeyFormatError(error)) throw withProvider(error, PROVIDER);
    throw new KeyFormatError(`[${PACKAGE_NAME}] ${option}: ${error.message}`, error.found, { provider: PROVIDER });
  }
}
