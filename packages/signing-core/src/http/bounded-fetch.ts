/**
 * The one place where bytes come off the wire. Every attempt made by the core's HTTP client
 * goes through a `fetch` built here, which:
 *
 * - has one deadline for the whole attempt, headers *and* body: a server that sends its status
 *   line and then stalls, or drips one byte every few seconds, ends in `ERR_TIMEOUT`;
 * - reads the body to memory with a size limit (`ERR_RESPONSE_TOO_LARGE`), so no caller reads
 *   from the network afterwards and an endless body costs at most the limit;
 * - never follows a redirect by default (`ERR_REDIRECT`, naming the target origin). With
 *   `redirect: 'same-origin'` it follows up to five hops on the same origin, never from https
 *   to http, and drops every credential header (authorization, signatures, tokens) first;
 * - turns a connection that breaks mid-body into `ERR_NETWORK` instead of undici's raw
 *   `TypeError: terminated`, and a connection that cannot be made into `ERR_NETWORK` on every
 *   runtime: each one rejects differently (undici `TypeError: fetch failed`, Bun `TypeError:
 *   Unable to connect…`, workerd a plain `Error: Network connection lost.`), and ky recognises only
 *   some of them.
 *
 * Only Web APIs: it runs unchanged on Node, Bun, Deno and Workers.
 */
import { isAuthError, ResponseFormatError, TransportError } from '../errors/errors.js';
import { isSecretName } from '../secret/secret.js';

/** What a 3xx answer does. */
export type RedirectPolicy = 'error' | 'same-origin';

export interface BoundedFetchOptions {
  /** Provider name for errors. */
  provider: string;
  /** The underlying `fetch`. Default: the global one, looked up at call time. */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Deadline of one attempt, from sending to the last body byte, in ms. `0`: none of its own, for
   * a caller whose signal already carries one (the core's ky instances: ky's per-attempt timer
   * spans this whole function, body included).
   */
  timeoutMs: number;
  /** Largest body read, in bytes. */
  maxResponseBytes: number;
  /** Default `'error'`. */
  redirect?: RedirectPolicy | undefined;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function isRedirect(response: Response): boolean {
  return (
    response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304)
  );
}

/** Headers that carry a credential: never sent to a redirect target. */
function withoutCredentials(headers: Headers): Headers {
  const out = new Headers();
  headers.forEach((value, name) => {
    if (/^(authorization|cookie|proxy-authorization)$/i.test(name) || isSecretName(name)) return;
    out.set(name, value);
  });
  return out;
}

function describeTarget(location: string | null, base: string): { origin: string; url: URL | undefined } {
  if (!location) return { origin: 'an unknown location', url: undefined };
  try {
    const url = new URL(location, base);
    return { origin: url.origin, url };
  } catch {
    return { origin: 'an invalid location', url: undefined };
  }
}

/**
 * Reads a body to memory, at most `maxBytes`, giving up when `signal` aborts. Rejects with
 * `ResponseFormatError ERR_RESPONSE_TOO_LARGE` past the limit, and rethrows the stream's own
 * error otherwise (the caller types it).
 */
export async function readBodyBounded(
  response: Response,
  maxBytes: number,
  provider: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const length = response.headers.get('content-length');
  const declared = length === null ? Number.NaN : Number(length);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, maxBytes, provider);
  }
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  // A declared length within the limit: the runtime's own read (it fails on a short body, and the
  // caller's signal still aborts it). Otherwise count the chunks as they come.
  if (Number.isFinite(declared)) {
    if (signal?.aborted) throw signal.reason;
    return new Uint8Array(await response.arrayBuffer());
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason;
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(response, maxBytes, provider);
      }
      chunks.push(value);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(response: Response, maxBytes: number, provider: string): ResponseFormatError {
  return new ResponseFormatError(
    `${provider} answered HTTP ${response.status} with a body larger than ${maxBytes} bytes (maxResponseBytes)`,
    { status: response.status, contentType: response.headers.get('content-type') },
    { provider, code: 'ERR_RESPONSE_TOO_LARGE' },
  );
}

/**
 * What one bounded exchange read: the answer's status line and headers (`head`, whose body is
 * consumed) and its whole body. Internal: the signing fetch inspects the bytes before it builds
 * the one `Response` it hands back, instead of cloning (teeing) a buffered one.
 */
export interface BoundedAnswer {
  readonly head: Response;
  readonly bytes: Uint8Array;
  readonly url: string;
}

/** The buffered `Response` of an answer: the bytes read, the head's status and headers, its URL. */
export function bufferedResponse(answer: BoundedAnswer): Response {
  const { head } = answer;
  const response = new Response(
    NULL_BODY_STATUSES.has(head.status) ? null : (answer.bytes as Uint8Array<ArrayBuffer>),
    { status: head.status, statusText: head.statusText, headers: head.headers },
  );
  Object.defineProperty(response, 'url', { value: answer.url });
  return response;
}

function deadlineError(provider: string, timeoutMs: number): TransportError {
  return new TransportError('ERR_TIMEOUT', `${provider} did not finish answering within ${timeoutMs} ms`, {
    provider,
  });
}

/** A failure typed: our deadline (`expired`, its controller), the caller's abort, or a broken connection. */
function typedFailure(
  error: unknown,
  stage: 'connect' | 'body',
  provider: string,
  expired: AbortController | undefined,
  callerSignal: AbortSignal | null | undefined,
): unknown {
  if (expired) return expired.signal.reason;
  if (callerSignal?.aborted) return callerSignal.reason ?? error;
  if (error instanceof ResponseFormatError || error instanceof TransportError) return error;
  if (stage === 'connect') {
    // A failure raised by a caller's own fetch on purpose stays what it is.
    if (isAuthError(error)) return error;
    // Nothing was answered: whatever the runtime threw (see the module comment), the provider
    // could not be reached. The core's retry policy retries this like ky's own NetworkError.
    return new TransportError('ERR_NETWORK', `could not reach ${provider}: ${networkReason(error)}`, {
      provider,
      cause: error,
    });
  }
  return new TransportError('ERR_NETWORK', `the connection to ${provider} broke while reading the response`, {
    provider,
    cause: error,
  });
}

/**
 * Why a connection failed, without the URL: the system error code when the runtime gives one
 * (undici puts it on the cause, Bun on the error), else the error's message.
 */
export function networkReason(error: unknown): string {
  const code =
    (error as { cause?: { code?: unknown }; code?: unknown } | undefined)?.cause?.code ??
    (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : 'network error';
}

/** An init that says nothing (ky passes `{}`): the request is sent as it is. */
function isEmptyInit(init: RequestInit | undefined): boolean {
  if (init === undefined) return true;
  for (const _ in init) return false;
  return true;
}

/** A `fetch` whose every call is bounded in time and size and refuses redirects (see above). */
export function createBoundedFetch(options: BoundedFetchOptions): typeof globalThis.fetch {
  const exchange = createBoundedExchange(options);
  return async function boundedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    return bufferedResponse(await exchange(input, init));
  };
}

/** The bounded fetch, stopping short of building the buffered `Response`. Internal. */
export function createBoundedExchange(
  options: BoundedFetchOptions,
): (input: string | URL | Request, init?: RequestInit) => Promise<BoundedAnswer> {
  const { provider, timeoutMs, maxResponseBytes } = options;
  const policy = options.redirect ?? 'error';

  return async function boundedExchange(input: string | URL | Request, init?: RequestInit): Promise<BoundedAnswer> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const outer = input instanceof Request ? input.signal : undefined;
    const callerSignal = init?.signal ?? outer;
    // An own deadline needs an own controller, linked to the caller's signal; without one the
    // caller's signal is used as it is (no allocation, no listener).
    const controller = timeoutMs > 0 ? new AbortController() : undefined;
    const signal = controller?.signal ?? callerSignal ?? undefined;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Closures only for an own deadline: the common calls (ky's, the signing fetch's) allocate none.
    const onCallerAbort = controller && callerSignal ? () => controller.abort(callerSignal.reason) : undefined;
    if (controller) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(deadlineError(provider, timeoutMs));
      }, timeoutMs);
      (timer as { unref?: () => void }).unref?.();
      if (onCallerAbort) {
        if (callerSignal?.aborted) onCallerAbort();
        else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
      }
    }

    try {
      // ky's requests already say `redirect: 'manual'` and carry their signal, and ky adds an empty
      // init: sent as they are (a non-empty init would make the runtime build a second Request).
      // Anything else goes to the runtime's fetch with the same init, so it builds the one Request.
      const passThrough =
        input instanceof Request && isEmptyInit(init) && input.redirect === 'manual' && signal === input.signal;
      // An init that already says `redirect: 'manual'` with the signal to use (the signing fetch's)
      // is used as it is, not copied.
      const firstInit: RequestInit | undefined =
        passThrough || (init?.redirect === 'manual' && init.signal === signal)
          ? init
          : { ...init, ...(signal ? { signal } : {}), redirect: 'manual' };
      // Only a same-origin redirect needs the request's parts again: then build it (and keep its body).
      let request: Request | undefined = policy === 'same-origin' ? new Request(input, firstInit) : undefined;
      const replayBody = request && request.body !== null ? await request.clone().arrayBuffer() : null;
      for (let hop = 0; ; hop++) {
        let response: Response;
        try {
          response = await (request ? fetchImpl(request) : fetchImpl(input, firstInit));
        } catch (error) {
          throw typedFailure(error, 'connect', provider, timedOut ? controller : undefined, callerSignal);
        }
        if (isRedirect(response)) {
          const requestUrl = request?.url ?? (input instanceof Request ? input.url : String(input));
          await response.body?.cancel().catch(() => {});
          const from = new URL(requestUrl);
          const target = describeTarget(response.headers.get('location'), requestUrl);
          const sameOrigin = target.url !== undefined && target.url.origin === from.origin;
          const downgrade = target.url !== undefined && from.protocol === 'https:' && target.url.protocol === 'http:';
          if (!request || !sameOrigin || downgrade || hop >= MAX_REDIRECTS || !target.url) {
            const why =
              policy !== 'same-origin'
                ? 'redirects are not followed'
                : !sameOrigin
                  ? 'only same-origin redirects are followed'
                  : hop >= MAX_REDIRECTS
                    ? `more than ${MAX_REDIRECTS} redirects`
                    : 'https to http is never followed';
            throw new TransportError(
              'ERR_REDIRECT',
              `${provider} answered HTTP ${response.status} redirecting to ${target.origin}: ${why}`,
              { provider, redirect: { status: response.status, origin: target.origin } },
            );
          }
          const keepsMethod = response.status === 307 || response.status === 308;
          const method = keepsMethod || request.method === 'GET' || request.method === 'HEAD' ? request.method : 'GET';
          const headers = withoutCredentials(request.headers);
          if (method !== request.method) {
            headers.delete('content-type');
            headers.delete('content-length');
          }
          request = new Request(target.url, {
            method,
            headers,
            ...(signal ? { signal } : {}),
            redirect: 'manual',
            ...(method === request.method && replayBody !== null ? { body: replayBody } : {}),
          });
          continue;
        }
        let bytes: Uint8Array;
        try {
          bytes = await readBodyBounded(response, maxResponseBytes, provider, signal);
        } catch (error) {
          throw typedFailure(error, 'body', provider, timedOut ? controller : undefined, callerSignal);
        }
        return {
          head: response,
          bytes,
          url: response.url || request?.url || (input instanceof Request ? input.url : String(input)),
        };
      }
    } finally {
      if (controller) {
        clearTimeout(timer);
        if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort);
      }
    }
  };
}
