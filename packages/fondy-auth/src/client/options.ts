/**
 * `createFondyAuth` options: the public interface (hand-written) and its internal valibot
 * schema. Every bad option is reported at once, by name, with what was expected, never with
 * the value (options hold the secret key).
 */
import { type RetryOptions, Secret, type TokenClientOptions } from '@org/signing-core';
import {
  optionSchemas,
  type TokenClientParts,
  tokenClientOptionEntries,
  tokenClientPartsOf,
  validateOptions,
} from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { MAX_APPLICATION_ID_LENGTH, PACKAGE_NAME, PROVIDER } from '../protocol/constants.js';
import { defaultApiBaseUrl, type FondyHostName, fondyHosts, isFondyHostName } from '../protocol/hosts.js';
import { characterCount } from '../protocol/input-checks.js';

/**
 * Fondy's options plus the shared token-client options (`fetch`, `clock`, `tokenStore`,
 * `refreshAheadMs`, `expiryMarginMs`, `timeoutMs`, `retry`, `logger`). Here `clock` also
 * drives the `date` salt, and token requests (POST) are always retryable.
 */
export interface FondyAuthOptions extends TokenClientOptions {
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
  /**
   * Turns the current time into the request's `date` (any text up to 1024 characters; it salts
   * the signature). Default: UTC `YYYY-MM-DD HH:mm:ss`.
   */
  formatDate?: ((now: Date) => string) | undefined;
}

/** Options after validation and defaults. */
export interface ResolvedFondyAuthOptions extends TokenClientParts {
  readonly applicationId: string;
  readonly secretKey: Secret;
  readonly baseUrl: string;
  readonly apiBaseUrl: string;
  readonly clock: TokenClientOptions['clock'];
  readonly formatDate: ((now: Date) => string) | undefined;
  readonly retry: RetryOptions | number | undefined;
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
  baseUrl: v.exactOptional(v.optional(host(), 'wallet'), 'wallet'),
  apiBaseUrl: v.exactOptional(v.optional(host())),
  ...tokenClientOptionEntries(),
  formatDate: v.exactOptional(
    v.optional(optionSchemas.func<(now: Date) => string>('a function (now: Date) => string')),
  ),
});

/**
 * Validates `createFondyAuth` options.
 *
 * @throws {ConfigError} listing every bad option.
 */
export function resolveOptions(options: FondyAuthOptions): ResolvedFondyAuthOptions {
  const out = validateOptions(PACKAGE_NAME, schema, options, { provider: PROVIDER });
  return {
    applicationId: out.applicationId,
    secretKey: out.secretKey,
    baseUrl: out.baseUrl,
    apiBaseUrl: out.apiBaseUrl ?? defaultApiBaseUrl(out.baseUrl),
    clock: out.clock,
    formatDate: out.formatDate,
    retry: out.retry,
    ...tokenClientPartsOf(out),
  };
}
