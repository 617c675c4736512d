import { createHash } from 'node:crypto';
import { isInputError, Secret } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classicSignatureVector } from './__fixtures__/vectors.js';
import {
  type FondyParams,
  fondySdkSignature,
  fondySignature,
  fondySigningString,
  verifyFondySignature,
} from './protocol/payment-signature.js';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/** An independent reference of the documented formula, `key + "|" + join("|", values)` (strings and numbers only). */
function reference(params: Record<string, string | number | null | undefined>, key: string): string {
  const values = Object.keys(params)
    .filter((name) => name !== 'signature' && name !== 'response_signature_string')
    .sort()
    .map((name) => params[name])
    .filter((value) => value !== undefined && value !== null && value !== '')
    .map(String);
  return sha1(`${key}|${values.join('|')}`);
}

const docParams = classicSignatureVector.params;

describe('fondySignature (classic protocol 1.0)', () => {
  it('matches the documented vector: test|125|USD|1396424|test order|test123456 (not the doc typo)', async () => {
    const vector = classicSignatureVector;
    expect(sha1(`${vector.paymentKey}|${vector.signingString}`)).toBe(vector.signature);
    expect(fondySigningString(docParams)).toBe(vector.signingString);
    const signature = await fondySignature(docParams, vector.paymentKey);
    expect(signature).toBe(vector.signature);
    expect(signature).not.toBe(vector.docTypo);
    // Numbers are signed as String(n): the same request with string values signs the same.
    await expect(fondySignature({ ...docParams, amount: '125', merchant_id: '1396424' }, 'test')).resolves.toBe(
      signature,
    );
  });

  it('sorts by parameter name, whatever the insertion order', async () => {
    const a = await fondySignature({ b: '2', a: '1', c: '3' }, 'key');
    const b = await fondySignature({ c: '3', a: '1', b: '2' }, 'key');
    expect(a).toBe(b);
    expect(a).toBe(sha1('key|1|2|3'));
    // Byte order for ASCII names: upper case before '_' before lower case; 'a' before 'a_b' before 'ab'.
    expect(fondySigningString({ ab: '4', a_b: '3', a: '2', Z: '1' })).toBe('1|2|3|4');
  });

  it('skips empty values (undefined, null, "") but signs "0", 0 and whitespace', async () => {
    expect(fondySigningString({ a: 'x', b: '', c: null, d: undefined, e: 'y' })).toBe('x|y');
    expect(fondySigningString({ a: '0', b: 0, c: ' ', d: -0 })).toBe('0|0| |0');
    await expect(fondySignature({ a: 'x', b: '', c: null, e: 'y' }, 'k')).resolves.toBe(sha1('k|x|y'));
  });

  it('signs `paymentKey|` when no value is left (the documented formula, as the Node SDK)', async () => {
    await expect(fondySignature({ a: '', signature: 'x' }, 'k')).resolves.toBe(sha1('k|'));
  });

  it('never signs signature or response_signature_string', async () => {
    const base = { order_id: 'o-1', merchant_id: 1396424 };
    const plain = await fondySignature(base, 'k');
    await expect(
      fondySignature({ ...base, signature: 'abc', response_signature_string: '**|1396424|o-1' }, 'k'),
    ).resolves.toBe(plain);
  });

  it('stringifies numbers as JavaScript String(n)', () => {
    expect(fondySigningString({ a: 10.5, b: 1e21, c: 0.1 + 0.2, d: -3, e: 100 })).toBe(
      '10.5|1e+21|0.30000000000000004|-3|100',
    );
  });

  it('hashes non-ASCII values as UTF-8', async () => {
    const params = { order_desc: 'Оплата замовлення №5 — café ☕ 🧾', order_id: 'ід-1', merchant_id: 1396424 };
    const signature = await fondySignature(params, 'ключ');
    expect(signature).toBe(sha1('ключ|1396424|Оплата замовлення №5 — café ☕ 🧾|ід-1'));
    await expect(verifyFondySignature({ ...params, signature }, 'ключ')).resolves.toBe(true);
  });

  it('refuses booleans, bigints, nested objects, arrays and non-finite numbers with InputError naming the parameter', async () => {
    const bad: Record<string, unknown>[] = [
      { flag: true },
      { flag: false },
      { big: 10n },
      { nested: { a: 1 } },
      { list: ['a'] },
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
    ];
    for (const params of bad) {
      const name = Object.keys(params)[0] as string;
      const error = await fondySignature({ order_id: 'x', ...params } as never, 'k').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isInputError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_INVALID_INPUT', field: `params.${name}`, provider: 'fondy' });
      expect((error as Error).message).toContain(`parameter "${name}"`);
    }
    // An empty value is skipped before its type matters.
    expect(fondySigningString({ a: 'x', b: null })).toBe('x');
  });

  it('accepts URLSearchParams (form-encoded callbacks) and refuses repeated names', async () => {
    const form = new URLSearchParams(
      'order_id=test123456&order_desc=test+order&currency=USD&amount=125&merchant_id=1396424',
    );
    await expect(fondySignature(form, 'test')).resolves.toBe(classicSignatureVector.signature);
    const error = await fondySignature(new URLSearchParams('a=1&a=2'), 'k').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'params.a' });
  });

  it('signs a form field named __proto__ (and constructor, toString) like any other field', async () => {
    const form = new URLSearchParams('order_id=o-1&__proto__=evil&constructor=c&toString=t&amount=5');
    // Sorted by name: __proto__, amount, constructor, order_id, toString.
    expect(fondySigningString(form)).toBe('evil|5|c|o-1|t');
    const signature = await fondySignature(form, 'k');
    expect(signature).toBe(sha1('k|evil|5|c|o-1|t'));
    form.set('signature', signature);
    await expect(verifyFondySignature(form, 'k')).resolves.toBe(true);
    // Changing the __proto__ value breaks the signature: it is signed, not dropped.
    form.set('__proto__', 'other');
    await expect(verifyFondySignature(form, 'k')).resolves.toBe(false);
    // A repeated __proto__ is refused like any repeated name.
    await expect(fondySignature(new URLSearchParams('__proto__=1&__proto__=2'), 'k')).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      field: 'params.__proto__',
    });
  });

  it('refuses a value with a lone UTF-16 surrogate instead of signing U+FFFD (two values would sign alike)', async () => {
    for (const value of ['\u{d800}', 'x\u{dbff}', '\u{dc00}y']) {
      await expect(fondySignature({ order_id: value }, 'k')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
      // Verifying answers false: such text has no UTF-8 form, so nothing was signed over it.
      await expect(verifyFondySignature({ order_id: value, signature: sha1('k|\u{fffd}') }, 'k')).resolves.toBe(false);
    }
    // Form data holds none: URLSearchParams turns a lone surrogate into U+FFFD itself.
    await expect(fondySignature(new URLSearchParams({ a: '\u{d800}' }), 'k')).resolves.toBe(sha1('k|\u{fffd}'));
  });

  it('throws TypeError for a non-object params or a non-string key, InputError for an empty key', async () => {
    await expect(fondySignature(null as never, 'k')).rejects.toThrow(TypeError);
    await expect(fondySignature(['a'] as never, 'k')).rejects.toThrow(TypeError);
    await expect(fondySignature({ a: '1' }, 42 as never)).rejects.toThrow(TypeError);
    await expect(fondySignature({ a: '1' }, '')).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      field: 'paymentKey',
    });
    await expect(fondySignature({ a: '1' }, new Secret('k'))).resolves.toBe(sha1('k|1'));
  });

  it('equals an independent implementation of the rule for any parameters (property)', async () => {
    const value = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), value, { maxKeys: 12 }),
        fc.string({ minLength: 1 }),
        async (params, key) => {
          expect(await fondySignature(params as FondyParams, key)).toBe(reference(params, key));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('signatures verify, and any change to a signed value or the key breaks them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ minLength: 1, unit: 'grapheme' }), {
          minKeys: 1,
          maxKeys: 8,
        }),
        fc.string({ minLength: 1 }),
        fc.nat(),
        async (params, key, pick) => {
          const signature = await fondySignature(params, key);
          expect(await verifyFondySignature({ ...params, signature }, key)).toBe(true);
          expect(await verifyFondySignature({ ...params, signature: signature.toUpperCase() }, key)).toBe(true);
          const names = Object.keys(params).filter((n) => n !== 'signature' && n !== 'response_signature_string');
          if (names.length === 0) return;
          const name = names[pick % names.length] as string;
          expect(await verifyFondySignature({ ...params, [name]: `${params[name]}x`, signature }, key)).toBe(false);
          expect(await verifyFondySignature({ ...params, signature }, `${key}x`)).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('verifyFondySignature', () => {
  const callback = {
    order_id: 'test123456',
    order_status: 'approved',
    amount: '125',
    currency: 'USD',
    merchant_id: 1396424,
    payment_id: 80383541,
    reversal_amount: '0',
    parent_order_id: '',
    response_signature_string: '**********|125|USD|1396424|test123456|approved|80383541|0',
  };

  it('accepts a callback signed by the rule (numbers as parsed from JSON) and rejects tampering', async () => {
    const signature = sha1('test|125|USD|1396424|test123456|approved|80383541|0');
    await expect(verifyFondySignature({ ...callback, signature }, 'test')).resolves.toBe(true);
    await expect(verifyFondySignature({ ...callback, amount: '1250', signature }, 'test')).resolves.toBe(false);
    await expect(verifyFondySignature({ ...callback, signature }, 'other-key')).resolves.toBe(false);
    // The values of response_signature_string match what was signed (without the key).
    expect(`**********|${fondySigningString(callback)}`).toBe(callback.response_signature_string);
  });

  it('resolves false for a missing, empty, short or non-string signature', async () => {
    for (const signature of [undefined, '', 'abc', 123, 'z'.repeat(40)]) {
      await expect(verifyFondySignature({ ...callback, signature }, 'test')).resolves.toBe(false);
    }
  });

  it('answers false, never throws, for a value the rule cannot sign (instead of guessing how it was signed)', async () => {
    const values = [{ card: 'x' }, ['a', 'b'], true, false, 10n, Number.NaN, Number.POSITIVE_INFINITY];
    for (const value of values) {
      const params = { ...callback, additional_info: value };
      // Even a signature over what an SDK would have signed for it is not accepted.
      const signature = await fondySdkSignature(params, 'test', 'node');
      await expect(verifyFondySignature({ ...params, signature }, 'test')).resolves.toBe(false);
    }
    // Signing the same parameters still refuses them.
    await expect(fondySignature({ ...callback, additional_info: true } as never, 'test')).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      field: 'params.additional_info',
    });
  });

  it('answers false for a form field repeated under one name; still throws for misuse', async () => {
    await expect(verifyFondySignature(new URLSearchParams('a=1&a=2&signature=x'), 'k')).resolves.toBe(false);
    await expect(verifyFondySignature(null as never, 'k')).rejects.toThrow(TypeError);
    await expect(verifyFondySignature({ a: '1' }, '')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });
});
