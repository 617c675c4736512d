/**
 * X-TIMESTAMP rendering. One string per attempt: the same text goes into the header and into
 * the string to sign. Default `yyyy-MM-ddTHH:mm:ss+07:00` (ASPI: "Time must be in GMT+7");
 * options for milliseconds (BRI, Onebrick) and UTC `Z` (Midtrans demo, DOKU prose).
 */
import { type Clock, formatIsoTimestamp, JAKARTA_OFFSET } from '@org/signing-core';

/** How X-TIMESTAMP is written. */
export interface SnapTimestampFormat {
  /** `'+07:00'` (default), any `±HH:MM`, or `'Z'` for UTC. */
  readonly offset?: string | undefined;
  /** Add `.SSS`. Default false. */
  readonly milliseconds?: boolean | undefined;
}

/** A function that renders the clock's current time as X-TIMESTAMP. */
export function timestampWriter(clock: Clock, format: SnapTimestampFormat | undefined): () => string {
  const offset = format?.offset ?? JAKARTA_OFFSET;
  const milliseconds = format?.milliseconds === true;
  return () => formatIsoTimestamp(clock(), { offset, milliseconds });
}
