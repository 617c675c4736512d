/**
 * X-EXTERNAL-ID: the call's reference, "unique in the same day" (protocols.md §2.3; providers
 * answer `409xx00 Conflict` to a repeat). Most providers take up to 36 characters; some take
 * fixed lengths on some services (BRI: 9 or 12 digits on a few, 36 elsewhere), so the rule is
 * part of the profile: `{ lengths?, maxLength?, charset? }`.
 *
 * The default generator obeys the rule. Layout of the digits it makes:
 * - 20 or more: `yyyyMMddHHmmss` in +07:00 (14) + a process-wide counter (6) + random digits
 *   from `crypto.getRandomValues` (the rest; 16 at the default length 36). Within a process two
 *   ids can only be equal if a million ids are made in the same second and their random digits
 *   match; across replicas, ids of the same second and counter differ unless the random digits
 *   match (1 in 10^16 at length 36).
 * - fewer than 20 (BRI's 9 and 12): the second of the day in +07:00 (5) + a counter that starts
 *   at a random value per process (the rest). Unique within a process for up to 10^(length−5)
 *   ids per second (10 000 at length 9). Across replicas such short ids can collide: give each
 *   replica its own `externalId` generator (e.g. a replica digit as the first character).
 */
import { type Clock, formatCompactTimestamp, InputError, JAKARTA_OFFSET, randomDigits } from '@org/signing-core';
import { PROVIDER } from './constants.js';

/** What a provider accepts as X-EXTERNAL-ID. */
export interface SnapExternalIdRule {
  /** Exact lengths accepted, e.g. `[9, 12]`; the generator makes the first. Default: any length up to `maxLength`. */
  readonly lengths?: readonly number[] | undefined;
  /** Longest accepted id. Default 36 (SNAP's limit). */
  readonly maxLength?: number | undefined;
  /**
   * `'numeric'` (digits only, what the default generator makes), `'alphanumeric'` (A–Z, a–z,
   * 0–9) or `'ascii'` (any visible ASCII character, e.g. UUIDs with dashes; the default).
   */
  readonly charset?: 'numeric' | 'alphanumeric' | 'ascii' | undefined;
}

/** SNAP's own limit: 1 to 36 characters ("String(36)"), any visible ASCII. */
export const DEFAULT_EXTERNAL_ID_RULE: SnapExternalIdRule = Object.freeze({ maxLength: 36, charset: 'ascii' });

const CHARSETS = {
  numeric: [/^[0-9]+$/, 'digits only'],
  alphanumeric: [/^[A-Za-z0-9]+$/, 'letters and digits only'],
  ascii: [/^[\x21-\x7e]+$/, 'visible ASCII characters only'],
} as const;

/** The length the default generator makes under `rule`. */
function generatedLength(rule: SnapExternalIdRule): number {
  return rule.lengths?.[0] ?? rule.maxLength ?? 36;
}

/** Why `id` breaks `rule`, or `undefined` when it obeys it. */
function externalIdProblem(id: unknown, rule: SnapExternalIdRule): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return 'a non-empty string';
  const maxLength = rule.maxLength ?? 36;
  if (rule.lengths !== undefined && !rule.lengths.includes(id.length)) {
    return `${rule.lengths.join(' or ')} characters (received ${id.length})`;
  }
  if (id.length > maxLength) return `at most ${maxLength} characters (received ${id.length})`;
  const [pattern, what] = CHARSETS[rule.charset ?? 'ascii'];
  return pattern.test(id) ? undefined : what;
}

/**
 * A value of the X-EXTERNAL-ID generator, or the caller's own id, checked against the rule.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` naming the rule that the id breaks.
 */
export function checkedExternalId(id: unknown, rule: SnapExternalIdRule, from: 'generator' | 'header'): string {
  const problem = externalIdProblem(id, rule);
  if (problem !== undefined) {
    const what = from === 'generator' ? 'the externalId generator must return' : 'X-EXTERNAL-ID must be';
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${what} ${problem}, as the profile's externalIdRule says`,
      { field: 'externalId' },
      { provider: PROVIDER },
    );
  }
  return id as string;
}

let counter = 0;
let shortCounter = Number.NaN;

/** Returns a generator of X-EXTERNAL-ID values on the given clock that obeys `rule`. */
export function externalIdGenerator(clock: Clock, rule: SnapExternalIdRule = DEFAULT_EXTERNAL_ID_RULE): () => string {
  const length = generatedLength(rule);
  let second = Number.NaN;
  let prefix = '';
  if (length < 20) {
    const width = length - 5;
    const modulus = 10 ** width;
    return () => {
      if (Number.isNaN(shortCounter)) shortCounter = Number(randomDigits(8));
      const now = clock();
      const thisSecond = Math.floor(now / 1000);
      if (thisSecond !== second) {
        second = thisSecond;
        const time = formatCompactTimestamp(now, { offset: JAKARTA_OFFSET }).slice(8);
        const secondOfDay = Number(time.slice(0, 2)) * 3600 + Number(time.slice(2, 4)) * 60 + Number(time.slice(4, 6));
        prefix = String(secondOfDay).padStart(5, '0');
      }
      shortCounter = (shortCounter + 1) % 100_000_000;
      return `${prefix}${String(shortCounter % modulus).padStart(width, '0')}`;
    };
  }
  return () => {
    const now = clock();
    const thisSecond = Math.floor(now / 1000);
    if (thisSecond !== second) {
      second = thisSecond;
      prefix = formatCompactTimestamp(now, { offset: JAKARTA_OFFSET });
    }
    counter = (counter + 1) % 1_000_000;
    return `${prefix}${String(counter).padStart(6, '0')}${randomDigits(length - 20)}`;
  };
}
