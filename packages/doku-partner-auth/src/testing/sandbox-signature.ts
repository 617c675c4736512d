/**
 * The sandbox's own implementation of DOKU's non-SNAP signature, on node:crypto, written
 * independently of the library's (so a bug in one is caught by the other).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SandboxComponents {
  readonly clientId: string;
  readonly requestId: string;
  /** `Request-Timestamp` or `Response-Timestamp`. */
  readonly timestampName: 'Request-Timestamp' | 'Response-Timestamp';
  readonly timestamp: string;
  readonly target: string;
  readonly body: Uint8Array;
}

/** base64(SHA-256(bytes)). */
function sandboxDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}

/** `HMACSHA256=` + base64(HMAC-SHA256(secret, components)); the Digest line only for a non-empty body. */
export function sandboxSignature(secretKey: string, c: SandboxComponents): string {
  let text = `Client-Id:${c.clientId}\nRequest-Id:${c.requestId}\n${c.timestampName}:${c.timestamp}\nRequest-Target:${c.target}`;
  if (c.body.length > 0) text += `\nDigest:${sandboxDigest(c.body)}`;
  return `HMACSHA256=${createHmac('sha256', secretKey).update(text, 'utf8').digest('base64')}`;
}

/** Exact, constant-time comparison of two header values. */
export function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
