/**
 * The public half of a private key given where a public key is expected, on Node (node:crypto).
 * `#public-half` resolves here on every runtime but the browser (see public-half.web.ts).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { inputError } from './exit-codes.js';

/** SPKI PEM of the public half of a private key the core accepted (PEM or bare base64 DER). */
export function publicHalf(privateKey: string): string {
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
