/**
 * RSA keys given to the CLI, checked before anything is signed or sent, with a message that
 * says where the key came from. A public key may also be given as the private key it belongs
 * to (the public half is derived), which is handy when checking your own signatures.
 */
import { checkRsaPrivateKey, checkRsaPublicKey, isKeyFormatError } from '@org/signing-core';
import { publicHalf } from '#public-half';
import { inputError } from './exit-codes.js';

const from = (origin: string | undefined) => (origin ? ` (from ${origin})` : '');

/** The private key text, once the core has accepted its format. */
export function checkedPrivateKey(value: string, origin: string | undefined, what = 'private key'): string {
  try {
    checkRsaPrivateKey(value);
    return value;
  } catch (error) {
    if (isKeyFormatError(error)) throw inputError(`the ${what}${from(origin)} cannot be used: ${error.message}`);
    throw error;
  }
}

/** The public key text; a private key is turned into its public half. */
export function checkedPublicKey(value: string, origin: string | undefined, what = 'public key'): string {
  try {
    checkRsaPublicKey(value);
    return value;
  } catch (publicError) {
    try {
      checkRsaPrivateKey(value);
    } catch {
      if (isKeyFormatError(publicError))
        throw inputError(`the ${what}${from(origin)} cannot be used: ${publicError.message}`);
      throw publicError;
    }
    return publicHalf(value);
  }
}
