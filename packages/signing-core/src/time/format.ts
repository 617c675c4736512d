/**
 * Timestamps in a fixed UTC offset, as payment gateways put them in headers and signatures
 * (`X-TIMESTAMP: 2024-08-21T14:27:50+07:00`, `20240821142750`, `2020-09-22T01:51:00Z`).
 *
 * Offsets are fixed (no time zones, no DST) and the arithmetic uses UTC fields only: no `Intl`
 * and no local-time `Date` methods, so the result never depends on the machine's time zone.
 * Years 0000 to 9999 (proleptic Gregorian) are supported.
 */
import { InputError } from '../errors/errors.js';

/** Western Indonesia Time (WIB, Jakarta): UTC+7 all year, no DST. The default offset. */
export const JAKARTA_OFFSET = '+07:00';

/**
 * A fixed UTC offset: `'Z'`, `'±HH:MM'` (e.g. `'+07:00'`, `'-05:30'`), or minutes east of UTC
 * (e.g. `420`, `-330`), within -14:00..+14:00.
 */
export type UtcOffset = string | number;

export interface IsoTimestampOptions {
  /** Offset to render the time in. Default `'+07:00'` (Jakarta). */
  offset?: UtcOffset | undefined;
  /** Add `.SSS` milliseconds. Default `false`. */
  milliseconds?: boolean | undefined;
}

export interface UtcTimestampOptions {
  /** Add `.SSS` milliseconds. Default `false`. */
  milliseconds?: boolean | undefined;
}

export interface CompactTimestampOptions {
  /** Offset to render the time in. Default `'+07:00'` (Jakarta). */
  offset?: UtcOffset | undefined;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MAX_OFFSET_MINUTES = 14 * 60;
const TIMESTAMP_FORMAT = 'yyyy-MM-ddTHH:mm:ss[.SSS] followed by Z or ±HH:MM';

/** '00'..'99' */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

/**
 * ISO-8601 / RFC 3339 timestamp in a fixed offset, seconds precision by default:
 * `2024-08-21T14:27:50+07:00`; with `{ milliseconds: true }`: `2024-08-21T14:27:50.123+07:00`.
 *
 * The offset is rendered as given when it is a string (`'Z'` → `Z`, `'+00:00'` → `+00:00`) and
 * as `±HH:MM` when it is a number (`0` → `+00:00`). A fractional epoch number is truncated the
 * way `new Date(ms)` truncates it.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` (field `date`) for an invalid Date, NaN or ±Infinity,
 *   or a time whose year in that offset is outside 0000..9999; (field `offset`) for a bad offset.
 * @throws {TypeError} when `date` is neither a Date nor a number.
 */
export function formatIsoTimestamp(date: Date | number, options: IsoTimestampOptions = {}): string {
  const [offsetMinutes, suffix] = resolveOffset(options.offset);
  return isoLocal(shifted(date, offsetMinutes), options.milliseconds === true) + suffix;
}

/**
 * UTC timestamp with seconds precision by default: `2020-09-22T01:51:00Z`; with
 * `{ milliseconds: true }`: `2020-09-22T01:51:00.000Z`.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` (field `date`), as {@link formatIsoTimestamp}.
 * @throws {TypeError} when `date` is neither a Date nor a number.
 */
export function formatUtcTimestamp(date: Date | number, options: UtcTimestampOptions = {}): string {
  return `${isoLocal(shifted(date, 0), options.milliseconds === true)}Z`;
}

/**
 * `yyyyMMddHHmmss` in a fixed offset (default `+07:00`): `20240821142750`. Milliseconds are
 * dropped (not rounded).
 *
 * @throws {InputError} `ERR_INVALID_INPUT` (field `date` or `offset`), as {@link formatIsoTimestamp}.
 * @throws {TypeError} when `date` is neither a Date nor a number.
 */
export function formatCompactTimestamp(date: Date | number, options: CompactTimestampOptions = {}): string {
  const [offsetMinutes] = resolveOffset(options.offset);
  const d = shifted(date, offsetMinutes);
  return (
    year4(d.getUTCFullYear()) +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds())
  );
}

/**
 * Parses a UTC offset to minutes east of UTC: `'Z'` → `0`, `'+07:00'` → `420`,
 * `'-05:30'` → `-330`, and a whole number of minutes is returned as is (`-0` as `0`).
 *
 * Only `Z` and `±HH:MM` are accepted (not `z`, `+0700`, `+07` or `UTC+7`), within
 * -14:00..+14:00. `-00:00` is accepted and means `0`.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` (field `offset`) for anything else.
 * @throws {TypeError} when `offset` is neither a string nor a number.
 */
export function parseUtcOffset(offset: string | number): number {
  if (typeof offset === 'number') {
    if (!Number.isInteger(offset) || Math.abs(offset) > MAX_OFFSET_MINUTES) {
      throw badInput(
        'offset',
        `Invalid UTC offset: expected a whole number of minutes between -${MAX_OFFSET_MINUTES} and ${MAX_OFFSET_MINUTES}`,
      );
    }
    return offset === 0 ? 0 : offset;
  }
  if (typeof offset !== 'string') {
    throw new TypeError(
      `[@org/signing-core] parseUtcOffset: expected a string or a number, received ${typeOf(offset)}`,
    );
  }
  const minutes = offset === 'Z' ? 0 : offset.length === 6 ? scanOffset(offset, 0) : Number.NaN;
  if (!Number.isFinite(minutes)) {
    throw badInput('offset', "Invalid UTC offset: expected 'Z' or ±HH:MM between -14:00 and +14:00");
  }
  return minutes;
}

/**
 * Parses a strict ISO-8601 / RFC 3339 timestamp with a mandatory offset and returns epoch
 * milliseconds: `2024-08-21T14:27:50+07:00`, `2024-08-21T14:27:50.123+07:00`,
 * `2020-09-22T01:51:00Z`.
 *
 * Accepted: a 4-digit year, `-`, 2-digit month and day, an uppercase `T`, `HH:mm:ss`, an optional
 * fraction of 1 to 9 digits (digits beyond milliseconds are truncated), then `Z` or `±HH:MM`
 * within -14:00..+14:00. Month, day (leap years included), hour 00-23, minute and second 00-59
 * are range-checked; leap second `60` and `24:00:00` are rejected. Stricter than `Date.parse`,
 * which accepts e.g. `2023-02-31`.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` (field `timestamp`) saying which part is wrong; the
 *   message never repeats the input.
 * @throws {TypeError} when `text` is not a string.
 */
export function parseIsoTimestamp(text: string): number {
  if (typeof text !== 'string') {
    throw new TypeError(`[@org/signing-core] parseIsoTimestamp: expected a string, received ${typeOf(text)}`);
  }
  const n = text.length;
  // Shortest: 2024-08-21T14:27:50Z (20). Longest: 9 fraction digits and ±HH:MM (35).
  if (n < 20 || n > 35) {
    throw badTimestamp(`expected 20 to 35 characters, got ${n}`);
  }
  const year = digitsAt(text, 0, 4, 'a 4-digit year');
  expectChar(text, 4, '-');
  const month = digitsAt(text, 5, 2, 'a 2-digit month');
  expectChar(text, 7, '-');
  const day = digitsAt(text, 8, 2, 'a 2-digit day');
  expectChar(text, 10, 'T');
  const hour = digitsAt(text, 11, 2, 'a 2-digit hour');
  expectChar(text, 13, ':');
  const minute = digitsAt(text, 14, 2, 'a 2-digit minute');
  expectChar(text, 16, ':');
  const second = digitsAt(text, 17, 2, 'a 2-digit second');

  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === 0x2e) {
    // '.' then 1..9 digits; keep the first three as milliseconds.
    const start = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    const count = i - start;
    if (count === 0 || count > 9) {
      throw badTimestamp(`expected 1 to 9 fraction digits after '.' at offset ${start - 1}`);
    }
    for (let k = 0; k < 3; k++) {
      millis = millis * 10 + (k < count ? text.charCodeAt(start + k) - 0x30 : 0);
    }
  }

  let offsetMinutes: number;
  const zone = text.charCodeAt(i);
  if (zone === 0x5a /* Z */) {
    if (i + 1 !== n) throw badTimestamp(`expected the end of the timestamp after 'Z' at offset ${i + 1}`);
    offsetMinutes = 0;
  } else if (zone === 0x2b /* + */ || zone === 0x2d /* - */) {
    offsetMinutes = i + 6 === n ? scanOffset(text, i) : Number.NaN;
    if (Number.isNaN(offsetMinutes)) {
      throw badTimestamp(`expected an offset ±HH:MM (and nothing after it) at offset ${i}`);
    }
    if (offsetMinutes === Number.POSITIVE_INFINITY) {
      throw badTimestamp(`the UTC offset at offset ${i} is outside -14:00..+14:00`);
    }
  } else {
    throw badTimestamp(`expected ${i === 19 ? "'.', " : ''}'Z' or an offset ±HH:MM at offset ${i}`);
  }

  if (month < 1 || month > 12) throw badTimestamp(`month ${TWO_DIGITS[month]} is not in 01..12`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw badTimestamp(`day ${TWO_DIGITS[day]} does not exist in ${year4(year)}-${TWO_DIGITS[month]}`);
  }
  if (hour > 23) throw badTimestamp(`hour ${TWO_DIGITS[hour]} is not in 00..23`);
  if (minute > 59) throw badTimestamp(`minute ${TWO_DIGITS[minute]} is not in 00..59`);
  if (second > 59) throw badTimestamp(`second ${TWO_DIGITS[second]} is not in 00..59`);

  const localMs = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return localMs - offsetMinutes * MINUTE_MS;
}

/** Minutes east of UTC for the `±HH:MM` at `start`: NaN when malformed, +Infinity when out of range. */
function scanOffset(text: string, start: number): number {
  const sign = text.charCodeAt(start);
  if (
    (sign !== 0x2b && sign !== 0x2d) ||
    text.charCodeAt(start + 3) !== 0x3a ||
    !isDigit(text.charCodeAt(start + 1)) ||
    !isDigit(text.charCodeAt(start + 2)) ||
    !isDigit(text.charCodeAt(start + 4)) ||
    !isDigit(text.charCodeAt(start + 5))
  ) {
    return Number.NaN;
  }
  const hours = (text.charCodeAt(start + 1) - 0x30) * 10 + (text.charCodeAt(start + 2) - 0x30);
  const minutes = (text.charCodeAt(start + 4) - 0x30) * 10 + (text.charCodeAt(start + 5) - 0x30);
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > MAX_OFFSET_MINUTES) return Number.POSITIVE_INFINITY;
  return sign === 0x2d && total !== 0 ? -total : total;
}

/** [minutes east of UTC, rendered suffix] for an offset option. */
function resolveOffset(offset: UtcOffset | undefined): [number, string] {
  if (offset === undefined) return [420, JAKARTA_OFFSET];
  const minutes = parseUtcOffset(offset);
  if (typeof offset === 'string') return [minutes, offset];
  const abs = Math.abs(minutes);
  return [minutes, `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`];
}

/** A Date whose UTC fields are the wall-clock fields at `offsetMinutes`, year-checked. */
function shifted(date: Date | number, offsetMinutes: number): Date {
  let ms: number;
  if (typeof date === 'number') {
    ms = date;
  } else {
    try {
      // Works for Dates from other realms too; throws a TypeError for anything else.
      ms = Date.prototype.getTime.call(date);
    } catch {
      throw new TypeError(`[@org/signing-core] expected a Date or epoch milliseconds, received ${typeOf(date)}`);
    }
  }
  if (!Number.isFinite(ms)) {
    throw badInput(
      'date',
      'Invalid date: expected a valid Date or finite epoch milliseconds, got an invalid Date or NaN',
    );
  }
  const d = new Date(Math.trunc(ms) + offsetMinutes * MINUTE_MS);
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) {
    throw badInput('date', 'Invalid date: only the years 0000 to 9999 can be formatted (in the requested offset)');
  }
  return d;
}

/** `yyyy-MM-ddTHH:mm:ss[.SSS]` from the UTC fields of `d`. */
function isoLocal(d: Date, milliseconds: boolean): string {
  const base = `${year4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(
    d.getUTCHours(),
  )}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  if (!milliseconds) return base;
  const ms = d.getUTCMilliseconds();
  return `${base}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digitsAt(text: string, start: number, count: number, expected: string): number {
  let value = 0;
  for (let k = start; k < start + count; k++) {
    const c = text.charCodeAt(k);
    if (!isDigit(c)) throw badTimestamp(`expected ${expected} at offset ${start}`);
    value = value * 10 + (c - 0x30);
  }
  return value;
}

function expectChar(text: string, index: number, char: string): void {
  if (text.charCodeAt(index) !== char.charCodeAt(0)) {
    throw badTimestamp(`expected '${char}' at offset ${index}`);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function pad2(n: number): string {
  return TWO_DIGITS[n] as string;
}

function year4(year: number): string {
  return year >= 1000 ? `${year}` : `${year}`.padStart(4, '0');
}

function badTimestamp(description: string): InputError {
  return badInput('timestamp', `Invalid timestamp (${TIMESTAMP_FORMAT}): ${description}`);
}

function badInput(field: string, message: string): InputError {
  return new InputError('ERR_INVALID_INPUT', message, { field });
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
