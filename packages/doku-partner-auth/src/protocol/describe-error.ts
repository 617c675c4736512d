/**
 * DOKU publishes no error body for the Partner API or the non-SNAP signature. The provider's
 * code and message are therefore read defensively from the common shapes:
 * `{"error":{"code","message"}}` (the sandbox's own shape), `{"code","message"}`,
 * `{"responseCode","responseMessage"}` (DOKU SNAP style), `{"error","error_description"}`
 * (OAuth style), or a plain-text body. Nothing else of the body is interpreted.
 */

import { isRecord } from '@org/signing-core';
import type { ProviderErrorDescription } from '@org/signing-core/provider-kit';

/** Text as is: the core client scrubs known secrets and the request's credentials from it. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim().length === 0) return undefined;
  return value.trim();
}

/** The provider code and message of a DOKU error body (parsed JSON, or text). */
export function describeDokuError(response: { status: number; body: unknown }): ProviderErrorDescription {
  const { body } = response;
  if (!isRecord(body)) return {};
  const nested = isRecord(body.error) ? body.error : undefined;
  const providerCode = text(nested?.code) ?? text(body.code) ?? text(body.responseCode) ?? text(body.error);
  const providerMessage =
    text(nested?.message) ?? text(body.message) ?? text(body.responseMessage) ?? text(body.error_description);
  return {
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(providerMessage === undefined ? {} : { providerMessage }),
    ...(isTimestampRejection(providerCode, providerMessage) ? { timestampRejected: true } : {}),
  };
}

/**
 * DOKU's "bad timestamp": a code naming the timestamp (`STALE_TIMESTAMP`, `INVALID_TIMESTAMP`…),
 * a SNAP-style `4xxxx01` whose message names it (DOKU's SNAP APIs), or a message saying the
 * timestamp is out of its window or expired. A timestamp in the wrong *format* is not one: the
 * clock is not the cause.
 */
function isTimestampRejection(code: string | undefined, message: string | undefined): boolean {
  if (code !== undefined && /TIMESTAMP/i.test(code)) return true;
  if (message === undefined || !/timestamp/i.test(message)) return false;
  if (code !== undefined && /^4\d{4}01$/.test(code)) return true;
  return /window|expired|stale|skew|too old|too far|out of range/i.test(message);
}
