/**
 * The events of the auth layer, one typed stream for every provider: what the token lifecycle,
 * each signed call attempt, notification verification and the clock-skew correction did.
 *
 * - `onEvent` (an option of every factory) receives them as plain objects; OpenTelemetry spans and
 *   metrics are built from the same stream (`./otel.ts`), so both always agree.
 * - No event carries a key, secret, token, signature, header value, body or query string: only
 *   names, numbers, outcomes, error codes and the request's method, host and path template.
 * - A handler that throws (or returns a rejected promise) never breaks a call: the failure is
 *   swallowed here, once, for every emitter.
 */
import { type AuthErrorCode, isSignatureError, type SignatureCheck } from '../errors/errors.js';

/** Why a token is fetched: first use, the cached one expired, background refresh ahead of expiry, `forceRefresh`, or the provider rejected the cached one. */
export type TokenFetchReason = 'initial' | 'expired' | 'refresh' | 'forced' | 'rejected';

/** Why an attempt of a call was made after the previous one. */
export type RetryCause = 'network' | 'timeout' | 'status' | 'rate-limited' | 'token-rejected' | 'clock-skew';

interface EventBase {
  /** The provider (`snap`, `finnet`, `doku`, `fondy`, or the name a provider author gave). */
  readonly provider: string;
  /** Epoch ms at which the event's work started (for instant events: when it happened). */
  readonly startTime: number;
}

/** A token request to the provider ended. */
export interface TokenFetchEvent extends EventBase {
  readonly type: 'token.fetch';
  readonly reason: TokenFetchReason;
  readonly outcome: 'success' | 'failure';
  readonly durationMs: number;
  /** The typed error's code when it failed. */
  readonly errorCode?: AuthErrorCode | undefined;
}

/** `getToken()` found a valid cached token (`hit`), or had to wait for one (`miss`). */
export interface TokenCacheEvent extends EventBase {
  readonly type: 'token.cache';
  readonly result: 'hit' | 'miss';
}

/** A caller waited for a token (fetched here, by another caller, or by another process). */
export interface TokenWaitEvent extends EventBase {
  readonly type: 'token.wait';
  readonly durationMs: number;
  readonly outcome: 'success' | 'failure';
  readonly errorCode?: AuthErrorCode | undefined;
}

/** A background refresh failed; the current token stays in use and the refresh is retried with backoff. */
export interface TokenRefreshFailedEvent extends EventBase {
  readonly type: 'token.refresh-failed';
  /** Consecutive failures so far. */
  readonly failures: number;
  readonly retryInMs: number;
  readonly errorCode?: AuthErrorCode | undefined;
}

/** One attempt of a signed call (token requests included) ended, with an answer or without. */
export interface RequestAttemptEvent extends EventBase {
  readonly type: 'request.attempt';
  /** Upper-case method (OpenTelemetry `http.request.method`). */
  readonly method: string;
  /** Host name (`server.address`). */
  readonly serverAddress: string;
  /** Port (`server.port`), the scheme's default when the URL names none. */
  readonly serverPort: number;
  /** The path without query, identifiers replaced by `{id}` (`url.path`; see {@link pathTemplate}). */
  readonly urlPath: string;
  /** 0 for the first attempt, then 1, 2… */
  readonly attempt: number;
  /** Why this attempt was made (absent for the first). */
  readonly retryCause?: RetryCause | undefined;
  /** The HTTP status, when an answer came (`http.response.status_code`). */
  readonly status?: number | undefined;
  readonly durationMs: number;
  /**
   * Why the attempt failed (`error.type`): the status as text for a 4xx/5xx answer, else the
   * toolkit's error code (`ERR_NETWORK`, `ERR_TIMEOUT`…). Absent for a 1xx–3xx answer.
   */
  readonly errorType?: string | undefined;
}

/** An incoming signature (notification, server request) failed a check. */
export interface SignatureFailedEvent extends EventBase {
  readonly type: 'signature.failed';
  readonly check: SignatureCheck;
  readonly code: AuthErrorCode;
}

/** An incoming notification was verified (or refused), for its span. */
export interface NotificationVerifiedEvent extends EventBase {
  readonly type: 'notification.verify';
  readonly outcome: 'success' | 'failure';
  readonly durationMs: number;
  /** Which check refused it (`header`, `timestamp`, `signature`, `replay`, `signer`); absent when it passed. */
  readonly check?: SignatureCheck | undefined;
  /** The typed error's code when it failed (`ERR_SIGNATURE_MISMATCH`, `ERR_TIMESTAMP_OUT_OF_WINDOW`…). */
  readonly errorCode?: AuthErrorCode | undefined;
  /** With a replay store: true when it was a redelivery (reported, never refused). */
  readonly duplicate?: boolean | undefined;
}

/** A provider-side server (the SNAP server kit) answered one request. */
export interface ServerHandleEvent extends EventBase {
  readonly type: 'server.handle';
  /** Upper-case method (`http.request.method`). */
  readonly method: string;
  /** The path template (no query, identifiers replaced by `{id}`; see {@link pathTemplate}). */
  readonly urlPath: string;
  /** The HTTP status answered (`http.response.status_code`). */
  readonly status: number;
  /** `success` for a 2xx answer, else `failure`. */
  readonly outcome: 'success' | 'failure';
  /** The provider's response code answered, e.g. SNAP `2007300` or `4017300`. */
  readonly responseCode?: string | undefined;
  /** The provider's service code of the endpoint, e.g. SNAP `73` (access token) or `25`. */
  readonly serviceCode?: string | undefined;
  /** Which check of the request's signature refused it, when one did. */
  readonly check?: SignatureCheck | undefined;
  readonly durationMs: number;
  /** The status as text for a 4xx/5xx answer (`error.type`); absent for a 2xx. */
  readonly errorType?: string | undefined;
}

/** The provider rejected a timestamp and its `Date` header moved this client's clock offset. */
export interface ClockCorrectedEvent extends EventBase {
  readonly type: 'clock.corrected';
  /** The new offset: provider time minus this machine's clock, in ms. */
  readonly offsetMs: number;
  readonly previousOffsetMs: number;
}

/** The provider's `Date` header was further off than the bound: the offset was not changed. */
export interface ClockRefusedEvent extends EventBase {
  readonly type: 'clock.refused';
  readonly offsetMs: number;
  readonly maxOffsetMs: number;
}

/** Every event of the auth layer, discriminated by `type`. */
export type AuthEvent =
  | TokenFetchEvent
  | TokenCacheEvent
  | TokenWaitEvent
  | TokenRefreshFailedEvent
  | RequestAttemptEvent
  | SignatureFailedEvent
  | NotificationVerifiedEvent
  | ServerHandleEvent
  | ClockCorrectedEvent
  | ClockRefusedEvent;

/** The `onEvent` option: called synchronously for each event; what it throws or rejects is ignored. */
export type AuthEventHandler = (event: AuthEvent) => void;

/** Calls `handler`, never letting it break the caller (a throw, or a returned rejected promise). */
export function emitTo(handler: AuthEventHandler | undefined, event: AuthEvent): void {
  if (handler === undefined) return;
  try {
    const result = handler(event) as unknown;
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      (result as Promise<unknown>).then(undefined, () => {});
    }
  } catch {
    // An event handler's failure must never turn into an auth failure.
  }
}

/** One handler for several (each isolated from the others' failures); `undefined` when none. */
export function combineHandlers(...handlers: readonly (AuthEventHandler | undefined)[]): AuthEventHandler | undefined {
  const present = handlers.filter((handler): handler is AuthEventHandler => typeof handler === 'function');
  if (present.length === 0) return undefined;
  if (present.length === 1) {
    const [only] = present as [AuthEventHandler];
    return (event) => emitTo(only, event);
  }
  return (event) => {
    for (const handler of present) emitTo(handler, event);
  };
}

const ID_SEGMENT = /^(?:\d{4,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9._~%+=-]{24,})$/i;

/**
 * A path for telemetry: no query (it may carry tokens or ids), and every segment that looks like
 * an identifier (4+ digits, a UUID, or 24+ characters) replaced by `{id}`, so that attributes
 * stay low-cardinality and never carry a value a provider put in a path.
 */
export function pathTemplate(pathname: string): string {
  const segments = pathname.split('/');
  for (let i = 0; i < segments.length; i++) {
    if (ID_SEGMENT.test(segments[i] as string)) segments[i] = '{id}';
  }
  return segments.join('/');
}

/** The OpenTelemetry-style target of a request URL: host, port, path template. */
export function targetOf(url: URL): { serverAddress: string; serverPort: number; urlPath: string } {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { serverAddress: url.hostname, serverPort: port, urlPath: pathTemplate(url.pathname) };
}

/** When timed work started: `startTime` (epoch ms, for the event) and `started` (`performance.now()`, for its duration). */
export interface EventTimer {
  readonly startTime: number;
  readonly started: number;
}

/** A timer started now, for {@link emitVerification} and {@link emitServerHandle}. */
export function startTimer(): EventTimer {
  return { startTime: Date.now(), started: performance.now() };
}

/** `signature.failed` for a `SignatureError` refusing an incoming message; nothing for any other error. */
export function emitSignatureFailed(handler: AuthEventHandler | undefined, provider: string, error: unknown): void {
  if (handler === undefined || !isSignatureError(error)) return;
  emitTo(handler, { type: 'signature.failed', provider, startTime: Date.now(), check: error.check, code: error.code });
}

/**
 * Runs a notification verification and reports it: `notification.verify` with its outcome (and
 * `signature.failed` when a check refused it), then returns or rethrows what `verify` did. Without
 * a handler it returns `verify()`'s own promise, with no wrapper and no timer.
 */
export function reportVerification<T extends { readonly duplicate?: boolean | undefined }>(
  handler: AuthEventHandler | undefined,
  provider: string,
  verify: () => Promise<T>,
): Promise<T> {
  if (handler === undefined) return verify();
  return timedOutcome(verify, (timer, outcome) =>
    emitVerification(
      handler,
      provider,
      timer,
      outcome.ok ? { duplicate: outcome.value.duplicate } : { error: outcome.error },
    ),
  );
}

/**
 * Runs `work` and, once it settled, hands `report` its timer and outcome; resolves or rejects as
 * `work` did. The one timing wrapper of the toolkit's events (token fetches and waits,
 * verifications).
 */
export function timedOutcome<T>(
  work: () => Promise<T>,
  report: (
    timer: EventTimer,
    outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown },
  ) => void,
): Promise<T> {
  const timer = startTimer();
  return work().then(
    (value) => {
      report(timer, { ok: true, value });
      return value;
    },
    (error: unknown) => {
      report(timer, { ok: false, error });
      throw error;
    },
  );
}

/**
 * Reports one verification of an incoming notification: `signature.failed` when a check refused
 * it (a `SignatureError`), then `notification.verify` with the outcome and duration. `error` is
 * what the verification threw (`undefined`: it passed). Only names, codes and numbers are sent.
 */
export function emitVerification(
  handler: AuthEventHandler | undefined,
  provider: string,
  timer: EventTimer,
  result: { readonly error?: unknown; readonly duplicate?: boolean | undefined },
): void {
  if (handler === undefined) return;
  const durationMs = performance.now() - timer.started;
  if (!('error' in result)) {
    emitTo(handler, {
      type: 'notification.verify',
      provider,
      startTime: timer.startTime,
      outcome: 'success',
      durationMs,
      ...(result.duplicate === undefined ? {} : { duplicate: result.duplicate }),
    });
    return;
  }
  const { error } = result;
  emitSignatureFailed(handler, provider, error);
  const errorCode = errorCodeOf(error);
  emitTo(handler, {
    type: 'notification.verify',
    provider,
    startTime: timer.startTime,
    outcome: 'failure',
    durationMs,
    ...(isSignatureError(error) ? { check: error.check } : {}),
    ...(errorCode === undefined ? {} : { errorCode }),
  });
}

/** Which check refused an incoming request, and the code of that refusal (a `SignatureError` is one). */
export interface Refusal {
  readonly check: SignatureCheck;
  readonly code: AuthErrorCode;
}

/**
 * Reports one request a provider-side server answered: `signature.failed` when a check of its
 * signature refused it (`refused`: a `SignatureError`, or its check and code), then
 * `server.handle` with the status, outcome, the provider's response and service codes, and the
 * path template of `url` (never its query).
 */
export function emitServerHandle(
  handler: AuthEventHandler | undefined,
  provider: string,
  timer: EventTimer,
  answered: {
    readonly method: string;
    readonly url: string;
    readonly status: number;
    readonly responseCode?: string | undefined;
    readonly serviceCode?: string | undefined;
    readonly refused?: Refusal | undefined;
  },
): void {
  if (handler === undefined) return;
  const durationMs = performance.now() - timer.started;
  let urlPath: string;
  try {
    urlPath = pathTemplate(new URL(answered.url).pathname);
  } catch {
    urlPath = '/';
  }
  const { status, refused } = answered;
  if (refused !== undefined) {
    emitTo(handler, {
      type: 'signature.failed',
      provider,
      startTime: Date.now(),
      check: refused.check,
      code: refused.code,
    });
  }
  emitTo(handler, {
    type: 'server.handle',
    provider,
    startTime: timer.startTime,
    method: answered.method.toUpperCase(),
    urlPath,
    status,
    outcome: status >= 200 && status < 300 ? 'success' : 'failure',
    ...(answered.responseCode === undefined ? {} : { responseCode: answered.responseCode }),
    ...(answered.serviceCode === undefined ? {} : { serviceCode: answered.serviceCode }),
    ...(refused === undefined ? {} : { check: refused.check }),
    durationMs,
    ...(status >= 400 ? { errorType: String(status) } : {}),
  });
}

/** The code of a toolkit error, if it is one. */
export function errorCodeOf(error: unknown): AuthErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_') ? (code as AuthErrorCode) : undefined;
}
