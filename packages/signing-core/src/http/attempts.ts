/**
 * Per-attempt events for the ky transport: one `request.attempt` event for every attempt of a
 * call (token requests, signed calls), timed from just after the attempt was signed to its
 * answer or failure, with the cause of each retry. The signing fetch reports its attempts itself
 * (it is one loop, without ky).
 *
 * The hooks keep their state in ky's per-request `context`, under a symbol, so concurrent calls
 * on one instance never mix.
 */
import {
  type AfterResponseState,
  type BeforeErrorState,
  type BeforeRequestState,
  type BeforeRetryState,
  isHTTPError,
  isTimeoutError,
  type Options,
} from 'ky';
import { isTransportError } from '../errors/errors.js';
import { type AuthEventHandler, emitTo, errorCodeOf, type RetryCause, targetOf } from '../telemetry/events.js';

const ATTEMPT = Symbol('attempt');
const RESEND = Symbol('resend');

/**
 * The context of a request sent again by its caller (after a rejected token or a clock
 * correction): its attempts are numbered on from `attempts`, the first with `cause`.
 */
export function resendContext(cause: RetryCause, attempts: number): Record<symbol, unknown> {
  return { [RESEND]: { cause, attempts } };
}

interface AttemptState {
  /** Attempts made before this ky call (by an earlier send of the same request). */
  base: number;
  attempt: number;
  open: boolean;
  started: number;
  startTime: number;
  method: string;
  url: string;
  cause: RetryCause | undefined;
  /** Set by the hook that forces a retry (token rejected, clock skew), read by the next `beforeRetry`. */
  forcedCause: RetryCause | undefined;
}

function stateOf(context: Readonly<Record<string | symbol, unknown>> | undefined): AttemptState | undefined {
  return context?.[ATTEMPT] as AttemptState | undefined;
}

/** Marks the next retry of this call as caused by `cause` (a forced retry from `afterResponse`). */
export function markForcedRetry(context: Readonly<Record<string | symbol, unknown>> | undefined, cause: RetryCause) {
  const state = stateOf(context);
  if (state) state.forcedCause = cause;
}

/** The cause of a retry, from the error ky retries on. */
function causeOf(error: unknown, state: AttemptState): RetryCause {
  if (state.forcedCause !== undefined) {
    const forced = state.forcedCause;
    state.forcedCause = undefined;
    return forced;
  }
  if (isHTTPError(error)) return error.response.status === 429 ? 'rate-limited' : 'status';
  if (isTimeoutError(error) || (isTransportError(error) && error.code === 'ERR_TIMEOUT')) return 'timeout';
  return 'network';
}

/** What failed, for `error.type`: the toolkit's code, a timeout, else a network failure. */
function errorTypeOf(error: unknown): string {
  if (isHTTPError(error)) return String(error.response.status);
  if (isTimeoutError(error)) return 'ERR_TIMEOUT';
  return errorCodeOf(error) ?? 'ERR_NETWORK';
}

/**
 * ky hooks that report attempts to `onEvent`. `start` goes last in `beforeRequest` and
 * `beforeRetry` (after signing, so a token wait or a signature is not counted as the attempt);
 * `response`, `retry` and `error` go first in theirs.
 */
export function attemptHooks(provider: string, onEvent: AuthEventHandler) {
  const end = (state: AttemptState, outcome: { status?: number; errorType?: string }) => {
    state.open = false;
    let target: ReturnType<typeof targetOf>;
    try {
      target = targetOf(new URL(state.url));
    } catch {
      return;
    }
    emitTo(onEvent, {
      type: 'request.attempt',
      provider,
      startTime: state.startTime,
      method: state.method,
      ...target,
      attempt: state.attempt,
      ...(state.cause === undefined ? {} : { retryCause: state.cause }),
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      durationMs: performance.now() - state.started,
      ...(outcome.errorType === undefined ? {} : { errorType: outcome.errorType }),
    });
  };
  const start = (request: Request, options: { context?: unknown }, attempt: number) => {
    const state = stateOf(options.context as Record<symbol, unknown> | undefined);
    if (!state) return;
    state.attempt = state.base + attempt;
    state.open = true;
    state.started = performance.now();
    state.startTime = Date.now();
    state.method = request.method.toUpperCase();
    state.url = request.url;
  };
  return {
    init: (options: Options) => {
      const resend = (options.context as Record<symbol, unknown> | undefined)?.[RESEND] as
        | { cause: RetryCause; attempts: number }
        | undefined;
      const state: AttemptState = {
        base: resend?.attempts ?? 0,
        attempt: 0,
        open: false,
        started: 0,
        startTime: 0,
        method: 'GET',
        url: '',
        cause: resend?.cause,
        forcedCause: undefined,
      };
      options.context = { ...options.context, [ATTEMPT]: state };
    },
    startFirst: ({ request, options }: BeforeRequestState) => {
      start(request, options, 0);
    },
    startRetry: ({ request, options, retryCount }: BeforeRetryState) => {
      start(request, options, retryCount);
    },
    response: ({ response, options }: AfterResponseState) => {
      const state = stateOf(options.context);
      if (state?.open)
        end(
          state,
          response.status >= 400
            ? { status: response.status, errorType: String(response.status) }
            : { status: response.status },
        );
    },
    retry: ({ error, options }: BeforeRetryState) => {
      const state = stateOf(options.context);
      if (!state) return;
      if (state.open) end(state, { errorType: errorTypeOf(error) });
      state.cause = causeOf(error, state);
    },
    error: (stateArg: BeforeErrorState) => {
      const state = stateOf(stateArg.options.context);
      if (state?.open) end(state, { errorType: errorTypeOf(stateArg.error) });
      return stateArg.error;
    },
  };
}
