/**
 * `createFondyAuth` options: the public interface (hand-written) and its internal valibot
 * schema. Every bad option is reported at once, by name, with what was expected, never with
 * the value (options hold the secret key).
 */
import {
  type Clock,
  type Logger,
  optionSchemas,
  type RetryOptions,
  Secret,
  type TokenStore,
  validateOptions,
} from '@org/signing-core';
import * as v from 'valibot';
import { MAX_APPLICATION_ID_LENGTH, PACKAGE_NAME } from './constants.js';
import { defaultApiBaseUrl, type FondyHostName, fondyHosts, isFondyHostName } from './hosts.js';
import { characterCount } from './input-checks.js';

export interface FondyAuthOptions {
  /** Application (company) id from Fondy support, at most 20 characters. Sent as a string. */
  applicationId: string | number;
  /** The application's private key from Fondy support. Only its SHA-512 signature is ever sent. */
  secretKey: string | Secret;
  /**
   * Token host: a preset (`'wallet'`, `'portal'`, `'flitt'`, see `fondyHosts`) or an absolute URL
   * (e.g. a sandbox). Default `'wallet'` (`https://wallet.fondy.eu`).
   */
  baseUrl?: FondyHostName | (string & {}) | undefined;
  /**
   * Base URL of `auth.ky` and `auth.fetch` (the Company Reports API). Default: `baseUrl`, except
   * that the wallet host maps to `https://portal.fondy.eu`, where the docs put the report API.
   */
  apiBaseUrl?: FondyHostName | (string & {}) | undefined;
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Epoch-ms clock for the `date` salt and for token expiry. Default `Date.now`. */
  clock?: Clock | undefined;
  /**
   * Turns the current time into the request's `date` (any text up to 1024 characters; it salts
   * the signature). Default: UTC `YYYY-MM-DD HH:mm:ss`.
   */
  formatDate?: ((now: Date) => string) | undefined;
  /** Where tokens are cached (share one between instances or processes). Default: in memory. */
  tokenStore?: TokenStore | undefined;
  /** Start a background refresh this long before expiry. Default: a fifth of the lifetime, ≤ 5 min. */
  refreshAheadMs?: number | undefined;
  /** Treat a token as expired this long before `expires_in` runs out. Default 10 s. */
  expiryMarginMs?: number | undefined;
  /** Per-attempt HTTP timeout in ms. Default 15 000. */
  timeoutMs?: number | undefined;
  /** Retry policy for network errors, timeouts, 5xx and 429 (token requests included), or a limit. Default 2 retries. */
  retry?: RetryOptions | number | undefined;
  /** Receives token-store outages and background refresh failures. Default: silent. */
  logger?: Logger | undefined;
}

/** Options after validation and defaults. */
export interface ResolvedFondyAuthOptions {
  readonly applicationId: string;
  readonly secretKey: Secret;
  readonly baseUrl: string;
  readonly apiBaseUrl: string;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly clock: Clock | undefined;
  readonly formatDate: ((now: Date) => string) | undefined;
  readonly tokenStore: TokenStore | undefined;
  readonly refreshAheadMs: number | undefined;
  readonly expiryMarginMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly retry: RetryOptions | number | undefined;
  readonly logger: Logger | undefined;
}

const HOST_EXPECTED = `an absolute http(s) URL without query or fragment, or one of ${Object.keys(fondyHosts)
  .map((name) => `'${name}'`)
  .join(', ')}`;

const urlSchema = optionSchemas.baseUrl();

const host = () =>
  v.pipe(
    v.custom<string>(
      (value) => isFondyHostName(value) || (typeof value === 'string' && v.safeParse(urlSchema, value).success),
      HOST_EXPECTED,
    ),
    v.transform((value) => (isFondyHostName(value) ? fondyHosts[value] : v.parse(urlSchema, value))),
  );

const APPLICATION_ID_EXPECTED = `a non-empty string or whole number of at most ${MAX_APPLICATION_ID_LENGTH} characters`;

const schema = v.strictObject({
  applicationId: v.pipe(
    v.custom<string | number>((value) => {
      const text =
        typeof value === 'string'
          ? value
          : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
            ? String(value)
            : undefined;
      return text !== undefined && text.trim().length > 0 && characterCount(text) <= MAX_APPLICATION_ID_LENGTH;
    }, APPLICATION_ID_EXPECTED),
    v.transform(String),
  ),
  secretKey: v.pipe(
    v.custom<string | Secret>(
      (value) => value instanceof Secret || (typeof value === 'string' && value.length > 0),
      'a non-empty string or a Secret',
    ),
    v.transform((value) => Secret.from(value)),
  ),
  baseUrl: v.optional(host(), 'wallet'),
  apiBaseUrl: v.optional(host()),
  fetch: v.optional(optionSchemas.func<typeof globalThis.fetch>('a fetch function')),
  clock: v.optional(optionSchemas.func<Clock>('a function returning epoch milliseconds')),
  formatDate: v.optional(optionSchemas.func<(now: Date) => string>('a function (now: Date) => string')),
  tokenStore: v.optional(
    optionSchemas.withMethods<TokenStore>(['get', 'set', 'delete'], 'a TokenStore (get, set, delete)'),
  ),
  refreshAheadMs: v.optional(optionSchemas.milliseconds(0, 60 * 60 * 1000)),
  expiryMarginMs: v.optional(optionSchemas.milliseconds(0, 60 * 60 * 1000)),
  timeoutMs: v.optional(optionSchemas.milliseconds(1, 10 * 60 * 1000)),
  retry: v.optional(
    v.custom<RetryOptions | number>(
      (value) =>
        (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10) ||
        (value !== null && typeof value === 'object' && !Array.isArray(value)),
      'a retry limit from 0 to 10 or a RetryOptions object',
    ),
  ),
  logger: v.optional(
    v.custom<Logger>((value) => value !== null && typeof value === 'object', 'a logger object (e.g. console)'),
  ),
});

/**
 * Validates `createFondyAuth` options.
 *
 * @throws {ConfigError} listing every bad option.
 */
export function resolveOptions(options: FondyAuthOptions): ResolvedFondyAuthOptions {
  const out = validateOptions(PACKAGE_NAME, schema, options);
  return {
    applicationId: out.applicationId,
    secretKey: out.secretKey,
    baseUrl: out.baseUrl,
    apiBaseUrl: out.apiBaseUrl ?? defaultApiBaseUrl(out.baseUrl),
    fetch: out.fetch,
    clock: out.clock,
    formatDate: out.formatDate,
    tokenStore: out.tokenStore,
    refreshAheadMs: out.refreshAheadMs,
    expiryMarginMs: out.expiryMarginMs,
    timeoutMs: out.timeoutMs,
    retry: out.retry,
    logger: out.logger,
  };
}
