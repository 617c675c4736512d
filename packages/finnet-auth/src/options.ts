/**
 * The options of `createFinnetAuth`: a hand-written public interface, and the valibot schema
 * (internal) that checks them up front. Messages are the *expected* text.
 */
import { type Clock, type Logger, optionSchemas, type RetryOptions, type TokenStore } from '@org/signing-core';
import * as v from 'valibot';
import type { HexKeyCase } from './signature.js';
import type { FinnetAnswer } from './token-rejection.js';
import type { TransNumberGenerator } from './trans-number.js';

export interface FinnetAuthOptions {
  /** The merchant secret key Finnet issued (the signature key). */
  secretKey: string;
  /**
   * Merchant username for `Authorization: Basic …`. Sent with `password` on every call when
   * both are given. The published SDKs send it; the widget documentation does not mention it.
   */
  username?: string | undefined;
  /** Merchant password for `Authorization: Basic …` (with `username`). */
  password?: string | undefined;
  /**
   * Scheme and host, e.g. `https://demos.finnet.co.id`. Default: the development host
   * `https://demos.finnet.co.id`. Finnet publishes no production URL: set it explicitly.
   */
  baseUrl?: string | undefined;
  /** Path of getToken. Default `/apicobrand/security/getToken`. */
  tokenPath?: string | undefined;
  /** Case of the hex text of the secret used as the HMAC key. Default `'lower'` (as the SDK). */
  hexKeyCase?: HexKeyCase | undefined;
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Epoch-ms clock, used for `reqDtime`, transNumbers and token expiry. Default `Date.now`. */
  clock?: Clock | undefined;
  /** Generates each request's transNumber (1 to 100 letters or digits). Default `TKN`/`TRX` + time + 12 random. */
  transNumber?: TransNumberGenerator | undefined;
  /** Where tokens are cached. Default: in memory, per auth object. */
  tokenStore?: TokenStore | undefined;
  /** Cache key in `tokenStore`. Default `finnet:<baseUrl>:<username or "-">`. */
  cacheKey?: string | undefined;
  /** How long before the (margin-adjusted) expiry a background refresh starts. Default: the core's (a fifth of the lifetime, at most 5 min). */
  refreshAheadMs?: number | undefined;
  /** A token is treated as expired this long before `tokenExpiry`. Default: the core's (10 s, at most a tenth of the lifetime). */
  expiryMarginMs?: number | undefined;
  /** Per-attempt timeout in ms. Default 15 000. */
  timeoutMs?: number | undefined;
  /** Retries of getToken (POST is retried: a token request is safe to repeat). Default 2 retries. */
  tokenRetry?: RetryOptions | number | undefined;
  /**
   * Retries of `request()` calls after network errors, timeouts, 5xx and 429. POST is retried only
   * if `methods` includes `'post'`. Default: the core's policy, under which POST is not retried.
   */
  requestRetry?: RetryOptions | number | undefined;
  /** Decides whether a failed answer means "the tokenID is invalid or expired". Default `isFinnetTokenRejected`. */
  isTokenRejected?: ((answer: FinnetAnswer) => boolean) | undefined;
  /** Receives warnings (background refresh failures, store outages, an expiry already past). Default: silent. */
  logger?: Logger | undefined;
}

const retrySchema = v.custom<RetryOptions | number>(
  (value) =>
    (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10) ||
    (value !== null && typeof value === 'object' && !Array.isArray(value)),
  'a whole number of retries from 0 to 10, or a retry options object',
);

const SECRET_KEY_EXPECTED = 'the merchant secret key as a non-empty string';

// Every option also accepts `undefined` (the interface says `?: T | undefined`), hence `v.optional`.
const optional = <T extends v.GenericSchema>(schema: T) => v.optional(schema);

/** Internal: the option schema. */
export const finnetAuthOptionsSchema = v.pipe(
  v.strictObject({
    secretKey: optionSchemas.nonEmptyString(SECRET_KEY_EXPECTED),
    username: optional(optionSchemas.nonEmptyString('a non-empty string (the merchant username)')),
    password: optional(optionSchemas.nonEmptyString('a non-empty string (the merchant password)')),
    baseUrl: optional(optionSchemas.baseUrl()),
    tokenPath: optional(optionSchemas.path()),
    hexKeyCase: optional(v.picklist(['lower', 'upper'], "'lower' or 'upper'")),
    fetch: optional(optionSchemas.func<typeof globalThis.fetch>('a fetch function')),
    clock: optional(optionSchemas.func<Clock>('a function returning epoch milliseconds')),
    transNumber: optional(optionSchemas.func<TransNumberGenerator>('a function returning a transNumber')),
    tokenStore: optional(
      optionSchemas.withMethods<TokenStore>(['get', 'set', 'delete'], 'a token store with get, set and delete'),
    ),
    cacheKey: optional(optionSchemas.nonEmptyString()),
    refreshAheadMs: optional(optionSchemas.milliseconds()),
    expiryMarginMs: optional(optionSchemas.milliseconds()),
    timeoutMs: optional(optionSchemas.milliseconds(1, 300_000)),
    tokenRetry: optional(retrySchema),
    requestRetry: optional(retrySchema),
    isTokenRejected: optional(optionSchemas.func<(answer: FinnetAnswer) => boolean>('a predicate function')),
    logger: optional(
      v.custom<Logger>((value) => value !== null && typeof value === 'object', 'a logger object (e.g. console)'),
    ),
  }),
  v.forward(
    v.check(
      (options) => (options.username === undefined) === (options.password === undefined),
      'username and password together, or neither',
    ),
    ['password'],
  ),
);
