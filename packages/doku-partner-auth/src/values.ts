/**
 * Looking at values of unknown type: a JSON-object guard, and a type description for
 * `TypeError` messages (never the value itself, which may be a secret).
 */

/** True for a non-null, non-array object (a parsed JSON object). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A short description of a value's type for TypeErrors (never the value itself). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
