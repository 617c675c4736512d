/**
 * The HTTP transport every provider uses, on ky:
 *
 * - every attempt through one bounded `fetch` (`bounded-fetch.ts`): a deadline that covers the
 *   body, a body-size limit, no redirects (or same-origin only, without credentials), typed
 *   failures mid-body; and a total deadline for the call, retries and waits included;
 * - retries with exponential backoff and jitter for network errors, timeouts, 5xx and 429
 *   (`Retry-After` honoured up to `maxRetryAfterMs`; a longer one fails at once);
 * - a signing hook that runs for every attempt, so a retry carries a fresh timestamp,
 *   signature and request id, computed over the exact body bytes of that attempt;
 * - "token rejected" handling: when the provider says the token is invalid, the token is
 *   dropped, a new one is fetched and the call is retried once, re-signed;
 * - every failure mapped to a typed error: non-2xx → `ProviderError` (status, provider code,
 *   redacted body excerpt), HTML / truncated / non-JSON → `ResponseFormatError`, network,
 *   timeout and abort → `TransportError`. Raw ky errors (which hold the `Request` and so the
 *   `Authorization` header) never escape, not even as `cause`.
 */
import ky, {
  type AfterResponseState,
  type BeforeErrorState,
  type BeforeRequestState,
  type BeforeRetryState,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  type KyInstance,
} from 'ky';
import { toBytes } from '../encoding/encoding.js';
import {
  ConfigError,
  clockSkewNote,
  isAuthError,
  isProviderError,
  isTransportError,
  ProviderError,
  ResponseFormatError,
  SignatureError,
  TransportError,
} from '../errors/errors.js';
import { isSecretName, redactText, type Secret } from '../secret/secret.js';
import { SecretSet, type SecretValue } from '../secret/secret-set.js';
import type { AuthEventHandler } from '../telemetry/events.js';
import type { ClockCorrection } from '../time/clock-correction.js';
import { attemptHooks, markForcedRetry, resendContext } from './attempts.js';
import { createBoundedFetch, DEFAULT_MAX_RESPONSE_BYTES, networkReason, type RedirectPolicy } from './bounded-fetch.js';
import { bodyBytes, type JsonResponse, knownBody, notJsonError, parseBody, readJson } from './response-body.js';
import {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
  kyRetry,
  parseRetryAfter,
  type RetryOptions,
} from './retry-policy.js';

/** What a provider extracts from an error body: its own code and message. */
export interface ProviderErrorDescription {
  providerCode?: string | undefined;
  providerMessage?: string | undefined;
  details?: Record<string, unknown> | undefined;
  /** True when the body says the access token is invalid/expired (triggers refresh-and-retry). */
  tokenRejected?: boolean | undefined;
  /**
   * True when the provider rejected the request's timestamp (SNAP's `400xx01` "Invalid Field
   * Format [X-TIMESTAMP]", DOKU's and Finnet's own codes): with a `clockCorrection`, the
   * offset is learned from the answer's `Date` header and the request is re-signed once.
   */
  timestampRejected?: boolean | undefined;
  /** What the call was, named in the message: `finnet getToken answered HTTP 200 (E04 …)`. */
  subject?: string | undefined;
  /** A hint for the caller, appended to the message (scrubbed like the rest). */
  hint?: string | undefined;
  /**
   * The body is not a shape this request understands (e.g. `'JSON without a statusCode
   * string'`): a 2xx answer becomes a `ResponseFormatError` with this reason instead.
   */
  malformed?: string | undefined;
}

/** What a failure describer sees: the status, the parsed body (JSON, or the text), the text and the headers. */
export interface DescribedResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

/**
 * Reads a provider's failure out of an answer of any status, sync or async. For a 2xx answer,
 * `undefined` means success; for any other, it means "no code or message found".
 */
export type FailureDescriber = (
  response: DescribedResponse,
) => ProviderErrorDescription | undefined | Promise<ProviderErrorDescription | undefined>;

/** Where requests go and how they are bounded: shared by `createHttpClient` and `createSigningFetch`. */
export interface TransportOptions {
  /** Provider name for errors (`snap`, `finnet`, `doku`, `fondy`). */
  provider: string;
  /** Absolute base URL; request paths are appended to it. */
  baseUrl: string;
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Deadline of one attempt, from sending to the last body byte, in ms. Default 15 s. */
  timeoutMs?: number | undefined;
  /** Deadline of one call, all attempts and backoff waits included, in ms. Default 30 s (or `timeoutMs`, if longer). */
  totalTimeoutMs?: number | undefined;
  /** Largest response body read, in bytes; a larger one is `ERR_RESPONSE_TOO_LARGE`. Default 4 MiB. */
  maxResponseBytes?: number | undefined;
  /**
   * What a 3xx does. Default `'error'`: a typed `ERR_REDIRECT` naming the target origin.
   * `'same-origin'` follows up to 5 hops on the same origin, never https → http, and sends no
   * credential header (authorization, signatures, tokens) to the target.
   */
  redirect?: RedirectPolicy | undefined;
  /** Retry policy, or a retry limit. */
  retry?: RetryOptions | number | undefined;
  /** Receives one `request.attempt` event per attempt. A throwing handler is ignored. */
  onEvent?: AuthEventHandler | undefined;
  /**
   * The client's clock correction: an answer whose failure is `timestampRejected` teaches it the
   * provider's clock (its `Date` header), and the request is re-signed and sent once more. The
   * signer must write its timestamps with `clockCorrection.now`.
   */
  clockCorrection?: ClockCorrection | undefined;
}

export interface HttpClientOptions extends TransportOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Reads the provider's code and message out of a parsed (JSON) or text error body. */
  describeError?: ((response: { status: number; body: unknown }) => ProviderErrorDescription | undefined) | undefined;
  /**
   * For providers that report failures inside a 2xx body (Finnet's `statusCode`, Fondy's
   * `error_code` on HTTP 200): returns the failure's description, or `undefined` for a real
   * success. A failure becomes a `ProviderError`; one marked `tokenRejected` triggers the
   * refresh-and-retry-once of `signed()`.
   */
  describeSuccessFailure?:
    | ((response: { status: number; body: unknown }) => ProviderErrorDescription | undefined)
    | undefined;
  /** Known secrets to scrub from body excerpts, read at error time. */
  secrets?: (() => Iterable<string | Secret | undefined>) | undefined;
}

/** What a signer sees for one attempt. */
export interface SigningContext {
  /** Upper-case method. */
  readonly method: string;
  readonly url: URL;
  /** Path and query exactly as sent (`url.pathname + url.search`). */
  readonly target: string;
  /** The exact body bytes of this attempt (empty for no body). */
  readonly body: Uint8Array;
  /** Headers already on the request. */
  readonly headers: Headers;
  /** 0 for the first attempt, then 1, 2… */
  readonly attempt: number;
  /** ky's per-request `context` option, e.g. `{ withToken: false }` passed by the caller. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** Returns the headers to set on this attempt. */
export type RequestSigner = (context: SigningContext) => Promise<Record<string, string>> | Record<string, string>;

export interface SignedOptions {
  /** Signs each attempt afresh. */
  sign: RequestSigner;
  /**
   * Rewrites the body once, before the first attempt (e.g. SNAP minifies JSON), so the bytes
   * signed and the bytes sent are the same.
   */
  transformBody?: ((body: Uint8Array, request: Request) => Uint8Array | Promise<Uint8Array>) | undefined;
  /**
   * Builds each attempt's body and/or headers from the caller's original body, before `sign`:
   * for protocols that sign inside the body (Finnet's `tokenID`, `reqDtime` and `signature` in
   * the JSON), so a retry carries a fresh, freshly signed body. The secrets it returns are
   * scrubbed from the call's errors.
   */
  build?: AttemptBuilder | undefined;
  /**
   * Decides whether a non-2xx answer means "access token rejected"; it sees the request and
   * ky's per-request `context` (e.g. a call sent without a token is never "token rejected").
   * Default: the `tokenRejected` flag of the failure description.
   */
  isTokenRejected?:
    | ((
        response: { status: number; body: unknown },
        sent: { request: Request; context: Readonly<Record<string, unknown>> },
      ) => boolean)
    | undefined;
  /**
   * Drops the rejected token (called once, before the single re-signed retry). `token` is the
   * one the rejected attempt's `build` said it carried in its body.
   */
  onTokenRejected?: ((request: Request, rejected: { token?: string | undefined }) => Promise<void>) | undefined;
  /**
   * Reads failures of this instance's answers, of any status (2xx included), instead of the
   * client's `describeError` / `describeSuccessFailure`.
   */
  describeFailure?: FailureDescriber | undefined;
  /** Retry policy of this instance, instead of the client's. */
  retry?: RetryOptions | number | undefined;
}

/**
 * One request of the core's request primitive. Everything that varies between providers is
 * given per request: the body and headers of each attempt, how failures read, what "token
 * rejected" means and what to do then, and the secrets to scrub.
 */
export interface JsonRequest {
  method: string;
  /** Path (with query) appended to the base URL. */
  path: string;
  /** Exact body bytes or text to send (the same for every attempt). */
  body?: string | Uint8Array | undefined;
  /**
   * Builds each attempt's body and/or headers, for protocols that sign inside the body
   * (Finnet's `reqDtime` + `signature` + `tokenID`) or add per-attempt headers: a retry then
   * carries a freshly built and signed request. The secrets it returns (an in-body signature
   * or token) are scrubbed from the call's errors, at any concurrency.
   */
  build?: ((attempt: { attempt: number }) => BuiltRequest | Promise<BuiltRequest>) | undefined;
  headers?: Record<string, string> | undefined;
  /** Signs each attempt's headers over its exact bytes (after `build`). */
  sign?: RequestSigner | undefined;
  signal?: AbortSignal | undefined;
  retry?: RetryOptions | number | undefined;
  /** Reads this request's failures, of any status (2xx included), instead of the client's describers. */
  describeFailure?: FailureDescriber | undefined;
  /**
   * Refresh-and-send-once: when a failure is `tokenRejected`, this is called (drop the token)
   * and the request is built and sent once more; a second rejection is the call's error.
   */
  onTokenRejected?: (() => Promise<void> | void) | undefined;
  /** Extra secrets to scrub from this request's errors (e.g. an auth code or refresh token in its body). */
  secrets?: Iterable<SecretValue> | undefined;
}

/**
 * Builds one attempt's body and/or headers from the caller's body, for `signed()` and the signing
 * fetch (protocols that sign inside the body).
 */
export type AttemptBuilder = (input: {
  readonly attempt: number;
  readonly url: URL;
  readonly body: Uint8Array;
  readonly context: Readonly<Record<string, unknown>>;
}) => BuiltRequest | Promise<BuiltRequest>;

/** What a per-attempt builder returns: the body and/or headers, and the secrets they carry. */
export interface BuiltRequest {
  readonly body?: string | Uint8Array | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly secrets?: Iterable<SecretValue> | undefined;
  /** The token this attempt carries in its body, handed to `signed()`'s `onTokenRejected` if it is rejected. */
  readonly token?: string | undefined;
}

export interface HttpClient {
  /** ky with the client's base URL, timeout, retries and error mapping. */
  readonly ky: KyInstance;
  /** A ky instance that also signs every attempt and handles token rejection. */
  signed(options: SignedOptions): KyInstance;
  /** One request whose 2xx answer must be JSON; any other outcome is a typed error. */
  requestJson<T = unknown>(request: JsonRequest): Promise<JsonResponse<T>>;
}

const EMPTY = new Uint8Array(0);
const CALL = Symbol('call');
/** Per-call state, kept in ky's per-request context (ky copies the context shallowly per call). */
interface CallState {
  /**
   * Every secret the call used that its final request may not show: in-body secrets of each
   * attempt, and the credentials of an attempt whose token was rejected and replaced.
   */
  secrets?: SecretSet;
  /** The request's or instance's failure describer. */
  describe?: FailureDescriber | undefined;
  /** "Token rejected" as the signed instance defines it, for the final error's code. */
  isRejected?: ((response: DescribedResponse, request: Request) => boolean) | undefined;
  /** The refresh-and-retry-once has been used. */
  retried?: boolean;
  /** The caller's body, for a `build` that remakes every attempt from it. */
  original?: Uint8Array;
  /** The in-body token of the latest attempt `build` made. */
  token?: string | undefined;
  /** The clock-skew re-sign has been used. */
  skewRetried?: boolean;
  /** The latest failure was a timestamp rejection (set where the answer is read, for `requestJson`). */
  timestampRejected?: boolean;
  /** Its answer's `Date` header. */
  skewDate?: string | null;
}
function callOf(context: Readonly<Record<string | symbol, unknown>> | undefined): CallState {
  return (context?.[CALL] as CallState | undefined) ?? {};
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { provider } = options;
  /** The client's secrets and those of one call, as one set (built only when an error is). */
  const secretsFor = (extra: Iterable<SecretValue> = []) => new SecretSet(options.secrets?.() ?? [], extra);
  const excerpt = (text: string, extra: Iterable<SecretValue> = []) => redactText(text, { secrets: secretsFor(extra) });

  /**
   * The failure an answer reports: the request's own describer, else the client's
   * `describeSuccessFailure` (2xx) or `describeError` (any other status).
   */
  async function failureOf(
    describer: FailureDescriber | undefined,
    response: DescribedResponse,
  ): Promise<ProviderErrorDescription | undefined> {
    if (describer) return describer(response);
    const ok = response.status >= 200 && response.status < 300;
    return ok ? options.describeSuccessFailure?.(response) : options.describeError?.(response);
  }

  function providerError(
    status: number,
    description: ProviderErrorDescription,
    text: string,
    extra: { retryAfterMs?: number | undefined; suffix?: string; credentials?: Iterable<SecretValue> } = {},
  ): ProviderError {
    const secrets = secretsFor(extra.credentials);
    // A provider's code and message are scrubbed of every known secret (providers echo tokens).
    const scrub = (value: string | undefined) => (value === undefined ? undefined : secrets.scrub(value));
    const providerCode = scrub(description.providerCode);
    const providerMessage = scrub(description.providerMessage);
    const hint = scrub(description.hint);
    const bits = providerMessage && providerMessage !== providerCode ? [providerCode, providerMessage] : [providerCode];
    const providerBits = bits.filter(Boolean).join(' ');
    return new ProviderError(
      `${provider}${description.subject ? ` ${description.subject}` : ''} answered HTTP ${status}${providerBits ? ` (${providerBits})` : ''}${description.tokenRejected ? '; the token was rejected' : ''}${extra.suffix ?? ''}${hint ? `; ${hint}` : ''}`,
      {
        status,
        providerCode,
        providerMessage,
        bodyExcerpt: text ? redactText(text, { secrets }) : undefined,
        retryAfterMs: extra.retryAfterMs,
        details: description.details,
      },
      { provider, ...(description.tokenRejected ? { code: 'ERR_TOKEN_REJECTED' as const } : {}) },
    );
  }

  /** A 2xx answer whose failure describer found it malformed: a typed format error. */
  function malformedError(
    response: DescribedResponse,
    description: ProviderErrorDescription,
    credentials: Iterable<SecretValue>,
  ): ResponseFormatError {
    return new ResponseFormatError(
      `${provider}${description.subject ? ` ${description.subject}` : ''} answered HTTP ${response.status} with ${description.malformed}`,
      {
        status: response.status,
        contentType: response.headers.get('content-type'),
        bodyExcerpt: excerpt(response.text, credentials),
      },
      { provider },
    );
  }

  /** The typed error of a 2xx answer that reports a failure, or `undefined` for a success. */
  async function successError(
    describer: FailureDescriber | undefined,
    response: DescribedResponse,
    credentials: Iterable<SecretValue>,
    call?: CallState,
  ): Promise<ProviderError | ResponseFormatError | undefined> {
    if (!describer && !options.describeSuccessFailure) return undefined;
    const failure = await failureOf(describer, response);
    if (failure === undefined) return undefined;
    if (call) noteTimestampRejection(call, failure, response.headers);
    if (failure.malformed !== undefined) return malformedError(response, failure, credentials);
    return providerError(response.status, failure, response.text, { credentials });
  }

  async function mapError(error: unknown, attempts: number, call: CallState = {}): Promise<Error> {
    if (isTransportError(error) && error.attempts === undefined && error.code !== 'ERR_ABORTED') {
      // Raised inside the bounded fetch, which does not know how many attempts were made.
      return new TransportError(error.code, `${error.message} (${attempts} attempt${attempts === 1 ? '' : 's'})`, {
        provider,
        attempts,
        ...(error.redirect ? { redirect: error.redirect } : {}),
        ...(error.cause === undefined ? {} : { cause: error.cause }),
      });
    }
    if (isAuthError(error)) return error;
    if (isHTTPError(error)) {
      const { response, request } = error;
      const data = error.data;
      const text = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
      const described = { status: response.status, body: data, text, headers: response.headers };
      const description = { ...((await failureOf(call.describe, described)) ?? {}) };
      if (call.isRejected?.(described, request)) description.tokenRejected = true;
      noteTimestampRejection(call, description, response.headers);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return providerError(response.status, description, text, {
        retryAfterMs,
        credentials: [...credentialsOf(request), ...(call.secrets ?? [])],
        suffix: response.status === 429 ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '',
      });
    }
    if (isTimeoutError(error)) {
      return new TransportError(
        'ERR_TIMEOUT',
        `${provider} did not answer within ${timeoutMs} ms per attempt and ${totalTimeoutMs} ms in all (${attempts} attempt${attempts === 1 ? '' : 's'})`,
        { provider, attempts },
      );
    }
    if (isNetworkError(error)) {
      return new TransportError(
        'ERR_NETWORK',
        `could not reach ${provider}: ${networkReason(error.cause)} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
        {
          provider,
          attempts,
          cause: error.cause,
        },
      );
    }
    if (error instanceof Error && error.name === 'AbortError') {
      return new TransportError('ERR_ABORTED', `the request to ${provider} was aborted`, { provider, attempts });
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  /** Remembers, for `requestJson`'s re-sign, that an answer rejected the request's timestamp. */
  function noteTimestampRejection(call: CallState, description: ProviderErrorDescription, headers: Headers): void {
    if (description.timestampRejected !== true || options.clockCorrection === undefined) return;
    call.timestampRejected = true;
    call.skewDate = headers.get('date');
  }

  const attempts = options.onEvent ? attemptHooks(provider, options.onEvent) : undefined;
  /** The attempt hooks that go last in `beforeRequest` / `beforeRetry` (after signing). */
  const startFirst = attempts ? [attempts.startFirst] : [];
  const startRetry = attempts ? [attempts.startRetry] : [];
  const skew = options.clockCorrection;

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A per-attempt timeout longer than the default total raises the default total with it.
  const totalTimeoutMs = options.totalTimeoutMs ?? Math.max(DEFAULT_TOTAL_TIMEOUT_MS, timeoutMs);
  const base = ky.create({
    baseUrl: `${checkBaseUrl(options.baseUrl, provider).replace(/\/+$/, '')}/`,
    timeout: timeoutMs,
    totalTimeout: totalTimeoutMs,
    redirect: 'manual',
    retry: kyRetry(options.retry),
    fetch: createBoundedFetch({
      provider,
      fetch: options.fetch,
      // ky's per-attempt timer (and `totalTimeout`) spans the whole bounded fetch, body read
      // included, and aborts its signal: no second timer here.
      timeoutMs: 0,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      redirect: options.redirect,
    }),
    ...(options.headers ? { headers: options.headers } : {}),
    // `.json()` on a 2xx that is not JSON (HTML page, truncated body) is a typed error; an
    // unparsable *error* body is kept as text so it still shows up in the error's excerpt.
    parseJson: (text: string, { request, response }: { request: Request; response: Response }) => {
      try {
        return JSON.parse(text);
      } catch {
        if (!response.ok) return text;
        throw notJsonError(provider, response, text, excerpt(text, credentialsOf(request)));
      }
    },
    hooks: {
      ...(attempts
        ? {
            init: [attempts.init],
            beforeRequest: [attempts.startFirst],
            afterResponse: [attempts.response],
            beforeRetry: [attempts.retry, attempts.startRetry],
          }
        : {}),
      beforeError: [
        ...(attempts ? [attempts.error] : []),
        ({ error, retryCount, options: kyOptions }: BeforeErrorState) =>
          mapError(error, retryCount + 1, callOf(kyOptions.context)),
      ],
    },
  });

  function signed(signedOptions: SignedOptions): KyInstance {
    // With a body transform, what ky was handed is not what is sent: only the first attempt
    // knows its transformed bytes; retries read them back from the request.
    const { build } = signedOptions;
    const buildFor = build
      ? async ({
          attempt,
          url,
          context,
        }: {
          attempt: number;
          url: URL;
          context: Readonly<Record<string, unknown>>;
        }) => {
          const call = callOf(context);
          const built = await build({ attempt, url, body: call.original ?? EMPTY, context });
          call.secrets?.addAll(built.secrets ?? []);
          call.token = built.token;
          return built;
        }
      : undefined;
    const hooks = signingHooks(
      signedOptions.sign,
      provider,
      buildFor,
      !signedOptions.transformBody && buildFor === undefined,
    );
    const describer = signedOptions.describeFailure;
    const checksSuccess = describer !== undefined || options.describeSuccessFailure !== undefined;
    const isRejected = (response: DescribedResponse, request: Request, context: Readonly<Record<string, unknown>>) =>
      signedOptions.isTokenRejected?.(response, { request, context }) === true;
    // The refresh-and-retry-once must work even when retries are disabled: keep ky's limit at
    // least 1 and, when the caller asked for none, refuse every ordinary retry.
    // A clock-skew re-sign is a forced retry like it, within the same limit.
    const retry = kyRetry(signedOptions.retry ?? options.retry) as Exclude<ReturnType<typeof kyRetry>, number>;
    const noRetries = retry.limit === 0;
    const limit = Math.max(1, retry.limit ?? 0);
    return base.extend({
      retry: { ...retry, limit, ...(noRetries ? { shouldRetry: () => false } : {}) },
      hooks: {
        init: [
          (kyOptions) => {
            const context = { ...kyOptions.context };
            const call: CallState = {
              secrets: new SecretSet(),
              describe: describer,
              isRejected: signedOptions.isTokenRejected
                ? (response, request) => isRejected(response, request, context)
                : undefined,
              retried: false,
            };
            kyOptions.context = Object.assign(context, { [CALL]: call });
          },
        ],
        beforeRequest: [
          async (state: BeforeRequestState) => {
            if (buildFor) {
              let original = knownBody(state.request, state.options.body) ?? (await bodyBytes(state.request));
              if (signedOptions.transformBody && original.byteLength > 0) {
                original = await signedOptions.transformBody(original, state.request);
              }
              const call = callOf(state.options.context);
              call.original = original;
              const built = await buildFor({
                attempt: 0,
                url: new URL(state.request.url),
                context: state.options.context,
              });
              const body = built.body === undefined ? original : toBytes(built.body);
              const replaced = new Request(state.request, {
                ...(state.request.body === null && built.body === undefined
                  ? {}
                  : { body: body as Uint8Array<ArrayBuffer> }),
              });
              for (const [name, value] of Object.entries(built.headers ?? {})) replaced.headers.set(name, value);
              await hooks.beforeRequest({ ...state, request: replaced }, body);
              return replaced;
            }
            if (signedOptions.transformBody && state.request.body !== null) {
              const original = knownBody(state.request, state.options.body) ?? (await bodyBytes(state.request));
              const body = await signedOptions.transformBody(original, state.request);
              if (body !== original) {
                const replaced = new Request(state.request, { body: body as Uint8Array<ArrayBuffer> });
                await hooks.beforeRequest({ ...state, request: replaced }, body);
                return replaced;
              }
              return hooks.beforeRequest(state, original);
            }
            return hooks.beforeRequest(state);
          },
          ...startFirst,
        ],
        beforeRetry: [hooks.beforeRetry, ...startRetry],
        afterResponse: [
          async ({ request, response, options: kyOptions, retryCount }: AfterResponseState) => {
            if (response.ok ? !checksSuccess : !signedOptions.onTokenRejected && !skew) return;
            const call = callOf(kyOptions.context);
            const text = await response.clone().text();
            const described = { status: response.status, body: parseBody(text), text, headers: response.headers };
            const failure = response.ok ? await failureOf(describer, described) : undefined;
            if (response.ok && failure === undefined) return;
            const rejected = failure
              ? failure.tokenRejected === true
              : call.isRejected
                ? call.isRejected(described, request)
                : (await failureOf(describer, described))?.tokenRejected === true;
            if (rejected && signedOptions.onTokenRejected && !call.retried) {
              call.retried = true;
              call.secrets?.addAll(credentialsOf(request));
              await signedOptions.onTokenRejected(request, { token: call.token });
              markForcedRetry(kyOptions.context, 'token-rejected');
              return ky.retry({ delay: 0 });
            }
            if (skew && !call.skewRetried && retryCount < limit) {
              const description = failure ?? (response.ok ? undefined : await failureOf(describer, described));
              if (description?.timestampRejected === true) {
                const verdict = skew.learn(response.headers.get('date'));
                if (verdict.action === 'corrected') {
                  call.skewRetried = true;
                  markForcedRetry(kyOptions.context, 'clock-skew');
                  return ky.retry({ delay: 0 });
                }
                if (verdict.action === 'refused') {
                  const credentials = [...credentialsOf(request), ...(call.secrets ?? [])];
                  throw clockSkewError(providerError(response.status, description, text, { credentials }), verdict);
                }
              }
            }
            if (failure) {
              const credentials = [...credentialsOf(request), ...(call.secrets ?? [])];
              if (failure.malformed !== undefined) throw malformedError(described, failure, credentials);
              throw providerError(response.status, failure, text, { credentials });
            }
            return;
          },
        ],
      },
    });
  }

  async function requestJson<T>(request: JsonRequest): Promise<JsonResponse<T>> {
    // Every secret this call uses, its attempts' included: one set, read when an error is built.
    const call: CallState = { secrets: new SecretSet(request.secrets ?? []), describe: request.describeFailure };
    const builder = request.build;
    const buildFor = builder
      ? async (attempt: { attempt: number }): Promise<BuiltRequest> => {
          const built = await builder(attempt);
          call.secrets?.addAll(built.secrets ?? []);
          return built;
        }
      : undefined;
    const hooks = request.sign || buildFor ? signingHooks(request.sign, provider, buildFor) : undefined;
    const instance = hooks
      ? base.extend({
          hooks: {
            beforeRequest: [hooks.beforeRequest, ...startFirst],
            beforeRetry: [hooks.beforeRetry, ...startRetry],
          },
        })
      : base;
    /** Why the request is sent again (token rejected, clock corrected), for the attempt events. */
    let resent: { cause: 'token-rejected' | 'clock-skew'; attempts: number } | undefined;
    let sentAttempts = 0;

    const send = async (): Promise<JsonResponse<T>> => {
      const first = buildFor ? await buildFor({ attempt: 0 }) : undefined;
      const body = first ? first.body : request.body;
      const headers = first?.headers ? { ...request.headers, ...first.headers } : request.headers;
      const response = await instance(request.path.replace(/^\/+/, ''), {
        method: request.method,
        ...(body === undefined ? {} : { body: body as string | Uint8Array<ArrayBuffer> }),
        ...(headers ? { headers } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.retry === undefined ? {} : { retry: kyRetry(request.retry) }),
        context: { [CALL]: call, ...(resent ? resendContext(resent.cause, resent.attempts) : {}) },
      });
      const secrets = call.secrets ?? [];
      const result = await readJson<T>(response, provider, (text) => excerpt(text, secrets));
      const failure = await successError(
        request.describeFailure,
        { status: result.status, body: result.data, text: result.text, headers: result.headers },
        secrets,
        call,
      );
      if (failure) throw failure;
      return result;
    };

    let tokenRetried = false;
    for (;;) {
      try {
        return await send();
      } catch (error) {
        sentAttempts += isTransportError(error) ? (error.attempts ?? 1) : 1;
        // Clock skew: the provider rejected the timestamp; its Date header corrects the clock
        // (within the bound) and the request is built and signed once more.
        if (call.timestampRejected === true && isProviderError(error) && skew) {
          call.timestampRejected = false;
          const verdict = call.skewRetried ? { action: 'none' as const } : skew.learn(call.skewDate);
          if (verdict.action === 'refused') throw clockSkewError(error, verdict);
          if (verdict.action === 'corrected') {
            call.skewRetried = true;
            resent = { cause: 'clock-skew', attempts: sentAttempts };
            continue;
          }
          throw error;
        }
        // Refresh-and-send-once: the token travels in what `build` makes (a body, a header), so
        // the whole request is built again after the caller drops the rejected token.
        if (tokenRetried || !request.onTokenRejected || !isAuthError(error) || error.code !== 'ERR_TOKEN_REJECTED') {
          throw error;
        }
        tokenRetried = true;
        await request.onTokenRejected();
        resent = { cause: 'token-rejected', attempts: sentAttempts };
      }
    }
  }

  return { ky: base, signed, requestJson };
}

/**
 * ky hooks that sign the first attempt and every retry over that attempt's exact bytes; with
 * `buildFor`, each retry first gets a freshly built body and headers (and so a fresh in-body signature).
 */
function signingHooks(
  sign: RequestSigner | undefined,
  provider: string,
  buildFor?: (attempt: {
    attempt: number;
    url: URL;
    context: Readonly<Record<string, unknown>>;
  }) => Promise<BuiltRequest>,
  optionsBodyIsSent = true,
) {
  const apply = async (
    request: Request,
    attempt: number,
    context: Readonly<Record<string, unknown>>,
    known?: Uint8Array,
  ) => {
    let current = request;
    if (buildFor && attempt > 0) {
      const built = await buildFor({ attempt, url: new URL(request.url), context });
      if (built.body !== undefined) {
        current = new Request(request, { body: toBytes(built.body) as Uint8Array<ArrayBuffer> });
      }
      for (const [name, value] of Object.entries(built.headers ?? {})) current.headers.set(name, value);
    }
    if (sign) {
      const url = new URL(current.url);
      let headers: Record<string, string>;
      try {
        headers = await sign({
          method: current.method.toUpperCase(),
          url,
          target: url.pathname + url.search,
          body: current === request && known !== undefined ? known : await bodyBytes(current),
          headers: current.headers,
          attempt,
          context,
        });
      } catch (error) {
        if (isAuthError(error)) throw error;
        throw new SignatureError('ERR_SIGNING_FAILED', `signing the request to ${provider} failed`, 'signer', {
          provider,
          cause: error,
        });
      }
      for (const [name, value] of Object.entries(headers)) current.headers.set(name, value);
    }
    return current === request ? undefined : current;
  };
  return {
    /** `sent`: the exact bytes of this request's body, when the caller already has them. */
    beforeRequest: async ({ request, options }: BeforeRequestState, sent?: Uint8Array) =>
      apply(request, 0, options.context, sent ?? (optionsBodyIsSent ? knownBody(request, options.body) : undefined)),
    beforeRetry: async ({ request, retryCount, options }: BeforeRetryState) =>
      apply(
        request,
        retryCount,
        options.context,
        buildFor || !optionsBodyIsSent ? undefined : knownBody(request, options.body),
      ),
  };
}

/**
 * The credentials a request carried (the value of every `Authorization*` header and of every
 * header whose name says secret, e.g. `X-SIGNATURE`, `Signature`, and the token after its scheme): a provider that echoes the token it just rejected must not leak
 * it through the error, even after the token manager has forgotten it.
 */
function credentialsOf(request: Request): string[] {
  const out: string[] = [];
  request.headers.forEach((value, name) => {
    if (!/^authorization/i.test(name) && !isSecretName(name)) return;
    out.push(value);
    const space = value.indexOf(' ');
    if (space > 0) out.push(value.slice(space + 1).trim());
  });
  return out;
}

/** A base URL must be absolute http(s), without credentials (they would end up in errors). */
function checkBaseUrl(baseUrl: string, provider: string): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new ConfigError(
      'createHttpClient: invalid options',
      [{ path: 'baseUrl', expected: 'an absolute http(s) URL without user:password@', received: typeof baseUrl }],
      { provider },
    );
  }
  return baseUrl;
}

/**
 * The error of a timestamp rejection whose `Date` header is further off than the bound: the
 * provider's error (status, code, scrubbed excerpt) under `ERR_CLOCK_SKEW`, saying by how much.
 */
function clockSkewError(
  error: ProviderError,
  verdict: { readonly offsetMs: number; readonly maxOffsetMs: number },
): ProviderError {
  return new ProviderError(
    `${error.message}${clockSkewNote(verdict.offsetMs, verdict.maxOffsetMs)}`,
    {
      status: error.status,
      providerCode: error.providerCode,
      providerMessage: error.providerMessage,
      bodyExcerpt: error.bodyExcerpt,
      retryAfterMs: error.retryAfterMs,
      details: { ...(error.details ?? {}), clockOffsetMs: verdict.offsetMs, maxClockSkewMs: verdict.maxOffsetMs },
    },
    { provider: error.provider, code: 'ERR_CLOCK_SKEW' },
  );
}
