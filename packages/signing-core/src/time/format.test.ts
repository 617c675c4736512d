import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InputError, isInputError } from '../errors/errors.js';
import { type Clock, systemClock } from './clock.js';
import {
  formatCompactTimestamp,
  formatIsoTimestamp,
  formatUtcTimestamp,
  JAKARTA_OFFSET,
  parseIsoTimestamp,
  parseUtcOffset,
} from './format.js';

const HOUR = 3_600_000;
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad fixture ${iso}`);
  return ms;
};

/** Runs `fn`, expecting an `ERR_INVALID_INPUT` InputError for `field`, and returns it. */
function invalidInput(fn: () => unknown, field: string): InputError {
  try {
    fn();
  } catch (error) {
    expect(isInputError(error)).toBe(true);
    expect((error as InputError).code).toBe('ERR_INVALID_INPUT');
    expect((error as InputError).field).toBe(field);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('clock', () => {
  it('systemClock reads Date.now()', () => {
    const before = Date.now();
    const now = systemClock();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('a Clock is any function returning epoch ms', () => {
    const fixed: Clock = () => at('2024-08-21T07:27:50Z');
    expect(formatIsoTimestamp(fixed())).toBe('2024-08-21T14:27:50+07:00');
  });
});

describe('formatting: fixed vectors', () => {
  it('formats in Jakarta time by default', () => {
    const ms = at('2024-08-21T07:27:50Z');
    expect(JAKARTA_OFFSET).toBe('+07:00');
    expect(formatIsoTimestamp(ms)).toBe('2024-08-21T14:27:50+07:00');
    expect(formatIsoTimestamp(new Date(ms))).toBe('2024-08-21T14:27:50+07:00');
    expect(formatCompactTimestamp(ms)).toBe('20240821142750');
    expect(formatUtcTimestamp(ms)).toBe('2024-08-21T07:27:50Z');
  });

  it('formats the SNAP documentation examples', () => {
    expect(formatUtcTimestamp(at('2020-09-22T01:51:00Z'))).toBe('2020-09-22T01:51:00Z');
    expect(formatIsoTimestamp(at('2019-12-31T17:00:00Z'))).toBe('2020-01-01T00:00:00+07:00');
  });

  it.each([
    ['2023-12-31T17:00:00.000Z', '2024-01-01T00:00:00+07:00', '20240101000000'],
    ['2023-12-31T16:59:59.999Z', '2023-12-31T23:59:59+07:00', '20231231235959'],
    ['2024-01-31T17:00:00.000Z', '2024-02-01T00:00:00+07:00', '20240201000000'],
    ['2024-02-28T17:00:00.000Z', '2024-02-29T00:00:00+07:00', '20240229000000'],
    ['2024-02-29T17:00:00.000Z', '2024-03-01T00:00:00+07:00', '20240301000000'],
    ['2023-02-28T17:00:00.000Z', '2023-03-01T00:00:00+07:00', '20230301000000'],
    ['2000-02-28T17:00:00.000Z', '2000-02-29T00:00:00+07:00', '20000229000000'],
    ['1900-02-28T17:00:00.000Z', '1900-03-01T00:00:00+07:00', '19000301000000'],
    ['1970-01-01T00:00:00.000Z', '1970-01-01T07:00:00+07:00', '19700101070000'],
    ['1969-12-31T16:59:59.999Z', '1969-12-31T23:59:59+07:00', '19691231235959'],
  ])('%s at +07:00 is %s / %s', (utc, iso, compact) => {
    expect(formatIsoTimestamp(at(utc))).toBe(iso);
    expect(formatCompactTimestamp(at(utc))).toBe(compact);
  });

  it.each<[string | number, string, string]>([
    ['-05:00', '2023-12-31T22:00:00.000-05:00', '20231231220000'],
    [-300, '2023-12-31T22:00:00.000-05:00', '20231231220000'],
    ['-03:30', '2023-12-31T23:30:00.000-03:30', '20231231233000'],
    ['-12:00', '2023-12-31T15:00:00.000-12:00', '20231231150000'],
    ['+05:45', '2024-01-01T08:45:00.000+05:45', '20240101084500'],
    [345, '2024-01-01T08:45:00.000+05:45', '20240101084500'],
    ['+14:00', '2024-01-01T17:00:00.000+14:00', '20240101170000'],
    ['Z', '2024-01-01T03:00:00.000Z', '20240101030000'],
    ['+00:00', '2024-01-01T03:00:00.000+00:00', '20240101030000'],
    ['-00:00', '2024-01-01T03:00:00.000-00:00', '20240101030000'],
    [0, '2024-01-01T03:00:00.000+00:00', '20240101030000'],
    [-0, '2024-01-01T03:00:00.000+00:00', '20240101030000'],
    [-30, '2024-01-01T02:30:00.000-00:30', '20240101023000'],
  ])('2024-01-01T03:00:00Z at offset %j is %s', (offset, iso, compact) => {
    const ms = at('2024-01-01T03:00:00Z');
    expect(formatIsoTimestamp(ms, { offset, milliseconds: true })).toBe(iso);
    expect(formatIsoTimestamp(ms, { offset })).toBe(iso.replace('.000', ''));
    expect(formatCompactTimestamp(ms, { offset })).toBe(compact);
  });

  it('pads milliseconds to three digits and drops them without rounding otherwise', () => {
    expect(formatIsoTimestamp(at('2024-08-21T07:27:50.005Z'), { milliseconds: true })).toBe(
      '2024-08-21T14:27:50.005+07:00',
    );
    expect(formatIsoTimestamp(at('2024-08-21T07:27:50.050Z'), { milliseconds: true })).toBe(
      '2024-08-21T14:27:50.050+07:00',
    );
    expect(formatIsoTimestamp(at('2024-08-21T07:27:50.999Z'))).toBe('2024-08-21T14:27:50+07:00');
    expect(formatCompactTimestamp(at('2024-08-21T07:27:50.999Z'))).toBe('20240821142750');
    expect(formatUtcTimestamp(at('2024-08-21T07:27:50.123Z'), { milliseconds: true })).toBe('2024-08-21T07:27:50.123Z');
    expect(formatUtcTimestamp(at('2024-08-21T07:27:50.123Z'), { milliseconds: false })).toBe('2024-08-21T07:27:50Z');
  });

  it('truncates fractional epoch milliseconds like new Date(ms)', () => {
    expect(formatUtcTimestamp(1.9, { milliseconds: true })).toBe('1970-01-01T00:00:00.001Z');
    expect(formatUtcTimestamp(-0.5, { milliseconds: true })).toBe(new Date(-0.5).toISOString());
  });

  it('accepts undefined options explicitly', () => {
    expect(formatIsoTimestamp(0, { offset: undefined, milliseconds: undefined })).toBe('1970-01-01T07:00:00+07:00');
  });

  it('pads years below 1000 to four digits and supports 0000..9999', () => {
    expect(formatUtcTimestamp(at('0000-01-01T00:00:00Z'))).toBe('0000-01-01T00:00:00Z');
    expect(formatUtcTimestamp(at('0099-03-04T05:06:07Z'))).toBe('0099-03-04T05:06:07Z');
    expect(formatIsoTimestamp(at('0999-12-31T17:00:00Z'))).toBe('1000-01-01T00:00:00+07:00');
    expect(formatCompactTimestamp(at('0000-01-01T00:00:00Z'))).toBe('00000101070000');
    expect(formatUtcTimestamp(at('9999-12-31T23:59:59.999Z'), { milliseconds: true })).toBe('9999-12-31T23:59:59.999Z');
    expect(formatIsoTimestamp(at('9999-12-31T16:59:59Z'))).toBe('9999-12-31T23:59:59+07:00');
  });

  it('rejects times whose year in the requested offset is outside 0000..9999', () => {
    invalidInput(() => formatIsoTimestamp(at('9999-12-31T17:00:00Z')), 'date');
    invalidInput(() => formatCompactTimestamp(at('9999-12-31T17:00:00Z')), 'date');
    invalidInput(() => formatUtcTimestamp(at('+010000-01-01T00:00:00Z')), 'date');
    invalidInput(() => formatUtcTimestamp(at('-000001-12-31T23:59:59.999Z')), 'date');
    invalidInput(() => formatIsoTimestamp(at('0000-01-01T00:00:00Z'), { offset: '-00:01' }), 'date');
    invalidInput(() => formatUtcTimestamp(8.64e15), 'date');
    invalidInput(() => formatUtcTimestamp(Number.MAX_VALUE), 'date');
  });

  it('rejects invalid Dates, NaN and infinities', () => {
    for (const date of [new Date(Number.NaN), new Date('not a date'), Number.NaN, Number.POSITIVE_INFINITY]) {
      invalidInput(() => formatIsoTimestamp(date), 'date');
      invalidInput(() => formatUtcTimestamp(date), 'date');
      invalidInput(() => formatCompactTimestamp(date), 'date');
    }
  });

  it('throws a TypeError for something that is not a Date or a number', () => {
    expect(() => formatIsoTimestamp('2024-01-01' as unknown as Date)).toThrow(TypeError);
    expect(() => formatUtcTimestamp({ getTime: () => 0 } as unknown as Date)).toThrow(TypeError);
    expect(() => formatCompactTimestamp(null as unknown as Date)).toThrow(TypeError);
  });

  it('rejects bad offsets with field "offset"', () => {
    for (const offset of ['+07', '+0700', 'UTC+7', '+15:00', 'z', 841, 7.5, Number.NaN]) {
      invalidInput(() => formatIsoTimestamp(0, { offset }), 'offset');
      invalidInput(() => formatCompactTimestamp(0, { offset }), 'offset');
    }
  });
});

describe('parseUtcOffset', () => {
  it.each<[string | number, number]>([
    ['Z', 0],
    ['+00:00', 0],
    ['-00:00', 0],
    ['+07:00', 420],
    ['-05:30', -330],
    ['+05:45', 345],
    ['-00:01', -1],
    ['+14:00', 840],
    ['-14:00', -840],
    [420, 420],
    [-840, -840],
    [840, 840],
    [0, 0],
  ])('%j → %i', (offset, minutes) => {
    expect(parseUtcOffset(offset)).toBe(minutes);
  });

  it('normalises -0 and -00:00 to 0', () => {
    expect(Object.is(parseUtcOffset(-0), 0)).toBe(true);
    expect(Object.is(parseUtcOffset('-00:00'), 0)).toBe(true);
  });

  it.each<[string | number]>([
    [''],
    ['z'],
    ['UTC'],
    ['+7'],
    ['+07'],
    ['+0700'],
    ['07:00'],
    [' 07:00'],
    ['+07:00 '],
    ['+07:60'],
    ['+14:01'],
    ['-14:30'],
    ['+24:00'],
    ['+7:00'],
    ['+07:0a'],
    ['\u221207:00'], // Unicode minus sign
    [841],
    [-841],
    [7.5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])('rejects %j', (offset) => {
    const error = invalidInput(() => parseUtcOffset(offset), 'offset');
    if (typeof offset === 'string' && /\d/.test(offset)) expect(error.message).not.toContain(offset);
  });

  it('throws a TypeError for other types', () => {
    expect(() => parseUtcOffset(undefined as unknown as string)).toThrow(TypeError);
    expect(() => parseUtcOffset(null as unknown as string)).toThrow(TypeError);
  });
});

describe('parseIsoTimestamp', () => {
  it.each<[string, string]>([
    ['2024-08-21T14:27:50+07:00', '2024-08-21T07:27:50.000Z'],
    ['2024-08-21T14:27:50.123+07:00', '2024-08-21T07:27:50.123Z'],
    ['2024-08-21T07:27:50Z', '2024-08-21T07:27:50.000Z'],
    ['2024-08-21T07:27:50.5Z', '2024-08-21T07:27:50.500Z'],
    ['2024-08-21T07:27:50.12Z', '2024-08-21T07:27:50.120Z'],
    ['2024-08-21T07:27:50.123999999Z', '2024-08-21T07:27:50.123Z'],
    ['2024-01-01T00:00:00+07:00', '2023-12-31T17:00:00.000Z'],
    ['2023-12-31T22:00:00-05:00', '2024-01-01T03:00:00.000Z'],
    ['2024-01-01T03:00:00-00:00', '2024-01-01T03:00:00.000Z'],
    ['2024-02-29T00:00:00+07:00', '2024-02-28T17:00:00.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['0000-02-29T00:00:00Z', '0000-02-29T00:00:00.000Z'],
    ['0000-01-01T00:00:00+07:00', '-000001-12-31T17:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59-14:00', '+010000-01-01T13:59:59.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseIsoTimestamp(text)).toBe(at(iso));
  });

  it.each<[string, RegExp]>([
    ['', /20 to 35 characters/],
    ['2024-08-21T14:27:50', /20 to 35 characters/],
    ['2024-08-21T14:27:50+07:00.123456789012', /20 to 35 characters/],
    ['2024-08-21T14:27:50 ', /'.', 'Z' or an offset/],
    ['2024-08-21 14:27:50+07:00', /'T' at offset 10/],
    ['2024-08-21t14:27:50+07:00', /'T' at offset 10/],
    ['2024-08-21T14:27:50z', /'Z' or an offset/],
    ['2024-08-21T14:27:50+0700', /±HH:MM/],
    ['2024-08-21T14:27:50+07', /±HH:MM/],
    ['2024-08-21T14:27:50+07:00Z', /±HH:MM/],
    ['2024-08-21T14:27:50Z ', /end of the timestamp after 'Z'/],
    ['2024-08-21T14:27:50ZZ', /end of the timestamp after 'Z'/],
    [' 2024-08-21T14:27:50Z', /4-digit year at offset 0/],
    ['24-08-21T14:27:50+07:00', /'-' at offset 4|4-digit year/],
    ['+02024-08-21T14:27:50Z', /4-digit year/],
    ['2024/08/21T14:27:50+07:00', /'-' at offset 4/],
    ['2024-8-21T14:27:50+07:00', /2-digit month/],
    ['2024-08-21T14:27+07:00', /':' at offset 16/],
    ['2024-08-21T14:27:5a+07:00', /2-digit second/],
    ['2024-08-21T14:27:50.+07:00', /fraction digits/],
    ['2024-08-21T14:27:50.1234567890Z', /fraction digits/],
    ['2024-08-21T14:27:50,123Z', /'.', 'Z' or an offset/],
    ['2024-00-21T14:27:50Z', /month 00/],
    ['2024-13-21T14:27:50Z', /month 13/],
    ['2024-08-00T14:27:50Z', /day 00/],
    ['2024-08-32T14:27:50Z', /day 32/],
    ['2023-02-29T00:00:00Z', /day 29 does not exist in 2023-02/],
    ['2024-02-30T00:00:00Z', /day 30/],
    ['1900-02-29T00:00:00Z', /day 29/],
    ['2024-04-31T00:00:00Z', /day 31/],
    ['2024-11-31T00:00:00Z', /day 31/],
    ['2024-08-21T24:00:00Z', /hour 24/],
    ['2024-08-21T14:60:00Z', /minute 60/],
    ['2016-12-31T23:59:60Z', /second 60/],
    ['2024-08-21T14:27:50+14:01', /outside -14:00..\+14:00/],
    ['2024-08-21T14:27:50-15:00', /outside/],
    ['2024-08-21T14:27:50+07:60', /outside/],
    ['２０２４-08-21T14:27:50Z', /4-digit year/],
  ])('rejects %j', (text, message) => {
    const error = invalidInput(() => parseIsoTimestamp(text), 'timestamp');
    expect(error.message).toMatch(message);
    if (text.length > 2) expect(error.message).not.toContain(text.trim());
  });

  it('throws a TypeError for a non-string', () => {
    expect(() => parseIsoTimestamp(0 as unknown as string)).toThrow(TypeError);
  });
});

// ---- properties ---------------------------------------------------------------------------

const MIN_MS = at('0000-01-01T00:00:00Z');
const MAX_MS = at('9999-12-31T23:59:59.999Z');

/** Offsets without DST, -12:00..+14:00 in 15-minute steps, as minutes. */
const offsetMinutes = fc.integer({ min: -48, max: 56 }).map((quarters) => quarters * 15);

function renderOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** An offset option as a string or a number, with its minutes and its rendering. */
const offset = fc.tuple(offsetMinutes, fc.boolean()).map(([minutes, asString]) => ({
  minutes,
  option: asString ? renderOffset(minutes) : minutes,
  suffix: renderOffset(minutes),
}));

/** Instants whose wall-clock year is within 0000..9999 at every offset in -12:00..+14:00. */
const instant = fc.oneof(
  fc.integer({ min: MIN_MS + 12 * HOUR, max: MAX_MS - 14 * HOUR }),
  // Around midnight of year/month boundaries, where carries happen.
  fc
    .tuple(
      fc.integer({ min: 1, max: 9998 }),
      fc.integer({ min: 0, max: 11 }),
      fc.integer({ min: -15 * HOUR, max: 15 * HOUR }),
    )
    .map(([year, month, delta]) => {
      const d = new Date(0);
      d.setUTCFullYear(year, month, 1);
      return d.getTime() + delta;
    }),
  // Near the edges of the supported range.
  fc.integer({ min: MIN_MS + 12 * HOUR, max: MIN_MS + 60 * HOUR }),
  fc.integer({ min: MAX_MS - 60 * HOUR, max: MAX_MS - 14 * HOUR }),
);

/** `ms` with its milliseconds dropped (towards the past, as the formatters do). */
const wholeSeconds = (ms: number): number => ms - (((ms % 1000) + 1000) % 1000);

describe('timestamp properties', () => {
  it('parseIsoTimestamp(formatIsoTimestamp(t, { offset, milliseconds: true })) === t', () => {
    fc.assert(
      fc.property(instant, offset, (ms, { option }) => {
        expect(parseIsoTimestamp(formatIsoTimestamp(ms, { offset: option, milliseconds: true }))).toBe(ms);
        expect(parseIsoTimestamp(formatIsoTimestamp(new Date(ms), { offset: option, milliseconds: true }))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('without milliseconds, the round trip drops them', () => {
    fc.assert(
      fc.property(instant, offset, (ms, { option }) => {
        expect(parseIsoTimestamp(formatIsoTimestamp(ms, { offset: option }))).toBe(wholeSeconds(ms));
      }),
    );
  });

  it('matches new Date(t + offset).toISOString() with the offset appended', () => {
    fc.assert(
      fc.property(instant, offset, (ms, { minutes, option, suffix }) => {
        const reference = new Date(ms + minutes * 60_000).toISOString();
        expect(formatIsoTimestamp(ms, { offset: option, milliseconds: true })).toBe(reference.slice(0, 23) + suffix);
        expect(formatIsoTimestamp(ms, { offset: option })).toBe(reference.slice(0, 19) + suffix);
      }),
      { numRuns: 1000 },
    );
  });

  it('at the default +07:00, matches new Date(t + 7h).toISOString() rewritten', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const reference = new Date(ms + 7 * HOUR).toISOString();
        expect(formatIsoTimestamp(ms, { milliseconds: true })).toBe(reference.replace('Z', '+07:00'));
        expect(formatIsoTimestamp(ms)).toBe(`${reference.slice(0, 19)}+07:00`);
        expect(formatCompactTimestamp(ms)).toBe(reference.slice(0, 19).replace(/[-:T]/g, ''));
      }),
      { numRuns: 1000 },
    );
  });

  it('formatUtcTimestamp matches toISOString()', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_MS, max: MAX_MS }), (ms) => {
        const reference = new Date(ms).toISOString();
        expect(formatUtcTimestamp(ms, { milliseconds: true })).toBe(reference);
        expect(formatUtcTimestamp(ms)).toBe(`${reference.slice(0, 19)}Z`);
        expect(formatIsoTimestamp(ms, { offset: 'Z', milliseconds: true })).toBe(reference);
      }),
    );
  });

  it('the compact form is the ISO form without separators, offset and milliseconds', () => {
    fc.assert(
      fc.property(instant, offset, (ms, { option }) => {
        const iso = formatIsoTimestamp(ms, { offset: option, milliseconds: true });
        expect(formatCompactTimestamp(ms, { offset: option })).toBe(iso.slice(0, 19).replace(/[-:T]/g, ''));
        expect(formatCompactTimestamp(ms, { offset: option })).toMatch(/^\d{14}$/);
      }),
    );
  });

  it('Date.parse reads what formatIsoTimestamp writes', () => {
    fc.assert(
      fc.property(instant, offset, (ms, { option }) => {
        expect(Date.parse(formatIsoTimestamp(ms, { offset: option, milliseconds: true }))).toBe(ms);
      }),
    );
  });

  it('parseIsoTimestamp agrees with Date.parse whenever it accepts, and only throws InputError', () => {
    const digits = (count: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: count, maxLength: count });
    const candidate = fc
      .tuple(
        digits(4),
        fc.constantFrom('01', '02', '04', '12', '13', '00'),
        fc.constantFrom('01', '28', '29', '30', '31', '32'),
        fc.constantFrom('00', '07', '23', '24'),
        fc.constantFrom('00', '30', '59', '60'),
        fc.constantFrom('00', '59', '60'),
        fc.constantFrom('', '.1', '.12', '.123', '.1234', '.'),
        fc.constantFrom('Z', '+07:00', '-05:30', '+14:00', '+14:01', '-00:00', '+07:60', 'z', '+0700'),
      )
      .map(([y, mo, d, h, mi, s, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);
    fc.assert(
      fc.property(candidate, (text) => {
        let parsed: number | undefined;
        try {
          parsed = parseIsoTimestamp(text);
        } catch (error) {
          expect(isInputError(error)).toBe(true);
        }
        if (parsed !== undefined) expect(parsed).toBe(Date.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('parseIsoTimestamp only ever throws InputError for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          parseIsoTimestamp(text);
        } catch (error) {
          expect(isInputError(error)).toBe(true);
        }
      }),
    );
  });
});
