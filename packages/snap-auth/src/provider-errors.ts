/**
 * Every error this package throws carries `provider: 'snap'`. Core functions that know nothing
 * of providers (key import, option validation, JSON minify, an external signer) throw without
 * one; these helpers re-create such errors with the provider set, keeping code, message and
 * details.
 */
import {
  ConfigError,
  InputError,
  isAuthError,
  isConfigError,
  isInputError,
  isKeyFormatError,
  isSignatureError,
  KeyFormatError,
  SignatureError,
} from '@org/signing-core';
import { PROVIDER } from './constants.js';

/** `error` with `provider: 'snap'` when it is a toolkit error without a provider. */
export function withProvider(error: unknown): unknown {
  if (!isAuthError(error) || error.provider !== undefined) return error;
  const options = { provider: PROVIDER, ...(error.cause === undefined ? {} : { cause: error.cause }) };
  if (isKeyFormatError(error)) return new KeyFormatError(error.message, error.found, options);
  if (isConfigError(error)) return new ConfigError(error.message, error.issues, options);
  if (isSignatureError(error)) return new SignatureError(error.code, error.message, error.check, options);
  if (isInputError(error)) {
    return new InputError(
      error.code,
      error.message,
      {
        ...(error.field === undefined ? {} : { field: error.field }),
        ...(error.position === undefined ? {} : { position: error.position }),
      },
      options,
    );
  }
  return error;
}

/** Runs `work`, re-throwing toolkit errors with the provider set. */
export async function asSnap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw withProvider(error);
  }
}

/** Synchronous {@link asSnap}. */
export function asSnapSync<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw withProvider(error);
  }
}
