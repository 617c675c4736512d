import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFondyDate } from './protocol/date-format.js';

describe('formatFondyDate', () => {
  it('formats UTC as YYYY-MM-DD HH:mm:ss, like the documentation example', () => {
    expect(formatFondyDate(new Date('2020-04-06T11:15:27.999Z'))).toBe('2020-04-06 11:15:27');
    expect(formatFondyDate(new Date('1999-12-31T23:59:59+07:00'))).toBe('1999-12-31 16:59:59');
  });

  it('is the ISO UTC time with a space and without milliseconds, for any date (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          const text = formatFondyDate(date);
          expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
          expect(text).toBe(date.toISOString().slice(0, 19).replace('T', ' '));
        },
      ),
    );
  });
});
