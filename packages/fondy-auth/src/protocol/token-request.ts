/** The body of a Generate Access Token request: `{"application_id":…,"date":…,"signature":…}`, in this order. */
import { describeType } from '@org/signing-core';

/** What {@link fondyTokenRequestBody} writes. */
export interface FondyTokenRequestBodyInput {
  /** The application id as signed (a number is written as its decimal string). */
  readonly applicationId: string | number;
  /** The `date` that was signed. */
  readonly date: string;
  /** The token signature of these values. */
  readonly signature: string;
}

/**
 * The JSON text of a Generate Access Token request, as this package sends it.
 *
 * @throws {TypeError} when the argument is not an object.
 */
export function fondyTokenRequestBody(input: FondyTokenRequestBodyInput): string {
  if (input === null || typeof input !== 'object') {
    throw new TypeError(`[@org/fondy-auth] fondyTokenRequestBody: expected an object, received ${describeType(input)}`);
  }
  return JSON.stringify({ application_id: String(input.applicationId), date: input.date, signature: input.signature });
}
