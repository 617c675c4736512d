/**
 * Unpredictable identifiers from `crypto.getRandomValues` (request ids, external ids,
 * transaction numbers). Rejection sampling keeps every character uniformly likely.
 */
const DIGITS = '0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > 1024) {
    throw new RangeError('random id length must be a whole number from 1 to 1024');
  }
  // Largest multiple of the alphabet size that fits in a byte: bytes above it are redrawn.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array((length - out.length) * 2));
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const byte = bytes[i] as number;
      if (byte < limit) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** An RFC 9562 version-4 UUID. */
export function randomUuid(): string {
  return crypto.randomUUID();
}

/** `length` random decimal digits (leading zeros possible). */
export function randomDigits(length: number): string {
  return randomFrom(DIGITS, length);
}

/** `length` random characters from `A–Z a–z 0–9`. */
export function randomAlphanumeric(length: number): string {
  return randomFrom(ALPHANUMERIC, length);
}
