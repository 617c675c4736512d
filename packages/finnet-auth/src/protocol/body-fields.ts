/**
 * Field handling of request bodies, kept free of Object.prototype: a caller's field may be named
 * `constructor`, `toString`, `hasOwnProperty` or `__proto__`, and must be sent and signed like
 * any other. Records are null-prototype objects and membership is `Object.hasOwn`, never `in`.
 */

/** The caller's fields without those set to `undefined` (which count as absent), as own fields. */
export function definedFields(params: object): Record<string, unknown> {
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) fields[name] = value;
  return fields;
}

/**
 * A body: the `head` fields first, in their order, then every caller field the head does not
 * already hold, in the caller's order.
 */
export function bodyWith(
  head: Readonly<Record<string, string>>,
  fields: Readonly<Record<string, string>>,
): Record<string, string> {
  const body: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(head)) body[name] = value;
  for (const [name, value] of Object.entries(fields)) if (!Object.hasOwn(body, name)) body[name] = value;
  return body;
}
