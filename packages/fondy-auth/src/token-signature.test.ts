import { createHash } from 'node:crypto';
import { isInputError, Secret } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenSignatureVector } from './__fixtures__/vectors.js';
import { fondyTokenSignature } from './protocol/token-signature.js';

const reference = (secretKey: string, applicationId: string, date: string) =>
  createHash('sha512').update(`${secretKey}|${applicationId}|${date}`, 'utf8').digest('hex');

async function inputErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isInputError(error)).toBe(true);
  return error as { code: string; field: string; message: string; provider: string };
}

describe('fondyTokenSignature', () => {
  it('matches the [SELF] vector of the spec (§4.1)', async () => {
    const { signature, ...input } = tokenSignatureVector;
    await expect(fondyTokenSignature(input)).resolves.toBe(signature);
    expect(reference(input.secretKey, input.applicationId, input.date)).toBe(signature);
  });

  it('signs a numeric applicationId as its decimal string, and accepts a Secret', async () => {
    const expected = reference('secret-key', '1234', '1586171872');
    await expect(
      fondyTokenSignature({ secretKey: 'secret-key', applicationId: 1234, date: '1586171872' }),
    ).resolves.toBe(expected);
    await expect(
      fondyTokenSignature({ secretKey: new Secret('secret-key'), applicationId: '1234', date: '1586171872' }),
    ).resolves.toBe(expected);
  });

  it('hashes UTF-8 (non-ASCII key and date)', async () => {
    const secretKey = 'ключ-секрет-€-🔑';
    const date = 'п’ятниця, 6 квітня 2020 р. 11:15:27 — 🕚';
    const signature = await fondyTokenSignature({ secretKey, applicationId: '7', date });
    expect(signature).toBe(reference(secretKey, '7', date));
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
  });

  it('equals an independent SHA-512 for any input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, unit: 'binary' }),
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
        fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
        async (secretKey, applicationId, date) => {
          const signature = await fondyTokenSignature({ secretKey, applicationId, date });
          expect(signature).toBe(reference(secretKey, applicationId, date));
          expect(signature).toMatch(/^[0-9a-f]{128}$/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('enforces applicationId ≤ 20 characters with a clear typed error', async () => {
    await expect(
      fondyTokenSignature({ secretKey: 'k', applicationId: 'a'.repeat(20), date: 'd' }),
    ).resolves.toHaveLength(128);
    const error = await inputErrorOf(fondyTokenSignature({ secretKey: 'k', applicationId: 'a'.repeat(21), date: 'd' }));
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.field).toBe('applicationId');
    expect(error.provider).toBe('fondy');
    expect(error.message).toBe('fondyTokenSignature: applicationId is 21 characters long; Fondy accepts at most 20');
    // 123456789012345678901 (21 digits) is not a safe integer; a 21-digit string is too long.
    expect(
      (await inputErrorOf(fondyTokenSignature({ secretKey: 'k', applicationId: '1'.repeat(21), date: 'd' }))).field,
    ).toBe('applicationId');
  });

  it('enforces date ≤ 1024 characters (counted as characters, not bytes)', async () => {
    await expect(
      fondyTokenSignature({ secretKey: 'k', applicationId: '1', date: 'x'.repeat(1024) }),
    ).resolves.toHaveLength(128);
    await expect(
      fondyTokenSignature({ secretKey: 'k', applicationId: '1', date: '🕚'.repeat(1024) }),
    ).resolves.toHaveLength(128);
    const error = await inputErrorOf(
      fondyTokenSignature({ secretKey: 'k', applicationId: '1', date: 'x'.repeat(1025) }),
    );
    expect(error.field).toBe('date');
    expect(error.message).toBe('fondyTokenSignature: date is 1025 characters long; Fondy accepts at most 1024');
  });

  it('refuses empty or mistyped fields with InputError naming the field, and a non-object with TypeError', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ secretKey: '', applicationId: '1', date: 'd' }, 'secretKey'],
      [{ secretKey: 42, applicationId: '1', date: 'd' }, 'secretKey'],
      [{ secretKey: 'k', applicationId: '', date: 'd' }, 'applicationId'],
      [{ secretKey: 'k', applicationId: '  ', date: 'd' }, 'applicationId'],
      [{ secretKey: 'k', applicationId: 1.5, date: 'd' }, 'applicationId'],
      [{ secretKey: 'k', applicationId: -1, date: 'd' }, 'applicationId'],
      [{ secretKey: 'k', applicationId: null, date: 'd' }, 'applicationId'],
      [{ secretKey: 'k', applicationId: '1', date: '' }, 'date'],
      [{ secretKey: 'k', applicationId: '1', date: 1586171872 }, 'date'],
    ];
    for (const [input, field] of cases) {
      const error = await inputErrorOf(fondyTokenSignature(input as never));
      expect(error.field).toBe(field);
    }
    await expect(fondyTokenSignature(null as never)).rejects.toThrow(TypeError);
    await expect(fondyTokenSignature('secret' as never)).rejects.toThrow(
      'fondyTokenSignature: expected an object { secretKey, applicationId, date }, received a string',
    );
  });
});
