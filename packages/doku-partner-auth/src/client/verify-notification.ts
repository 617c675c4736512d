/**
 * Verifying an HTTP Notification (or Inquiry request) that DOKU sends to the merchant: the
 * signature over the raw received bytes with the merchant's own path as `Request-Target`, a
 * replay window on `Request-Timestamp`, and optionally recognising redeliveries by the signed
 * `Request-Id` and body (reported as `duplicate: true`, never refused: DOKU redelivers a
 * notification it got no 2xx for, and that retry must be answered).
 */
import {
  type AuthEventOptions,
  assertTimestampWithinWindow,
  type Clock,
  describeType,
  digest,
  isAuthError,
  parseIsoTimestamp,
  type ReplayStore,
  SignatureError,
  TransportError,
  toHex,
} from '@org/signing-core';
import { eventHandlerOf, eventOptionEntries, reportVerification } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { PROVIDER } from '../protocol/constants.js';
import { type DokuSecretKey, verifyDokuSignature } from '../protocol/signature.js';

/**
 * Options of {@link verifyDokuNotification}. `onEvent` and `telemetry` (from `AuthEventOptions`)
 * receive `notification.verify` for each verification (outcome, duration, the check that refused
 * it) and `signature.failed` for each refusal; `auth.verifyNotification` uses the client's unless
 * the call gives its own.
 */
export interface VerifyDokuNotificationOptions extends AuthEventOptions {
  /** The Secret Key from the DOKU Back Office. */
  readonly secretKey: DokuSecretKey;
  /** When set, the `Client-Id` header must be exactly this. */
  readonly clientId?: string | undefined;
  /**
   * The `Request-Target` DOKU signed: the path of the notification URL you registered. Default:
   * the path of the request URL as your server sees it (set it when a proxy rewrites paths).
   */
  readonly target?: string | undefined;
  /** How far `Request-Timestamp` may be from now, either way. Default 5 minutes. */
  readonly toleranceMs?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: Clock | undefined;
  /**
   * When set, a notification whose `Request-Id` (per Client-Id) was already seen with the same
   * body is reported as `duplicate: true`. Both are signed, so no header change makes a seen
   * notification look new. Default: none (`duplicate` is always false).
   */
  readonly replayStore?: ReplayStore | undefined;
  /** How long an id is remembered. Default: twice `toleranceMs`, so a replay cannot outlive the window. */
  readonly replayTtlMs?: number | undefined;
}

/** A notification whose signature, timestamp (and, with a replay store, id) checked out. */
export interface DokuNotification {
  readonly clientId: string;
  readonly requestId: string;
  /** `Request-Timestamp` as received. */
  readonly timestamp: string;
  /** The `Request-Target` that was verified. */
  readonly target: string;
  /** The raw body bytes that were verified. */
  readonly bytes: Uint8Array;
  /** The body as UTF-8 text (parse it yourself; the bytes were verified, not this text). */
  readonly body: string;
  /**
   * True when the `replayStore` has seen this `Request-Id` with this body before: a redelivery.
   * Answer it as you answered the first copy, and process it if your handling of the first failed.
   */
  readonly duplicate: boolean;
}

const DEFAULT_TOLERANCE_MS = 5 * 60_000;
/** Lenient on purpose: the bytes were verified; the text is a convenience (invalid UTF-8 becomes U+FFFD). */
const textDecoder = new TextDecoder('utf-8');

function headerError(message: string): SignatureError {
  return new SignatureError('ERR_SIGNATURE_MISMATCH', message, 'header', { provider: PROVIDER });
}

function required(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (value === null || value.trim().length === 0) throw headerError(`the DOKU notification has no ${name} header`);
  return value.trim();
}

function nonNegativeMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuNotification: ${name} must be a non-negative number of milliseconds`,
    );
  }
  return value;
}

const eventEntries = eventOptionEntries();

/**
 * Verifies a DOKU notification received as a Web `Request` and returns its verified parts. It
 * reads a clone of the request, so your handler can still read the body afterwards.
 *
 * Checks, in order: the four headers are present (`header`), `Client-Id` matches
 * `options.clientId` (`header`), `Request-Timestamp` parses and lies within the window
 * (`timestamp`), the signature matches over the raw bytes (`signature`); then, with a replay
 * store, whether it is a redelivery (`duplicate`, recorded only after the signature verified).
 *
 * @throws {SignatureError} saying which check failed (`check` is `header`, `timestamp` or
 *   `signature`). A redelivery is not an error.
 * @throws {TypeError} when `request` is not a Request or the options are malformed.
 */
export function verifyDokuNotification(
  request: Request,
  options: VerifyDokuNotificationOptions,
): Promise<DokuNotification> {
  let checked: CheckedOptions;
  try {
    checked = checkOptions(request, options);
  } catch (error) {
    return Promise.reject(error);
  }
  // Telemetry: without onEvent or telemetry nothing is timed, allocated or wrapped.
  return reportVerification(eventHandlerOf(options), PROVIDER, () => verifyChecked(request, options, checked));
}

interface CheckedOptions {
  readonly toleranceMs: number;
  readonly replayTtlMs: number;
  readonly clock: Clock;
}

/** The request is an unread Request and the options are usable, or a `TypeError` saying which is not. */
function checkOptions(request: Request, options: VerifyDokuNotificationOptions): CheckedOptions {
  if (!(request instanceof Request)) {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuNotification: request must be a Request, received ${describeType(request)}`,
    );
  }
  if (request.bodyUsed) {
    throw new TypeError(
      '[@org/doku-partner-auth] verifyDokuNotification: the request body was already read; verify before parsing it (the raw bytes are needed)',
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuNotification: options must be an object, received ${describeType(options)}`,
    );
  }
  const toleranceMs = nonNegativeMs('toleranceMs', options.toleranceMs, DEFAULT_TOLERANCE_MS);
  const replayTtlMs = nonNegativeMs('replayTtlMs', options.replayTtlMs, 2 * toleranceMs);
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function')
    throw new TypeError('[@org/doku-partner-auth] verifyDokuNotification: clock must be a function');
  if (options.target !== undefined && (typeof options.target !== 'string' || !options.target.startsWith('/'))) {
    throw new TypeError('[@org/doku-partner-auth] verifyDokuNotification: target must be a path starting with "/"');
  }
  if (options.onEvent !== undefined && !v.is(eventEntries.onEvent, options.onEvent)) {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuNotification: onEvent must be an event handler function, received ${describeType(options.onEvent)}`,
    );
  }
  if (options.telemetry !== undefined && !v.is(eventEntries.telemetry, options.telemetry)) {
    throw new TypeError(
      '[@org/doku-partner-auth] verifyDokuNotification: telemetry must be { tracer?, meter? }: an OpenTelemetry tracer (startSpan) and/or meter (createCounter, createHistogram)',
    );
  }
  return { toleranceMs, replayTtlMs, clock };
}

/** The checks of {@link verifyDokuNotification}, in order. */
async function verifyChecked(
  request: Request,
  options: VerifyDokuNotificationOptions,
  { toleranceMs, replayTtlMs, clock }: CheckedOptions,
): Promise<DokuNotification> {
  const clientId = required(request.headers, 'Client-Id');
  const requestId = required(request.headers, 'Request-Id');
  const timestamp = required(request.headers, 'Request-Timestamp');
  const signature = required(request.headers, 'Signature');
  if (options.clientId !== undefined && clientId !== options.clientId) {
    throw headerError('the Client-Id header of the DOKU notification is not the configured client id');
  }

  let timestampMs: number;
  try {
    timestampMs = parseIsoTimestamp(timestamp);
  } catch {
    throw headerError('the Request-Timestamp header of the DOKU notification is not an ISO-8601 timestamp');
  }
  assertTimestampWithinWindow(timestampMs, {
    now: clock(),
    toleranceMs,
    provider: PROVIDER,
    header: 'Request-Timestamp',
  });

  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await request.clone().arrayBuffer());
  } catch (cause) {
    throw new TransportError('ERR_NETWORK', 'the body of the DOKU notification could not be read', {
      provider: PROVIDER,
      cause,
    });
  }
  const target = options.target ?? new URL(request.url).pathname;
  let valid: boolean;
  try {
    valid = await verifyDokuSignature({
      clientId,
      requestId,
      timestamp,
      target,
      body: bytes,
      secretKey: options.secretKey,
      signature,
    });
  } catch (error) {
    // A component DOKU sent that cannot be signed (e.g. a line break) cannot verify either.
    if (isAuthError(error, 'ERR_INVALID_INPUT')) throw headerError(`the DOKU notification has a malformed header`);
    throw error;
  }
  if (!valid) {
    throw new SignatureError(
      'ERR_SIGNATURE_MISMATCH',
      'the Signature of the DOKU notification does not match its components and body',
      'signature',
      { provider: PROVIDER },
    );
  }

  // Client-Id, Request-Id and the body's digest are all signed.
  const duplicate =
    options.replayStore !== undefined &&
    !(await options.replayStore.remember(
      `doku:${clientId}:${requestId}:${toHex(await digest('SHA-256', bytes))}`,
      replayTtlMs,
    ));

  return { clientId, requestId, timestamp, target, bytes, body: textDecoder.decode(bytes), duplicate };
}
