import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors/errors.js';
import {
  decodeUtf8,
  encodeUtf8,
  fromBase64,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
} from './encoding.js';

describe('encodings', () => {
  it('match RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of vectors) {
      expect(toBase64(encodeUtf8(plain))).toBe(b64);
      expect(decodeUtf8(fromBase64(b64))).toBe(plain);
      expect(decodeUtf8(fromBase64(b64.replace(/=+$/, '')))).toBe(plain);
    }
    expect(toHex(encodeUtf8('foobar'))).toBe('666f6f626172');
    expect(toHex(new Uint8Array([0xab, 0xcd]), { upperCase: true })).toBe('ABCD');
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('round-trip and agree with Node (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        return (
          toBase64(bytes) === buffer.toString('base64') &&
          toBase64Url(bytes) === buffer.toString('base64url') &&
          toHex(bytes) === buffer.toString('hex') &&
          Buffer.from(fromBase64(toBase64(bytes))).equals(buffer) &&
          Buffer.from(fromBase64Url(toBase64Url(bytes))).equals(buffer) &&
          Buffer.from(fromHex(toHex(bytes, { upperCase: true }))).equals(buffer)
        );
      }),
    );
  });

  it('refuses malformed input with InputError', () => {
    for (const bad of [
      () => fromHex('abc'),
      () => fromHex('zz'),
      () => fromBase64('ab$d'),
      () => fromBase64('a'),
      () => fromBase64Url('ab+/'),
      () => decodeUtf8(new Uint8Array([0xff])),
    ]) {
      let error: unknown;
      try {
        bad();
      } catch (e) {
        error = e;
      }
      expect(isInputError(error)).toBe(true);
    }
  });
});
