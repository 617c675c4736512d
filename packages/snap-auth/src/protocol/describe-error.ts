/**
 * Turning SNAP error envelopes (`{ responseCode, responseMessage }`) into typed errors: the
 * parsed code goes into `ProviderError.details`, and the message says what most likely went
 * wrong (e.g. `4017300` → signature, clock or client id).
 */
import { isProviderError, ProviderError } from '@org/signing-core';
import { type ProviderErrorDescription, rewordProviderError } from '@org/signing-core/provider-kit';
import { PROVIDER } from './constants.js';
import { parseSnapResponseCode, type SnapResponseCode } from './response-code.js';

/** What was being done, for messages. */
export type SnapOperation = 'B2B access token' | 'B2B2C access token' | 'service call';

function envelope(body: unknown): { code: string | undefined; message: string | undefined } {
  if (body === null || typeof body !== 'object') return { code: undefined, message: undefined };
  const { responseCode, responseMessage } = body as { responseCode?: unknown; responseMessage?: unknown };
  const code =
    typeof responseCode === 'string'
      ? responseCode
      : typeof responseCode === 'number'
        ? String(responseCode)
        : undefined;
  const message = typeof responseMessage === 'string' ? responseMessage.slice(0, 150) : undefined;
  return { code, message };
}

/**
 * `describeError` for the core HTTP client: reads the SNAP envelope of an error answer. (The
 * core scrubs known secrets and the request's credentials from the code and message.)
 */
export function describeSnapError(response: { status: number; body: unknown }): ProviderErrorDescription {
  const { code, message } = envelope(response.body);
  if (code === undefined) return { providerMessage: message };
  const parsed = parseSnapResponseCode(code);
  return {
    providerCode: code,
    providerMessage: message,
    details: { ...parsed },
    tokenRejected: parsed.tokenRejected,
    timestampRejected: isTimestampRejection(parsed, message),
  };
}

/**
 * SNAP's "bad timestamp": `400xx01` Invalid Field Format naming X-TIMESTAMP (ASPI's code list;
 * e.g. `4007301 Invalid Field Format [X-TIMESTAMP]` on the B2B token request, `4001101` on a
 * balance inquiry). Only this code with the field named: other `400xx01`s are other fields, and
 * `401xx00` (unauthorized) has many causes besides the clock.
 */
function isTimestampRejection(parsed: SnapResponseCode, message: string | undefined): boolean {
  return parsed.httpStatus === 400 && parsed.caseCode === '01' && message !== undefined && /timestamp/i.test(message);
}

/**
 * `describeSuccessFailure` for the core HTTP client: a 2xx answer whose `responseCode` is a
 * well-formed failure code (some providers answer HTTP 200 with `4017301`) is a failure, and a
 * rejected token in it triggers the refresh-and-retry like a real 401.
 */
export function describeSnapSuccessFailure(response: {
  status: number;
  body: unknown;
}): ProviderErrorDescription | undefined {
  const { code } = envelope(response.body);
  if (code === undefined) return undefined;
  const parsed = parseSnapResponseCode(code);
  return parsed.wellFormed && !parsed.success ? describeSnapError(response) : undefined;
}

/**
 * `describeSuccessFailure` for token requests, stricter than {@link describeSnapSuccessFailure}:
 * a token answer is a success only with a 2xx `responseCode` (or none), so a malformed one such
 * as `"E01"` is a failure too (as `readB2bTokenResponse` rules). Failing inside the core's
 * request keeps its scrubbing of the request's secrets on the error.
 */
function describeSnapTokenFailure(response: { status: number; body: unknown }): ProviderErrorDescription | undefined {
  const { code } = envelope(response.body);
  if (code === undefined || code === '') return undefined;
  return parseSnapResponseCode(code).success ? undefined : describeSnapError(response);
}

/**
 * A token request's answers, of any status: {@link describeSnapTokenFailure} for a 2xx,
 * {@link describeSnapError} for any other.
 */
export function describeSnapTokenAnswer(response: {
  status: number;
  body: unknown;
}): ProviderErrorDescription | undefined {
  return response.status >= 200 && response.status < 300
    ? describeSnapTokenFailure(response)
    : describeSnapError(response);
}

/** The most likely cause of a SNAP failure, in words. Empty when there is nothing useful to add. */
function likelyCause(parsed: SnapResponseCode, operation: SnapOperation): string {
  const token = operation !== 'service call';
  switch (`${parsed.httpStatus}:${parsed.caseCode}`) {
    case '401:00':
      return token
        ? 'the provider could not verify X-SIGNATURE or does not know X-CLIENT-KEY: check that privateKey is the key whose public key you registered with the provider, that clientId is exactly the client id they issued, and that this machine clock is in sync (X-TIMESTAMP)'
        : 'the provider could not verify X-SIGNATURE: check clientSecret, that the signed path is the path sent (with the provider prefix), and that this machine clock is in sync (X-TIMESTAMP)';
    case '401:01':
    case '401:03':
      return 'the access token was not accepted (unknown, expired or revoked)';
    case '401:02':
    case '401:04':
      return 'the customer (B2B2C) token was not accepted: get a new one with getCustomerToken()';
    case '400:01':
      return 'a header or field has an invalid format (for X-TIMESTAMP: check timestampFormat and that this machine clock is in sync)';
    case '400:02':
      return 'a mandatory header or field is missing';
    case '409:00':
      return 'X-EXTERNAL-ID was already used (it must be unique per day)';
    case '409:01':
      return 'partnerReferenceNo was already used';
    default:
      if (parsed.httpStatus === 429) return 'rate limited by the provider';
      if (parsed.httpStatus !== undefined && parsed.httpStatus >= 500) return 'the provider failed; try again later';
      return '';
  }
}

/** A failure message: operation, status, SNAP code and message, likely cause. No secrets. */
function snapFailureMessage(
  operation: SnapOperation,
  status: number,
  code: string | undefined,
  providerMessage: string | undefined,
): string {
  const parsed = code === undefined ? undefined : parseSnapResponseCode(code);
  const cause = parsed ? likelyCause(parsed, operation) : '';
  const what = [code, providerMessage].filter(Boolean).join(' ');
  return `SNAP ${operation} failed: HTTP ${status}${what ? ` (${what})` : ''}${cause ? `: ${cause}` : ''}`;
}

/** Rewords a core `ProviderError` with a SNAP message; other errors pass through unchanged. */
export function withSnapMessage(error: unknown, operation: SnapOperation): unknown {
  if (!isProviderError(error)) return error;
  return rewordProviderError(
    error,
    snapFailureMessage(operation, error.status, error.providerCode, error.providerMessage),
  );
}

/** A `ProviderError` for an answer whose HTTP status was 2xx but whose responseCode is a failure. */
export function providerErrorFromEnvelope(
  operation: SnapOperation,
  status: number,
  body: unknown,
  bodyExcerpt: string | undefined,
): ProviderError {
  const { code, message } = envelope(body);
  const parsed = code === undefined ? undefined : parseSnapResponseCode(code);
  return new ProviderError(
    snapFailureMessage(operation, status, code, message),
    {
      status,
      providerCode: code,
      providerMessage: message,
      bodyExcerpt,
      details: parsed ? { ...parsed } : undefined,
    },
    { provider: PROVIDER, ...(parsed?.tokenRejected ? { code: 'ERR_TOKEN_REJECTED' as const } : {}) },
  );
}
