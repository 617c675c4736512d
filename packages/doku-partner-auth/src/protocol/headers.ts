/**
 * The headers that carry DOKU's non-SNAP signature: `Client-Id`, `Request-Id`,
 * `Request-Timestamp` (`Response-Timestamp` on DOKU's responses) and `Signature`, then
 * `Content-Type: application/json` when the body is JSON text (DOKU's APIs take JSON).
 */
import { describeType } from '@org/signing-core';
import { DOKU_HEADERS } from './constants.js';
import type { DokuSignatureComponents } from './signature.js';

/**
 * What {@link dokuSignedHeaders} lays out: the signed components but the target, and the
 * signature. A text `body` adds `Content-Type: application/json`; bytes or none add nothing.
 */
export interface DokuSignedHeadersInput extends Omit<DokuSignatureComponents, 'target'> {
  /** The `Signature` value, `HMACSHA256=<base64>`. */
  readonly signature: string;
}

/**
 * The headers of a signed DOKU message, in the order above, as name → value.
 *
 * @throws {TypeError} when a value is not a string or `kind` is unknown.
 */
export function dokuSignedHeaders(input: DokuSignedHeadersInput): Record<string, string> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError(
      `[@org/doku-partner-auth] dokuSignedHeaders: expected an object, received ${describeType(input)}`,
    );
  }
  const kind = input.kind ?? 'request';
  if (kind !== 'request' && kind !== 'response')
    throw new TypeError("[@org/doku-partner-auth] dokuSignedHeaders: kind must be 'request' or 'response'");
  const headers: Record<string, string> = {};
  const set = (name: string, field: 'clientId' | 'requestId' | 'timestamp' | 'signature') => {
    const value: unknown = input[field];
    if (typeof value !== 'string') {
      throw new TypeError(
        `[@org/doku-partner-auth] dokuSignedHeaders: ${field} must be a string, received ${describeType(value)}`,
      );
    }
    headers[name] = value;
  };
  set(DOKU_HEADERS.clientId, 'clientId');
  set(DOKU_HEADERS.requestId, 'requestId');
  set(kind === 'response' ? DOKU_HEADERS.responseTimestamp : DOKU_HEADERS.requestTimestamp, 'timestamp');
  set(DOKU_HEADERS.signature, 'signature');
  if (typeof input.body === 'string' && input.body !== '') headers[DOKU_HEADERS.contentType] = 'application/json';
  return headers;
}
