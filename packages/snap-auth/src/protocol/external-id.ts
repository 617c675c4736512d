/**
 * X-EXTERNAL-ID: a numeric string of at most 36 characters, unique per day (protocols.md §2.3;
 * providers answer `409xx00 Conflict` to a repeat).
 *
 * Layout (36 digits): `yyyyMMddHHmmss` in +07:00 (14) + a process-wide counter (6) + random
 * digits from `crypto.getRandomValues` (16).
 * - Within a process two ids can only be equal if a million ids are made in the same second
 *   *and* their 16 random digits match: never, in practice. The counter is shared by every
 *   `createSnapAuth` instance of the process.
 * - Across processes (replicas), ids made in the same second with the same counter value
 *   differ unless 16 random digits match: a 1 in 10^16 chance per such pair.
 */
import { type Clock, formatCompactTimestamp, JAKARTA_OFFSET, randomDigits } from '@org/signing-core';

let counter = 0;

/** Returns a generator of X-EXTERNAL-ID values on the given clock. */
export function externalIdGenerator(clock: Clock): () => string {
  let second = Number.NaN;
  let prefix = '';
  return () => {
    const now = clock();
    const thisSecond = Math.floor(now / 1000);
    if (thisSecond !== second) {
      second = thisSecond;
      prefix = formatCompactTimestamp(now, { offset: JAKARTA_OFFSET });
    }
    counter = (counter + 1) % 1_000_000;
    return `${prefix}${String(counter).padStart(6, '0')}${randomDigits(16)}`;
  };
}
