import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { isInputError } from '../errors/errors.js';
import {
  decodeUtf8,
  encodeSigningText,
  encodeUtf8,
  fromBase64,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
  toSigningBytes,
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

describe('text that is signed or hashed (lone UTF-16 surrogates)', () => {
  // Each holds an unpaired surrogate; TextEncoder would write U+FFFD (EF BF BD) for it.
  const lone = ['\u{d800}', 'MARKER-s3cr3t\u{dbff}', 'a\u{dc00}b', 'x\u{d83d}', '\u{de00}\u{d83d}', 'ok 😀 \u{dfff}'];

  /** An independent reference: every high surrogate followed by a low one, no other surrogate. */
  const wellFormed = (text: string): boolean => {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
        i++;
      } else if (unit >= 0xdc00 && unit <= 0xdfff) {
        return false;
      }
    }
    return true;
  };

  it('shows the collision it prevents: TextEncoder maps different strings to the same bytes', () => {
    expect(toHex(encodeUtf8('\u{d800}'))).toBe(toHex(encodeUtf8('\u{dbff}')));
    expect(toHex(encodeUtf8('\u{d800}'))).toBe(toHex(encodeUtf8('\u{fffd}')));
  });

  it('refuses a lone surrogate with InputError ERR_INVALID_INPUT naming the input, never the value or its place', () => {
    for (const text of lone) {
      let error: unknown;
      try {
        encodeSigningText(text, 'hmac', 'data');
      } catch (e) {
        error = e;
      }
      expect(isInputError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'data', position: undefined });
      const message = (error as Error).message;
      expect(message).toContain('hmac: data');
      expect(message).toContain('lone UTF-16 surrogate');
      expect(message).not.toMatch(/index|offset|position| at \d/);
      expect(message).not.toContain('MARKER');
      expect(message).not.toMatch(/[\u{d800}-\u{dfff}]/u);
      expect(() => toSigningBytes(text, 'digest', 'data')).toThrow(/digest: data has a lone UTF-16 surrogate/);
    }
  });

  it('encodes well-formed text (pairs, U+FFFD itself) exactly as encodeUtf8, and passes bytes through', () => {
    for (const text of ['', 'abc', 'é€', '😀', '\u{d83d}\u{de00}', '\u{fffd}', 'Оплата №5 — ☕ 🧾']) {
      expect(toHex(encodeSigningText(text, 'x', 'text'))).toBe(toHex(encodeUtf8(text)));
      expect(toHex(toSigningBytes(text, 'x', 'text'))).toBe(toHex(encodeUtf8(text)));
    }
    const bytes = new Uint8Array([0xed, 0xa0, 0x80]);
    expect(toSigningBytes(bytes, 'x', 'text')).toBe(bytes);
  });

  it('refuses exactly the ill-formed UTF-16 texts (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        let refused = false;
        try {
          encodeSigningText(text, 'x', 'text');
        } catch {
          refused = true;
        }
        return refused === !wellFormed(text);
      }),
      { numRuns: 500 },
    );
  });

  it('uses the fallback check where String.prototype.isWellFormed is missing, with the same results', async () => {
    const proto = String.prototype as { isWellFormed?: () => boolean };
    const native = proto.isWellFormed;
    vi.resetModules();
    delete proto.isWellFormed;
    let fallback: typeof import('./encoding.js');
    try {
      fallback = await import('./encoding.js');
    } finally {
      if (native) proto.isWellFormed = native;
      vi.resetModules();
    }
    for (const text of lone) {
      expect(() => fallback.encodeSigningText(text, 'x', 'text')).toThrow('x: text has a lone UTF-16 surrogate');
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        let refused = false;
        try {
          fallback.encodeSigningText(text, 'x', 'text');
        } catch {
          refused = true;
        }
        return refused === !wellFormed(text);
      }),
      { numRuns: 500 },
    );
  });
});
