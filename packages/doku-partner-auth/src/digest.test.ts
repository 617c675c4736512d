import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_BODY_VECTOR, POST_VECTOR, TOKEN_VECTOR } from './__fixtures__/vectors.js';
import { dokuDigest } from './protocol/digest.js';

const nodeDigest = (data: string | Uint8Array) => createHash('sha256').update(data).digest('base64');

describe('dokuDigest', () => {
  it('matches the [SELF] Generate Token vector', async () => {
    expect(await dokuDigest(TOKEN_VECTOR.body)).toBe(TOKEN_VECTOR.digest);
  });

  it('the {"order":…} body is not the body behind DOKU’s published Digest (negative vector)', async () => {
    const digest = await dokuDigest(ORDER_BODY_VECTOR.body);
    expect(digest).toBe(ORDER_BODY_VECTOR.digest);
    expect(digest).not.toBe(POST_VECTOR.digest);
  });

  it('hashes the exact bytes: non-ASCII characters and escaped slashes are not normalised', async () => {
    const escaped = '{"note":"caf\u00e9 \u2603 \\/path\\/x","url":"https:\\/\\/example.com"}';
    const unescaped = '{"note":"caf\u00e9 \u2603 /path/x","url":"https://example.com"}';
    const asciiEscaped = '{"note":"caf\\u00e9 \\u2603 \\/path\\/x","url":"https:\\/\\/example.com"}';
    const digests = await Promise.all([escaped, unescaped, asciiEscaped].map((text) => dokuDigest(text)));
    expect(digests).toEqual([nodeDigest(escaped), nodeDigest(unescaped), nodeDigest(asciiEscaped)]);
    expect(new Set(digests).size).toBe(3);
    // Whitespace is significant too (DOKU bodies are not minified).
    expect(await dokuDigest('{ "a": 1 }')).not.toBe(await dokuDigest('{"a":1}'));
  });

  it('hashes text as UTF-8 and bytes as they are', async () => {
    const text = '{"name":"Zoë"}';
    expect(await dokuDigest(new TextEncoder().encode(text))).toBe(await dokuDigest(text));
    const latin1 = new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d]); // not UTF-8: still hashed byte for byte
    expect(await dokuDigest(latin1)).toBe(nodeDigest(latin1));
  });

  it('is standard, padded base64 of 32 bytes', async () => {
    expect(await dokuDigest('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(await dokuDigest('x')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('rejects anything but text or bytes with a TypeError', async () => {
    await expect(dokuDigest(undefined as never)).rejects.toThrow(TypeError);
    await expect(dokuDigest({ a: 1 } as never)).rejects.toThrow(TypeError);
    await expect(dokuDigest(42 as never)).rejects.toThrow(/string or a Uint8Array/);
  });

  it('property: equals node:crypto for any text and any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), async (text) => {
        expect(await dokuDigest(text)).toBe(nodeDigest(Buffer.from(text, 'utf8')));
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        expect(await dokuDigest(bytes)).toBe(nodeDigest(bytes));
      }),
    );
  });
});
