import { createHash } from 'node:crypto';
import { isInputError } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_BODY_HASH, minifyBody, snapBodyHash } from './protocol/body-hash.js';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('snapBodyHash', () => {
  it('hashes the empty string for an empty or absent body', async () => {
    expect(EMPTY_BODY_HASH).toBe(nodeSha256(''));
    expect(await snapBodyHash()).toBe(EMPTY_BODY_HASH);
    expect(await snapBodyHash(undefined)).toBe(EMPTY_BODY_HASH);
    expect(await snapBodyHash(null)).toBe(EMPTY_BODY_HASH);
    expect(await snapBodyHash('')).toBe(EMPTY_BODY_HASH);
  });

  it('hashes the minified body, keeping number literals and escapes as written', async () => {
    const pretty = '{\n  "amount": { "value": "10.00", "n": 10.00 },\n  "note": "caf\\u00e9 \\/ é"\n}';
    const minified = '{"amount":{"value":"10.00","n":10.00},"note":"caf\\u00e9 \\/ é"}';
    expect(minifyBody(pretty)).toBe(minified);
    expect(await snapBodyHash(pretty)).toBe(nodeSha256(minified));
    expect(await snapBodyHash('{"n":10.00}')).not.toBe(await snapBodyHash('{"n":10}'));
  });

  it('rejects a body that is not JSON with InputError ERR_INVALID_JSON', async () => {
    const error = await snapBodyHash('{"a":').catch((e: unknown) => e);
    expect(isInputError(error) && error.code).toBe('ERR_INVALID_JSON');
    expect(isInputError(error) && error.provider).toBe('snap');
    expect(isInputError(error) && error.field).toBe('body');
    expect(() => minifyBody(42 as never)).toThrow(TypeError);
  });

  it('gives a pretty-printed body and its minified form the same hash (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: 4 }), async (value, indent) => {
        const compact = JSON.stringify(value);
        const pretty = JSON.stringify(value, null, indent);
        expect(await snapBodyHash(pretty)).toBe(nodeSha256(compact));
        expect(await snapBodyHash(compact)).toBe(nodeSha256(compact));
      }),
      { numRuns: 200 },
    );
  });
});

describe('minifyBody canonicalisations', () => {
  it("'php-unescaped-slashes' is PHP's json_encode with JSON_UNESCAPED_SLASHES, from the core", () => {
    const body = String.raw`{ "url": "https://merchant.example/notify", "escaped": "a\/b", "note": "é" }`;
    expect(minifyBody(body, 'body', 'php')).toBe(
      String.raw`{"url":"https:\/\/merchant.example\/notify","escaped":"a\/b","note":"\u00e9"}`,
    );
    expect(minifyBody(body, 'body', 'php-unescaped-slashes')).toBe(
      String.raw`{"url":"https://merchant.example/notify","escaped":"a/b","note":"\u00e9"}`,
    );
    // An escaped backslash before a slash stays an escaped backslash.
    expect(minifyBody(String.raw`["\\/"]`, 'body', 'php-unescaped-slashes')).toBe(String.raw`["\\/"]`);
  });

  it("'php-unescaped-slashes' refuses invalid JSON as the other forms do", () => {
    try {
      minifyBody('{"a":/}', 'body', 'php-unescaped-slashes');
      expect.unreachable('expected a refusal');
    } catch (error) {
      expect(isInputError(error) && error.code === 'ERR_INVALID_JSON' && error.position).toBe(5);
    }
  });
});
