/**
 * RSA keys given to the CLI, checked before anything is signed or sent, with a message that
 * says where the key came from. A public key may also be given as the private key it belongs
 * to (the public half is derived), which is handy when checking your own signatures.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { checkRsaPrivateKey, checkRsaPublicKey, isKeyFormatError } from '@org/signing-core';
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

/** SPKI PEM of the public half of a private key the core accepted (PEM or bare base64 DER). */
function publicHalf(privateKey: string): string {
  const text = privateKey.trim();
  if (text.startsWith('-----'))
    return createPublicKey(createPrivateKey(text)).export({ type: 'spki', format: 'pem' }) as string;
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return createPublicKey(createPrivateKey({ key: der, format: 'der', type })).export({
        type: 'spki',
        format: 'pem',
      }) as string;
    } catch {
      // try the next encoding
    }
  }
  throw inputError('cannot derive the public key from this private key: give the public key itself');
}
