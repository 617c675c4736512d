/**
 * The options of `createFinnetAuth`: a hand-written public interface, and the valibot schema
 * (internal) that checks them up front. Messages are the *expected* text.
 */
import type { RetryOptions, TokenClientOptions } from '@org/signing-core';
import { optionSchemas, tokenClientOptionEntries } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import type { HexKeyCase } from '../protocol/signature.js';
import type { FinnetAnswer } from '../protocol/token-rejection.js';
import type { TransNumberGenerator } from '../protocol/trans-number.js';

/**
 * Finnet's options plus the shared token-client options (`fetch`, `clock`, `tokenStore`,
 * `refreshAheadMs`, `expiryMarginMs`, `timeoutMs`, `logger`) except `retry`: Finnet takes
 * `tokenRetry` and `requestRetry` instead. Here `clock` also drives `reqDtime` and transNumbers.
 */
export interface FinnetAuthOptions extends Omit<TokenClientOptions, 'retry'> {
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
  /** Generates each request's transNumber (1 to 100 letters or digits). Default `TKN`/`TRX` + time + 12 random. */
  transNumber?: TransNumberGenerator | undefined;
  /** Cache key in `tokenStore`. Default `finnet:<baseUrl>:<username or "-">`. */
  cacheKey?: string | undefined;
  /** Retries of getToken (POST is retried: a token request is safe to repeat). Default 2 retries. */
  tokenRetry?: RetryOptions | number | undefined;
  /**
   * Retries of `request()` calls after network errors, timeouts, 5xx and 429. POST is retried only
   * if `methods` includes `'post'`. Default: the core's policy, under which POST is not retried.
   */
  requestRetry?: RetryOptions | number | undefined;
  /** Decides whether a failed answer means "the tokenID is invalid or expired". Default `isFinnetTokenRejected`. */
  isTokenRejected?: ((answer: FinnetAnswer) => boolean) | undefined;
}

const SECRET_KEY_EXPECTED = 'the merchant secret key as a non-empty string';

// Every option also accepts `undefined` (the interface says `?: T | undefined`), hence `v.optional`.
const optional = <T extends v.GenericSchema>(schema: T) => v.exactOptional(v.optional(schema));

// Finnet has no single `retry`: token and widget calls are retried separately.
const { retry: _retry, ...sharedEntries } = tokenClientOptionEntries();

/** Internal: the option schema. */
export const finnetAuthOptionsSchema = v.pipe(
  v.strictObject({
    secretKey: optionSchemas.nonEmptyString(SECRET_KEY_EXPECTED),
    username: optional(optionSchemas.nonEmptyString('a non-empty string (the merchant username)')),
    password: optional(optionSchemas.nonEmptyString('a non-empty string (the merchant password)')),
    baseUrl: optional(optionSchemas.baseUrl()),
    tokenPath: optional(optionSchemas.path()),
    hexKeyCase: optional(v.picklist(['lower', 'upper'], "'lower' or 'upper'")),
    transNumber: optional(optionSchemas.func<TransNumberGenerator>('a function returning a transNumber')),
    cacheKey: optional(optionSchemas.nonEmptyString()),
    tokenRetry: optional(optionSchemas.retry()),
    requestRetry: optional(optionSchemas.retry()),
    isTokenRejected: optional(optionSchemas.func<(answer: FinnetAnswer) => boolean>('a predicate function')),
    ...sharedEntries,
  }),
  v.forward(
    v.check(
      (options) => (options.username === undefined) === (options.password === undefined),
      'username and password together, or neither',
    ),
    ['password'],
  ),
);
