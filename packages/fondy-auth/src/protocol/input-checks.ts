/** Small argument checks shared by the signing functions. They never echo a value. */
import { describeType, InputError, revealSecret, Secret } from '@org/signing-core';
import { PROVIDER } from './constants.js';

/** Length in characters (Unicode code points), as the provider's limits count them. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export function invalid(field: string, message: string): InputError {
  return new InputError('ERR_INVALID_INPUT', message, { field }, { provider: PROVIDER });
}

/**
 * A secret given as a string or a `Secret`: must be non-empty. Returns its value. A value of
 * the wrong type is a `TypeError` for a positional argument, an `InputError` for a field.
 */
export function requireKey(fn: string, field: string, value: unknown, positional = false): string {
  if (typeof value !== 'string' && !(value instanceof Secret)) {
    const message = `${fn}: ${field} must be a string or a Secret, received ${describeType(value)}`;
    if (positional) throw new TypeError(`[@org/fondy-auth] ${message}`);
    throw invalid(field, message);
  }
  const text = revealSecret(value);
  if (text.length === 0) throw invalid(field, `${fn}: ${field} is empty`);
  return text;
}
