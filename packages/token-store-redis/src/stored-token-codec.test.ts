import type { StoredToken } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStoredToken, encodeStoredToken } from './stored-token-codec.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const storedToken: fc.Arbitrary<StoredToken> = fc.record(
  {
    token: fc.string({ minLength: 1 }),
    expiresAt: finite,
    obtainedAt: finite,
    tokenType: fc.string(),
    data: fc.dictionary(
      fc.string().filter((k) => k !== '__proto__'),
      fc.oneof(fc.string(), finite, fc.boolean(), fc.constant(null)),
    ),
  },
  { requiredKeys: ['token', 'expiresAt', 'obtainedAt'] },
);

describe('stored token codec', () => {
  it('round-trips every stored token', () => {
    fc.assert(
      fc.property(storedToken, (value) => {
        const decoded = decodeStoredToken(encodeStoredToken(value));
        // JSON has no -0: it reads back as 0.
        expect(decoded).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('never throws on arbitrary text, and accepts only well-formed tokens', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const decoded = decodeStoredToken(text);
        if (decoded !== undefined) {
          expect(typeof decoded.token).toBe('string');
          expect(decoded.token.length).toBeGreaterThan(0);
          expect(Number.isFinite(decoded.expiresAt)).toBe(true);
        }
      }),
    );
  });

  it('keeps only the known fields', () => {
    const text = '{"token":"t","expiresAt":2,"obtainedAt":1,"extra":"dropped","data":{"a":1}}';
    expect(decodeStoredToken(text)).toEqual({ token: 't', expiresAt: 2, obtainedAt: 1, data: { a: 1 } });
  });

  it.each([
    ['null', 'null'],
    ['array', '[]'],
    ['empty token', '{"token":"","expiresAt":2,"obtainedAt":1}'],
    ['string expiry', '{"token":"t","expiresAt":"2","obtainedAt":1}'],
    ['no obtainedAt', '{"token":"t","expiresAt":2}'],
    ['numeric tokenType', '{"token":"t","expiresAt":2,"obtainedAt":1,"tokenType":5}'],
    ['nested data', '{"token":"t","expiresAt":2,"obtainedAt":1,"data":{"a":{"b":1}}}'],
    ['array data', '{"token":"t","expiresAt":2,"obtainedAt":1,"data":[1]}'],
  ])('refuses %s', (_, text) => {
    expect(decodeStoredToken(text)).toBeUndefined();
  });
});
