import { createHmac } from 'node:crypto';
import { isInputError } from '@org/signing-core';
import { readVectors, unreproducibleById, vectorById } from '@org/vitest-config/vectors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, finnetSignature, finnetStringToSign, hexKeyText } from './protocol/signature.js';

/** An independent implementation on node:crypto, written from the documented steps. */
function reference(params: Record<string, string>, secret: string, upper = false): string {
  let hexKey = Buffer.from(secret, 'utf8').toString('hex');
  if (upper) hexKey = hexKey.toUpperCase();
  const keys = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const message = keys.map((k) => params[k]).join('');
  return createHmac('sha256', Buffer.from(hexKey, 'ascii')).update(message, 'utf8').digest('hex').toUpperCase();
}

const vectors = readVectors('finnet');
const DOC_SECRET = vectorById(vectors, 'FINNET-1').inputs.secretKey;

describe('finnetSignature: known answers (vectors/finnet.json, protocols.md §1.3, [SELF] regression vectors)', () => {
  it.each([
    { name: 'with phoneNumber', vector: vectorById(vectors, 'FINNET-1') },
    { name: 'the three getToken fields', vector: vectorById(vectors, 'FINNET-2') },
  ])('$name', async ({ vector }) => {
    const { fields: params, secretKey } = vector.inputs;
    const expected = vector.expected.signature;
    expect(await finnetSignature(params, secretKey)).toBe(expected);
    // This secret's hex has digits only, so the key case makes no difference.
    expect(await finnetSignature(params, secretKey, { hexKeyCase: 'upper' })).toBe(expected);
    expect(reference(params, secretKey)).toBe(expected);
  });

  it("joins the documentation's worked example as documented (its printed output is garbled: not a vector)", () => {
    const { inputs, stringToSign, expected } = vectorById(vectors, 'FINNET-1');
    expect(finnetStringToSign(inputs.fields)).toBe(stringToSign);
    // The doc's "keysignature" has a typo (0x85 for E); the real hex of the secret:
    expect(hexKeyText(DOC_SECRET, 'lower')).toBe(expected.hexKey);
    expect(unreproducibleById(vectors, 'FINNET-DOC-EXAMPLE').published.keysignature).not.toBe(expected.hexKey);
  });
});

describe('finnetSignature: the rule', () => {
  const fields = { transNumber: 'T1', reqDtime: '20240821142750', requestType: 'getToken' };

  it('sorts by field name in byte order (D < u, o < r) regardless of insertion order', () => {
    expect(
      finnetStringToSign({ transNumber: 'E', tokenID: 'D', requestType: 'C', reqDtime: 'B', phoneNumber: 'A' }),
    ).toBe('ABCDE');
    // Uppercase sorts before lowercase, as bytes do (a locale sort would not).
    expect(finnetStringToSign({ b: '2', B: '1', a: '3' })).toBe('132');
  });

  it('excludes the signature field', async () => {
    const base = await finnetSignature(fields, 'secret');
    expect(await finnetSignature({ ...fields, signature: 'ANYTHING' }, 'secret')).toBe(base);
  });

  it('uses values exactly as given (no trimming, no case change)', async () => {
    expect(await finnetSignature({ ...fields, transNumber: ' T1' }, 'secret')).not.toBe(
      await finnetSignature(fields, 'secret'),
    );
  });

  it('returns 64 uppercase hex characters', async () => {
    expect(await finnetSignature(fields, 'secret')).toMatch(/^[0-9A-F]{64}$/);
  });

  it.each(['z', '.', 'j', ':'])('hexKeyCase matters for a secret containing %j', async (char) => {
    const secret = `merchant${char}key`;
    const lower = await finnetSignature(fields, secret);
    const upper = await finnetSignature(fields, secret, { hexKeyCase: 'upper' });
    expect(lower).not.toBe(upper);
    expect(lower).toBe(reference(fields, secret, false));
    expect(upper).toBe(reference(fields, secret, true));
    expect(await finnetSignature(fields, secret, { hexKeyCase: 'lower' })).toBe(lower);
  });

  it('keys the HMAC with the hex text, not the raw secret or the decoded bytes', async () => {
    const raw = createHmac('sha256', 'secret').update(finnetStringToSign(fields)).digest('hex').toUpperCase();
    expect(await finnetSignature(fields, 'secret')).not.toBe(raw);
  });

  it('rejects non-string values with an InputError naming the field, never stringifying them', async () => {
    for (const value of [42, true, null, undefined, { a: 1 }, ['x'], 10n]) {
      const error = await finnetSignature({ ...fields, amount: value } as never, 'secret').catch((e: unknown) => e);
      expect(isInputError(error)).toBe(true);
      if (!isInputError(error)) continue;
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.field).toBe('amount');
      expect(error.provider).toBe('finnet');
      expect(error.message).toContain('"amount" must be a string');
    }
  });

  it('throws TypeError for programmer misuse and InputError for an empty secret', async () => {
    await expect(finnetSignature(null as never, 's')).rejects.toBeInstanceOf(TypeError);
    await expect(finnetSignature(['a'] as never, 's')).rejects.toBeInstanceOf(TypeError);
    await expect(finnetSignature(fields, 42 as never)).rejects.toBeInstanceOf(TypeError);
    await expect(finnetSignature(fields, 's', { hexKeyCase: 'UPPER' as never })).rejects.toBeInstanceOf(TypeError);
    const empty = await finnetSignature(fields, '').catch((e: unknown) => e);
    expect(isInputError(empty) && empty.field === 'secretKey').toBe(true);
  });
});

describe('finnetSignature: properties', () => {
  const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  const params = fc.dictionary(name, fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 8 });
  const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });

  it('equals an independent node:crypto implementation, for both key cases', async () => {
    await fc.assert(
      fc.asyncProperty(params, secret, fc.boolean(), async (p, s, upper) => {
        expect(await finnetSignature(p, s, { hexKeyCase: upper ? 'upper' : 'lower' })).toBe(reference(p, s, upper));
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order the fields were inserted in, nor on a signature field', async () => {
    await fc.assert(
      fc.asyncProperty(params, secret, fc.string(), async (p, s, sig) => {
        const reversed = Object.fromEntries(Object.entries(p).reverse());
        const withSignature = { ...p, signature: sig };
        const expected = await finnetSignature(p, s);
        expect(await finnetSignature(reversed, s)).toBe(expected);
        expect(await finnetSignature(withSignature, s)).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('sorts names by UTF-8 bytes (code points), also beyond the BMP', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareBytes(a, b))).toBe(bytes);
      }),
    );
    // U+FF5E (3 UTF-8 bytes, EF…) sorts before U+1F600 (4 bytes, F0…), unlike UTF-16 code units.
    expect(compareBytes('\uFF5E', '\u{1F600}')).toBeLessThan(0);
  });

  it('the key case matters exactly when the hex of the secret has a letter', async () => {
    await fc.assert(
      fc.asyncProperty(secret, async (s) => {
        const p = { a: 'x' };
        const same = (await finnetSignature(p, s)) === (await finnetSignature(p, s, { hexKeyCase: 'upper' }));
        expect(same).toBe(!/[a-f]/.test(hexKeyText(s, 'lower')));
      }),
      { numRuns: 100 },
    );
  });
});
