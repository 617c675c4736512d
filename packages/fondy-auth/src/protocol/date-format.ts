/**
 * The default `date` of a token request: the current UTC time as `YYYY-MM-DD HH:mm:ss`
 * (the format of the documentation's example, `2020-04-06 11:15:27`). Fondy treats `date` as a
 * salt of the signature ("date in any format"); the docs say nothing of a freshness check.
 */
import { formatUtcTimestamp } from '@org/signing-core';

/** `2020-04-06 11:15:27` for 2020-04-06T11:15:27.x Z. */
export function formatFondyDate(now: Date): string {
  return formatUtcTimestamp(now).slice(0, 19).replace('T', ' ');
}
