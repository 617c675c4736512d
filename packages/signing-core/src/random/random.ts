/**
 * Unpredictable identifiers from `crypto.getRandomValues` (request ids, external ids,
 * transaction numbers). Rejection sampling keeps every character uniformly likely.
 */
const DIGITS = '0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn 4 KiB at a time and each is used once: one `getRandomValues` call per
// ~250 ids instead of one per id (a call costs microseconds, a signed request makes an id).
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let used = POOL_SIZE;

function randomByte(): number {
  if (used === POOL_SIZE) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  const byte = pool[used] as number;
  pool[used++] = 0;
  return byte;
}

function randomFrom(alphabet: string, length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > 1024) {
    throw new RangeError('random id length must be a whole number from 1 to 1024');
  }
  // Largest multiple of the alphabet size that fits in a byte: bytes above it are redrawn.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
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
