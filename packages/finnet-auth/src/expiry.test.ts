import { isInputError } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINNET_EXPIRY_FORMAT, formatFinnetExpiry, parseFinnetExpiry } from './protocol/expiry.js';

function failure(text: string) {
  try {
    parseFinnetExpiry(text);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseFinnetExpiry', () => {
  it("reads the documentation's sample as GMT+7", () => {
    expect(parseFinnetExpiry('24-AUG-24 16:23:30').toISOString()).toBe('2024-08-24T09:23:30.000Z');
  });

  it.each([
    ['01-JAN-25 06:59:59', '2024-12-31T23:59:59.000Z'], // previous year in UTC
    ['01-JAN-25 07:00:00', '2025-01-01T00:00:00.000Z'],
    ['01-MAR-24 00:00:00', '2024-02-29T17:00:00.000Z'], // previous month, leap day
    ['29-FEB-24 23:59:59', '2024-02-29T16:59:59.000Z'],
    ['31-DEC-99 23:59:59', '2099-12-31T16:59:59.000Z'],
    ['01-JAN-00 00:00:00', '1999-12-31T17:00:00.000Z'],
    ['15-aug-24 10:00:00', '2024-08-15T03:00:00.000Z'], // month in any letter case
  ])('%s → %s (day, month and year boundaries)', (text, iso) => {
    expect(parseFinnetExpiry(text).toISOString()).toBe(iso);
  });

  it.each([
    ['', 'expected 18 characters, got 0'],
    ['24-AUG-2024 16:23:30', 'expected 18 characters'],
    ['2024-08-24 16:23:30', 'expected 18 characters'],
    ['24/AUG/24 16:23:30', 'after the day'],
    ['24-AGU-24 16:23:30', 'month abbreviation'], // Indonesian "Agustus" abbreviation
    ['24-AUG-24T16:23:30', 'between the date and the time'],
    ['32-JAN-24 00:00:00', 'does not exist'],
    ['29-FEB-23 00:00:00', 'does not exist'],
    ['00-JAN-24 00:00:00', 'does not exist'],
    ['24-AUG-24 24:00:00', 'hour must be 00 to 23'],
    ['24-AUG-24 16:60:00', 'minutes must be 00 to 59'],
    ['24-AUG-24 16:23:60', 'seconds must be 00 to 59'],
    ['2a-AUG-24 16:23:30', 'the day as 2 digits'],
    ['24-AUG-24 16.23.30', 'after the hour'],
  ])('rejects %j with a typed error quoting the expected format', (text, problem) => {
    const error = failure(text);
    expect(isInputError(error)).toBe(true);
    if (!isInputError(error)) return;
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.field).toBe('tokenExpiry');
    expect(error.provider).toBe('finnet');
    expect(error.message).toContain(FINNET_EXPIRY_FORMAT);
    expect(error.message).toContain('DD-MMM-YY HH24:MI:SS');
    expect(error.message).toContain(problem);
  });

  it('throws TypeError for a non-string', () => {
    expect(() => parseFinnetExpiry(1724491410 as never)).toThrow(TypeError);
    expect(() => parseFinnetExpiry(null as never)).toThrow(TypeError);
  });

  it('never repeats the input in its error', () => {
    fc.assert(
      // '§' never occurs in a message, so a message containing the input would be a leak.
      fc.property(fc.string({ minLength: 4 }), (tail) => {
        const text = `§${tail}`;
        const error = failure(text);
        expect(isInputError(error)).toBe(true);
        expect((error as Error).message).not.toContain('§');
      }),
    );
  });
});

describe('formatFinnetExpiry (used by the sandbox)', () => {
  it('formats the sample back', () => {
    expect(formatFinnetExpiry(Date.parse('2024-08-24T09:23:30.999Z'))).toBe('24-AUG-24 16:23:30');
  });

  it('refuses years it cannot write with two digits', () => {
    expect(() => formatFinnetExpiry(Date.parse('2100-01-01T00:00:00Z'))).toThrow(RangeError);
    expect(() => formatFinnetExpiry(Number.NaN)).toThrow(RangeError);
  });

  it('draws the line at 2000-01-01 00:00:00 and 2099-12-31 23:59:59 GMT+7, to the millisecond', () => {
    const first = Date.parse('1999-12-31T17:00:00Z');
    const after = Date.parse('2099-12-31T17:00:00Z');
    expect(formatFinnetExpiry(first)).toBe('01-JAN-00 00:00:00');
    expect(formatFinnetExpiry(new Date(after - 1))).toBe('31-DEC-99 23:59:59');
    expect(() => formatFinnetExpiry(first - 1)).toThrow(RangeError);
    expect(() => formatFinnetExpiry(after)).toThrow(RangeError);
    expect(() => formatFinnetExpiry(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('round-trips with parseFinnetExpiry for every second of 2000–2099 (GMT+7)', () => {
    const from = Date.parse('1999-12-31T17:00:00Z');
    const to = Date.parse('2099-12-31T16:59:59Z');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (ms) => {
        const text = formatFinnetExpiry(ms);
        expect(text).toMatch(/^\d{2}-[A-Z]{3}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(parseFinnetExpiry(text).getTime()).toBe(Math.floor(ms / 1000) * 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('only accepts what it would produce (strict parser): any accepted text formats back to itself', () => {
    const month = fc.constantFrom('JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC');
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(two, month, two, two, two, two, (d, m, y, h, mi, s) => {
        const text = `${d}-${m}-${y} ${h}:${mi}:${s}`;
        let parsed: Date | undefined;
        try {
          parsed = parseFinnetExpiry(text);
        } catch (error) {
          expect(isInputError(error)).toBe(true);
          return;
        }
        expect(formatFinnetExpiry(parsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
