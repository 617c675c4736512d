/**
 * `#public-half` in the browser (the workbench page): WebCrypto derives keys only
 * asynchronously and cannot read PKCS#1, so a private key given where the public key is expected
 * is refused with a message that says what to paste instead.
 */
import { inputError } from './exit-codes.js';

export function publicHalf(_privateKey: string): string {
  throw inputError(
    'this field takes the public key: a private key cannot be turned into its public half here',
    'paste the public key (SPKI "BEGIN PUBLIC KEY" or PKCS#1 "BEGIN RSA PUBLIC KEY" PEM, or a certificate)',
  );
}
