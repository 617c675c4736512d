/**
 * `transNumber`: "unique transaction ID from the partners", a string of at most 100 characters.
 * The default is a prefix, the GMT+7 time and 12 random letters or digits, e.g.
 * `TKN20240821142750aZ3kQ9xW0pLm` (29 characters, like the documentation's `TKN2124…`).
 */
import { formatCompactTimestamp, JAKARTA_OFFSET, randomAlphanumeric } from '@org/signing-core';

/** What a transNumber generator is told about the request it numbers. */
export interface TransNumberContext {
  /** `getToken`, `widgetTopUp`, … */
  readonly requestType: string;
  /** The request time, epoch ms (the same instant `reqDtime` is formatted from). */
  readonly now: number;
}

/** Generates a unique transNumber: 1 to 100 letters or digits. */
export type TransNumberGenerator = (context: TransNumberContext) => string;

/** `TKN` for getToken, `TRX` for the other calls, then `yyyyMMddHHmmss` (GMT+7) and 12 random alphanumerics. */
export const defaultTransNumber: TransNumberGenerator = ({ requestType, now }) =>
  `${requestType === 'getToken' ? 'TKN' : 'TRX'}${formatCompactTimestamp(now, { offset: JAKARTA_OFFSET })}${randomAlphanumeric(12)}`;
