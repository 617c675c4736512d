/**
 * Byte/string encodings on Web APIs only. Base64 decoding is strict about the alphabet
 * (standard or URL-safe, never mixed) and accepts input with or without `=` padding.
 */
import { InputError } from '../errors/errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 bytes; throws `InputError` on invalid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new InputError('ERR_INVALID_INPUT', 'bytes are not valid UTF-8', {}, { cause });
  }
}

/** Bytes as text or bytes: strings are encoded as UTF-8. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

// A lone (unpaired) UTF-16 surrogate has no UTF-8 form: TextEncoder writes U+FFFD for it, so
// `'\uD800'`, `'\uDBFF'` and `'\uFFFD'` all encode to EF BF BD. Text that is signed or hashed is
// checked first. `isWellFormed` (ES2024; Node 20+, Bun, Deno, Workers) answers in constant time
// for one-byte strings and scans two-byte ones natively; the regex is the fallback elsewhere.
// In `u` mode `[\uD800-\uDFFF]` matches only unpaired surrogates (a pair is one code point).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const isWellFormedText: (text: string) => boolean =
  typeof nativeIsWellFormed === 'function'
    ? (text) => nativeIsWellFormed.call(text)
    : (text) => !LONE_SURROGATE.test(text);

/**
 * UTF-8 bytes of text that is signed or hashed. Refuses a lone UTF-16 surrogate, which
 * `encodeUtf8` (TextEncoder) would silently replace by U+FFFD, so that two different strings
 * would sign alike. The message names `caller` and `field`, never the text nor where in it the
 * surrogate is (signed text often starts with a secret, whose length an index would hint at).
 *
 * @throws {InputError} `ERR_INVALID_INPUT` with `field`.
 */
export function encodeSigningText(text: string, caller: string, field: string): Uint8Array {
  if (!isWellFormedText(text)) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${caller}: ${field} has a lone UTF-16 surrogate (a U+D800–U+DFFF code unit without its pair): UTF-8 cannot encode it, and replacing it with U+FFFD would make different strings sign and hash alike`,
      { field },
    );
  }
  return encoder.encode(text);
}

/** {@link toBytes} for data that is signed or hashed: strings go through {@link encodeSigningText}. */
export function toSigningBytes(data: string | Uint8Array, caller: string, field: string): Uint8Array {
  return typeof data === 'string' ? encodeSigningText(data, caller, field) : data;
}

/** True when a string has a lone UTF-16 surrogate (so it has no exact UTF-8 form). */
export function hasLoneSurrogate(text: string): boolean {
  return !isWellFormedText(text);
}

const HEX_LOWER = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_UPPER = HEX_LOWER.map((h) => h.toUpperCase());

/** Hex encoding, lowercase by default. */
export function toHex(bytes: Uint8Array, options: { upperCase?: boolean } = {}): string {
  const table = options.upperCase ? HEX_UPPER : HEX_LOWER;
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += table[bytes[i] as number];
  return out;
}

/** Decodes hex (either case). Throws `InputError` on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) {
    throw new InputError('ERR_INVALID_INPUT', `hex text has an odd length (${hex.length})`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(i * 2));
    const lo = hexValue(hex.charCodeAt(i * 2 + 1));
    if (hi < 0 || lo < 0) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `hex text has a non-hex character at offset ${hi < 0 ? i * 2 : i * 2 + 1}`,
        {
          position: hi < 0 ? i * 2 : i * 2 + 1,
        },
      );
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  const len = bytes.length;
  let i = 0;
  for (; i + 2 < len; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += alphabet[n >>> 18] + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = len - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

const DECODE = new Int16Array(128).fill(-1);
const DECODE_URL = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  DECODE[B64.charCodeAt(i)] = i;
  DECODE_URL[B64URL.charCodeAt(i)] = i;
}

function decode64(text: string, table: Int16Array, name: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */ && text.length - end < 2) end--;
  if (end % 4 === 1) {
    throw new InputError('ERR_INVALID_INPUT', `${name} text has an impossible length (${text.length})`);
  }
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (table[c] as number) : -1;
    if (v < 0) {
      throw new InputError('ERR_INVALID_INPUT', `${name} text has an invalid character at offset ${i}`, {
        position: i,
      });
    }
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}

/** Standard base64 with `=` padding. */
export function toBase64(bytes: Uint8Array): string {
  return encode64(bytes, B64, true);
}

/** Decodes standard base64, with or without padding. Throws `InputError` on anything else. */
export function fromBase64(text: string): Uint8Array {
  return decode64(text, DECODE, 'base64');
}

/** URL-safe base64 without padding (RFC 4648 §5), as used by JWTs. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode64(bytes, B64URL, false);
}

/** Decodes URL-safe base64, with or without padding. */
export function fromBase64Url(text: string): Uint8Array {
  return decode64(text, DECODE_URL, 'base64url');
}
