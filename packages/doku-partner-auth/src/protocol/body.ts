/** The exact bytes of a body given as text or bytes: text is UTF-8 encoded, bytes are used as they are. */
import { describeType, encodeUtf8 } from '@org/signing-core';

/** A body for the pure signing functions: the exact text or bytes that go on the wire. */
export type DokuBodyInput = string | Uint8Array;

/** UTF-8 bytes of `body`, or the bytes themselves; `undefined` stays `undefined`. */
export function exactBytes(body: DokuBodyInput | undefined, caller: string): Uint8Array | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return encodeUtf8(body);
  if (body instanceof Uint8Array) return body;
  throw new TypeError(
    `[@org/doku-partner-auth] ${caller}: body must be a string, a Uint8Array or undefined, received ${describeType(body)}`,
  );
}
