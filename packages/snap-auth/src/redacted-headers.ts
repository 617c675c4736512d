/**
 * Header records that carry credentials (Authorization, X-SIGNATURE) but print and serialise
 * redacted: `JSON.stringify` and `util.inspect` show `Bearer [REDACTED]`, while the real values
 * are ordinary own enumerable properties for `fetch`, ky or any HTTP client. The redacting
 * methods live on the prototype, so the object's own keys are exactly the header names.
 */
import { redactHeaders } from '@org/signing-core';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

class SnapHeaders {
  toJSON(): Record<string, string> {
    return redactHeaders({ ...(this as unknown as Record<string, string>) });
  }

  [inspectSymbol](): Record<string, string> {
    return this.toJSON();
  }
}

/** A copy of `headers` that prints and serialises with credentials redacted. */
export function redactedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.assign(new SnapHeaders(), headers) as unknown as Record<string, string>;
}
