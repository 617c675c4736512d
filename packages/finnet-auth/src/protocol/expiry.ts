/**
 * Finnet's `tokenExpiry`: Oracle-style `DD-MMM-YY HH24:MI:SS` (`24-AUG-24 16:23:30`), an English
 * three-letter month, a two-digit year. The documentation gives no time zone; like `reqDtime`
 * (documented as GMT+7) it is read as GMT+7 (Jakarta, no DST).
 */
import { formatCompactTimestamp, InputError, JAKARTA_OFFSET, parseUtcOffset } from '@org/signing-core';
import { PROVIDER } from './provider.js';

/** The expected format, quoted in every parse error. */
export const FINNET_EXPIRY_FORMAT = 'DD-MMM-YY HH24:MI:SS (e.g. 24-AUG-24 16:23:30, GMT+7)';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const GMT7_MS = parseUtcOffset(JAKARTA_OFFSET) * 60_000;
/** The years a two-digit `tokenExpiry` can name: 2000-01-01 00:00 to 2099-12-31 23:59:59 in GMT+7. */
const FIRST_TWO_DIGIT_YEAR_MS = Date.UTC(2000, 0, 1) - GMT7_MS;
const AFTER_TWO_DIGIT_YEARS_MS = Date.UTC(2100, 0, 1) - GMT7_MS;

function invalid(problem: string): InputError {
  return new InputError(
    'ERR_INVALID_INPUT',
    `tokenExpiry is not in the expected format ${FINNET_EXPIRY_FORMAT}: ${problem}`,
    { field: 'tokenExpiry' },
    { provider: PROVIDER },
  );
}

function digits(text: string, start: number, what: string): number {
  const a = text.charCodeAt(start) - 48;
  const b = text.charCodeAt(start + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) throw invalid(`expected ${what} as 2 digits`);
  return a * 10 + b;
}

function separator(text: string, at: number, char: string, what: string): void {
  if (text[at] !== char) throw invalid(`expected "${char}" ${what}`);
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * Parses Finnet's `tokenExpiry` (`DD-MMM-YY HH24:MI:SS`, read as GMT+7) to a `Date`.
 * `'24-AUG-24 16:23:30'` → `2024-08-24T09:23:30.000Z`.
 *
 * Strict: exactly 18 characters; day checked against the month (leap years included); an English
 * month abbreviation in any letter case; a two-digit year meaning 2000–2099; hour 00–23,
 * minute and second 00–59. The error never repeats the input.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` (field `tokenExpiry`) quoting the expected format.
 * @throws {TypeError} when `text` is not a string.
 */
export function parseFinnetExpiry(text: string): Date {
  if (typeof text !== 'string') {
    throw new TypeError(
      `[@org/finnet-auth] parseFinnetExpiry: expected a string, received ${text === null ? 'null' : typeof text}`,
    );
  }
  if (text.length !== 18) throw invalid(`expected 18 characters, got ${text.length}`);
  const day = digits(text, 0, 'the day');
  separator(text, 2, '-', 'after the day');
  const month = MONTHS.indexOf(text.slice(3, 6).toUpperCase() as (typeof MONTHS)[number]);
  if (month < 0) throw invalid('expected an English month abbreviation (JAN to DEC)');
  separator(text, 6, '-', 'after the month');
  const year = 2000 + digits(text, 7, 'the year');
  separator(text, 9, ' ', 'between the date and the time');
  const hour = digits(text, 10, 'the hour');
  separator(text, 12, ':', 'after the hour');
  const minute = digits(text, 13, 'the minutes');
  separator(text, 15, ':', 'after the minutes');
  const second = digits(text, 16, 'the seconds');
  if (day < 1 || day > daysInMonth(year, month)) throw invalid('the day does not exist in that month');
  if (hour > 23) throw invalid('the hour must be 00 to 23');
  if (minute > 59) throw invalid('the minutes must be 00 to 59');
  if (second > 59) throw invalid('the seconds must be 00 to 59');
  return new Date(Date.UTC(year, month, day, hour, minute, second) - GMT7_MS);
}

/**
 * Formats a time as Finnet's `tokenExpiry` in GMT+7 (seconds truncated). Used by the sandbox.
 * Years outside 2000–2099 cannot be written with two digits.
 */
export function formatFinnetExpiry(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  if (!(ms >= FIRST_TWO_DIGIT_YEAR_MS && ms < AFTER_TWO_DIGIT_YEARS_MS)) {
    throw new RangeError('formatFinnetExpiry: the time must fall in the years 2000 to 2099 (GMT+7)');
  }
  const compact = formatCompactTimestamp(ms, { offset: JAKARTA_OFFSET }); // yyyyMMddHHmmss
  const part = (start: number) => compact.slice(start, start + 2);
  return `${part(6)}-${MONTHS[Number(part(4)) - 1]}-${part(2)} ${part(8)}:${part(10)}:${part(12)}`;
}
