/**
 * A `fetch` that signs every attempt, on the bounded fetch and without ky: for providers'
 * `auth.fetch`, where the caller wants the answer back as it came (any status), and where ky's
 * per-request machinery would cost more than the request itself.
 *
 * - The body is read once (a string, bytes, or any `BodyInit`), transformed once
 *   (`transformBody`, e.g. SNAP's minify), and the same bytes are signed and sent on every attempt.
 * - `sign` runs for every attempt, like the ky instance's signer.
 * - Retries: network errors, deadlines and the retry statuses, for the retry methods only
 *   (idempotent ones by default), with the same backoff and `Retry-After` bound as the client.
 *   After the last attempt the answer is returned as it is, like `fetch`.
 * - A token the provider rejects (`isTokenRejected`) is dropped (`onTokenRejected`) and the call
 *   is sent once more, re-signed, even with `retry: 0`.
 * - Failures without an answer are typed: `TransportError` `ERR_NETWORK`, `ERR_TIMEOUT`
 *   (per attempt, headers and body, and `totalTimeoutMs` for the call), `ERR_REDIRECT`,
 *   `ERR_ABORTED`; `ResponseFormatError` `ERR_RESPONSE_TOO_LARGE`.
 */
import { toBytes } from '../encoding/encoding.js';
import { isAuthError, SignatureError, TransportError } from '../errors/errors.js';
import { emitTo, errorCodeOf, type RetryCause, targetOf } from '../telemetry/events.js';
import {
  type BoundedAnswer,
  bufferedResponse,
  createBoundedExchange,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './bounded-fetch.js';
import type { AttemptBuilder, RequestSigner, TransportOptions } from './http-client.js';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_STATUS_CODES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
  parseRetryAfter,
  type RetryOptions,
} from './retry-policy.js';

/** The transport bounds of {@link TransportOptions} (relative paths are appended to `baseUrl`), and the signing. */
export interface SigningFetchOptions extends TransportOptions {
  /** Headers for each attempt, computed over its exact bytes. */
  sign: RequestSigner;
  /** Rewrites the body once, before the first attempt. */
  transformBody?: ((body: Uint8Array) => Uint8Array | Promise<Uint8Array>) | undefined;
  /**
   * Builds each attempt's body and/or headers from the caller's body, before `sign` (protocols
   * that sign inside the body, such as Finnet's). Its `token` is handed to `onTokenRejected`.
   */
  build?: AttemptBuilder | undefined;
  /**
   * Whether an answer says the token was rejected. Called for non-2xx answers, and for 2xx ones
   * too when `checkSuccessBodies` is set (providers that report failures inside a 200). `body` is
   * the parsed JSON, or the text when it is not JSON.
   */
  isTokenRejected?:
    | ((answer: { status: number; body: unknown }, request: { context: Readonly<Record<string, unknown>> }) => boolean)
    | undefined;
  checkSuccessBodies?: boolean | undefined;
  /**
   * Whether an answer says the provider rejected the request's timestamp. With
   * `clockCorrection`, its `Date` header corrects the clock and the call is re-signed and sent
   * once more; a correction over the bound is not made, and the answer is handed back as it came.
   */
  isTimestampRejected?:
    | ((answer: { status: number; body: unknown }, request: { context: Readonly<Record<string, unknown>> }) => boolean)
    | undefined;
  /** Drops the rejected token; gets the headers of the rejected attempt, and the token its `build` put in the body. */
  onTokenRejected?: ((rejected: Headers, built: { token?: string | undefined }) => Promise<void>) | undefined;
}

/** `init.context` is handed to the signer and the token-rejected test, like ky's `context`. */
export type SigningFetch = (
  input: string | URL | Request,
  init?: RequestInit & { context?: Record<string, unknown> },
) => Promise<Response>;

const IDEMPOTENT = new Set(['GET', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ABSOLUTE = /^[a-z][a-z\d+.-]*:/i;
/** Rejections are small bodies: a larger answer is a real one and is not decoded to be checked. */
const MAX_REJECTION_BODY_BYTES = 64 * 1024;

/** The context of a call given none: one frozen object for all. */
const NO_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({});

/** The call ends without an answer: its own deadline, or the caller's abort (or the caller's own timeout). */
function callFailure(
  reason: 'ERR_TIMEOUT' | 'ERR_ABORTED',
  attempts: number,
  provider: string,
  totalTimeoutMs: number,
  callerSignal: AbortSignal | undefined,
): TransportError {
  // A caller's `AbortSignal.timeout()` is a timeout too.
  const code =
    reason === 'ERR_ABORTED' && (callerSignal?.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
      ? 'ERR_TIMEOUT'
      : reason;
  return new TransportError(
    code,
    code === 'ERR_TIMEOUT' && reason === 'ERR_TIMEOUT'
      ? `${provider} did not answer within ${totalTimeoutMs} ms in all (${attempts} attempt${attempts === 1 ? '' : 's'})`
      : code === 'ERR_TIMEOUT'
        ? `the request to ${provider} timed out (the caller's signal)`
        : `the request to ${provider} was aborted`,
    { provider, attempts },
  );
}

/** Waits `ms`, or less if the caller aborts; false when the call's deadline (`left` ms away) comes first. */
function waitFor(ms: number, left: number, callerSignal: AbortSignal | undefined): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (ms >= left) return resolve(false);
    if (ms <= 0) return resolve(true);
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', done);
      resolve(true);
    }
    callerSignal?.addEventListener('abort', done, { once: true });
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The bytes of a body, and the Content-Type that `fetch` would have sent with it (a string's
 * `text/plain;charset=UTF-8`, FormData's `multipart/form-data; boundary=…`, a Blob's type): the
 * body is sent as bytes, so that header must come from here.
 */
async function bytesOf(body: BodyInit | null | undefined): Promise<{ bytes: Uint8Array; contentType?: string }> {
  if (body === undefined || body === null) return { bytes: EMPTY };
  if (typeof body === 'string') return { bytes: encoder.encode(body), contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: body };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body) };
  if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  const response = new Response(body);
  const contentType = response.headers.get('content-type');
  const bytes = new Uint8Array(await response.arrayBuffer());
  return contentType === null ? { bytes } : { bytes, contentType };
}

export function createSigningFetch(options: SigningFetchOptions): SigningFetch {
  const { provider, sign, onEvent } = options;
  const skew = options.clockCorrection;
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalTimeoutMs = options.totalTimeoutMs ?? Math.max(DEFAULT_TOTAL_TIMEOUT_MS, timeoutMs);
  const policy: RetryOptions = typeof options.retry === 'number' ? { limit: options.retry } : (options.retry ?? {});
  const limit = policy.limit ?? 2;
  const methods = new Set((policy.methods ?? [...IDEMPOTENT]).map((m) => m.toUpperCase()));
  const statuses = new Set(policy.statusCodes ?? DEFAULT_RETRY_STATUS_CODES);
  const backoffLimit = policy.backoffLimitMs ?? 10_000;
  const maxRetryAfter = policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  // The attempt's own controller and timer (below) span the whole exchange, body included: the
  // bounded exchange needs no deadline of its own (a second controller, timer and listener).
  const exchange = createBoundedExchange({
    provider,
    fetch: options.fetch,
    timeoutMs: 0,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    redirect: options.redirect,
  });
  const backoff = (retries: number) => Math.min(backoffLimit, 300 * 2 ** (retries - 1) * (0.5 + Math.random() / 2));

  return async function signingFetch(input, init) {
    let url: URL;
    let method: string;
    /** The caller's headers: each attempt starts from a fresh copy and adds its signature. */
    let headers: HeadersInit | undefined;
    /** The Content-Type `fetch` would give the body, set on each attempt that has none. */
    let bodyType: string | undefined;
    let body: Uint8Array;
    let callerSignal: AbortSignal | undefined;
    if (input instanceof Request) {
      const request = init ? new Request(input, init) : input;
      url = new URL(request.url);
      method = request.method.toUpperCase();
      headers = request.headers;
      body = request.body === null ? EMPTY : new Uint8Array(await request.arrayBuffer());
      callerSignal = request.signal;
    } else {
      if (typeof input !== 'string' && !(input instanceof URL)) {
        throw new TypeError(`[@org/signing-core] fetch: input must be a path, a URL or a Request`);
      }
      const text = String(input);
      url = ABSOLUTE.test(text) ? new URL(text) : new URL(`${base}/${text.replace(/^\/+/, '')}`);
      method = (init?.method ?? 'GET').toUpperCase();
      // A one-shot iterable (a generator) is read once; a record, an array or a Headers is reused.
      const given = init?.headers;
      headers =
        given !== undefined && !(given instanceof Headers) && !Array.isArray(given) && Symbol.iterator in given
          ? new Headers(given)
          : given;
      const read = await bytesOf(init?.body);
      body = read.bytes;
      bodyType = read.contentType;
      callerSignal = init?.signal ?? undefined;
    }
    if (options.transformBody && body.byteLength > 0) body = await options.transformBody(body);
    const context: Readonly<Record<string, unknown>> = init?.context ?? NO_CONTEXT;
    const target = url.pathname + url.search;
    const hasBody = body.byteLength > 0 || !(method === 'GET' || method === 'HEAD');

    // The call's deadline is a clock reading, not a controller: one controller and one timer per
    // attempt cover that attempt's own deadline and what is left of the call's.
    // No closures per call on the way to an answer: failures and waits are module functions.
    const startedAt = performance.now();

    let tokenRetried = false;
    let skewRetried = false;
    /** Why the next attempt is made, and the attempt's own timing, for `request.attempt` events. */
    let cause: RetryCause | undefined;
    const where = onEvent ? targetOf(url) : undefined;
    let attemptStart = 0;
    let attemptStartTime = 0;
    const report = (attempt: number, outcome: { status?: number; errorType?: string }) => {
      if (!onEvent || !where) return;
      emitTo(onEvent, {
        type: 'request.attempt',
        provider,
        startTime: attemptStartTime,
        method,
        ...where,
        attempt,
        ...(cause === undefined ? {} : { retryCause: cause }),
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
        durationMs: performance.now() - attemptStart,
        ...(outcome.errorType === undefined ? {} : { errorType: outcome.errorType }),
      });
    };
    for (let attempt = 0, retries = 0; ; attempt++) {
      if (callerSignal?.aborted) throw callFailure('ERR_ABORTED', attempt, provider, totalTimeoutMs, callerSignal);
      const left = totalTimeoutMs - (performance.now() - startedAt);
      if (left <= 0) throw callFailure('ERR_TIMEOUT', attempt, provider, totalTimeoutMs, callerSignal);
      const attemptHeaders = new Headers(headers);
      if (bodyType !== undefined && !attemptHeaders.has('content-type')) attemptHeaders.set('content-type', bodyType);
      let attemptBody = body;
      let builtToken: string | undefined;
      let signed: Record<string, string>;
      try {
        if (options.build) {
          const built = await options.build({ attempt, url, body, context });
          if (built.body !== undefined) attemptBody = toBytes(built.body);
          for (const [name, value] of Object.entries(built.headers ?? {})) attemptHeaders.set(name, value);
          builtToken = built.token;
        }
        signed = await sign({ method, url, target, body: attemptBody, headers: attemptHeaders, attempt, context });
      } catch (error) {
        if (isAuthError(error)) throw error;
        throw new SignatureError('ERR_SIGNING_FAILED', `signing the request to ${provider} failed`, 'signer', {
          provider,
          cause: error,
        });
      }
      for (const name in signed) attemptHeaders.set(name, signed[name] as string);

      if (onEvent) {
        attemptStart = performance.now();
        attemptStartTime = Date.now();
      }
      const controller = new AbortController();
      const span = Math.min(timeoutMs, left);
      let expired: 'attempt' | 'call' | undefined;
      const timer = setTimeout(() => {
        expired = span < timeoutMs ? 'call' : 'attempt';
        controller.abort();
      }, span);
      (timer as { unref?: () => void }).unref?.();
      const onCallerAbort = callerSignal ? () => controller.abort(callerSignal.reason) : undefined;
      if (onCallerAbort) callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
      let answer: BoundedAnswer;
      try {
        answer = await exchange(
          url,
          hasBody || attemptBody.byteLength > 0
            ? {
                method,
                headers: attemptHeaders,
                signal: controller.signal,
                redirect: 'manual',
                body: attemptBody as Uint8Array<ArrayBuffer>,
              }
            : { method, headers: attemptHeaders, signal: controller.signal, redirect: 'manual' },
        );
      } catch (error) {
        if (callerSignal?.aborted)
          throw callFailure('ERR_ABORTED', attempt + 1, provider, totalTimeoutMs, callerSignal);
        if (expired === 'call') throw callFailure('ERR_TIMEOUT', attempt + 1, provider, totalTimeoutMs, callerSignal);
        const typed =
          expired === 'attempt'
            ? new TransportError('ERR_TIMEOUT', `${provider} did not finish answering within ${timeoutMs} ms`, {
                provider,
              })
            : isAuthError(error)
              ? error
              : new TransportError('ERR_NETWORK', `could not reach ${provider}`, { provider });
        const transient = typed.code === 'ERR_NETWORK' || typed.code === 'ERR_TIMEOUT';
        report(attempt, { errorType: errorCodeOf(typed) ?? 'ERR_NETWORK' });
        if (transient && retries < limit && methods.has(method)) {
          retries += 1;
          cause = typed.code === 'ERR_TIMEOUT' ? 'timeout' : 'network';
          if (await waitFor(backoff(retries), totalTimeoutMs - (performance.now() - startedAt), callerSignal)) continue;
        }
        if (typed instanceof TransportError && typed.attempts === undefined) {
          throw new TransportError(typed.code, `${typed.message} (${attempt + 1} attempt${attempt === 0 ? '' : 's'})`, {
            provider,
            attempts: attempt + 1,
            ...(typed.redirect ? { redirect: typed.redirect } : {}),
          });
        }
        throw typed;
      } finally {
        clearTimeout(timer);
        if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort);
      }

      const { head } = answer;
      report(
        attempt,
        head.status >= 400 ? { status: head.status, errorType: String(head.status) } : { status: head.status },
      );
      if (
        options.isTokenRejected &&
        options.onTokenRejected &&
        !tokenRetried &&
        (!head.ok || options.checkSuccessBodies) &&
        answer.bytes.byteLength <= MAX_REJECTION_BODY_BYTES
      ) {
        // The bytes are already read: decoded here, no clone of the response.
        const text = decoder.decode(answer.bytes);
        if (options.isTokenRejected({ status: head.status, body: parse(text) }, { context })) {
          tokenRetried = true;
          await options.onTokenRejected(attemptHeaders, { token: builtToken });
          cause = 'token-rejected';
          continue;
        }
      }
      if (
        skew &&
        options.isTimestampRejected &&
        !skewRetried &&
        (!head.ok || options.checkSuccessBodies) &&
        answer.bytes.byteLength <= MAX_REJECTION_BODY_BYTES
      ) {
        const text = decoder.decode(answer.bytes);
        if (options.isTimestampRejected({ status: head.status, body: parse(text) }, { context })) {
          skewRetried = true;
          if (skew.learn(head.headers.get('date')).action === 'corrected') {
            cause = 'clock-skew';
            continue;
          }
        }
      }
      if (statuses.has(head.status) && retries < limit && methods.has(method)) {
        const after = parseRetryAfter(head.headers.get('retry-after'));
        if (after === undefined || after <= maxRetryAfter) {
          retries += 1;
          cause = head.status === 429 ? 'rate-limited' : 'status';
          if (
            (await waitFor(
              after ?? backoff(retries),
              totalTimeoutMs - (performance.now() - startedAt),
              callerSignal,
            )) &&
            !callerSignal?.aborted
          )
            continue;
        }
      }
      return bufferedResponse(answer);
    }
  };
}
