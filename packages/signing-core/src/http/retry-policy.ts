/**
 * Retry timing, in one place for the ky client and the signing fetch: which methods and
 * statuses are retried, the backoff with jitter, the longest honoured `Retry-After`, and the
 * policy of token requests (safe to repeat).
 */
import { isHTTPError, type Options } from 'ky';
import { isAuthError, isTransportError } from '../errors/errors.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  limit?: number;
  /** Methods that may be retried after a network error, timeout or retryable status. */
  methods?: readonly string[];
  /** Statuses that are retried. Default 408, 429, 500, 502, 503, 504. */
  statusCodes?: readonly number[];
  /** Cap on one backoff delay. Default 10 s. */
  backoffLimitMs?: number;
  /**
   * Longest `Retry-After` waited for. A 429/503 asking for a longer wait is not retried: it
   * fails at once (`ERR_RATE_LIMITED` for 429) with the asked wait in `retryAfterMs`. Default 30 s.
   */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504];
/** Defaults of the bounds, in ms; documented in the README. */
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000; /** Methods retried by default: the idempotent ones (payments are POSTs, and are not). */
const IDEMPOTENT_METHODS = ['get', 'put', 'head', 'delete', 'options', 'trace'];

/** ky's retry options for a policy. */
export function kyRetry(retry: RetryOptions | number | undefined): NonNullable<Options['retry']> {
  const options: RetryOptions = typeof retry === 'number' ? { limit: retry } : (retry ?? {});
  const backoffLimit = options.backoffLimitMs ?? 10_000;
  return {
    limit: options.limit ?? 2,
    methods: [...(options.methods ?? IDEMPOTENT_METHODS)].map((m) => m.toLowerCase()),
    statusCodes: [...(options.statusCodes ?? DEFAULT_RETRY_STATUS_CODES)],
    afterStatusCodes: [413, 429, 503],
    maxRetryAfter: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    backoffLimit,
    retryOnTimeout: true,
    shouldRetry: ({ error }) => {
      // The bounded fetch's own typed failures: a broken connection or a deadline.
      if (isTransportError(error)) return error.code === 'ERR_NETWORK' || error.code === 'ERR_TIMEOUT';
      if (isAuthError(error)) return false;
      // A Retry-After longer than we are willing to wait: fail now instead of sleeping.
      if (isHTTPError(error) && [413, 429, 503].includes(error.response.status)) {
        const after = parseRetryAfter(error.response.headers.get('retry-after'));
        if (after !== undefined && after > (options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)) return false;
      }
      return undefined;
    },
    // Exponential backoff (300 ms, 600 ms, 1.2 s…) with "equal jitter": half fixed, half random.
    delay: (attempt) => 300 * 2 ** (attempt - 1),
    jitter: (delay) => delay / 2 + Math.random() * (delay / 2),
  };
}

/**
 * The retry policy of a token request, from the client's: a token request is a POST that is safe
 * to repeat (it only mints a token), so POST is retried like the idempotent methods; the limit,
 * statuses and backoff are the caller's.
 */
export function tokenRequestRetry(retry: RetryOptions | number | undefined): RetryOptions {
  return { ...(typeof retry === 'number' ? { limit: retry } : (retry ?? {})), methods: ['post'] };
}

/** A `Retry-After` value (seconds or an HTTP date) in ms; internal, shared with the signing fetch. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
