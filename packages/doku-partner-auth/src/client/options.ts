/**
 * Options of `createDokuPartnerAuth`: the public interface (hand-written) and the internal
 * valibot schema that checks them up front.
 */
import {
  type Clock,
  type ClockCorrection,
  type RetryOptions,
  Secret,
  type TokenClientOptions,
} from '@org/signing-core';
import {
  clockCorrectionOf,
  optionSchemas,
  type TokenClientParts,
  tokenClientOptionEntries,
  tokenClientPartsOf,
  validateOptions,
} from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { DOKU_PARTNER_BASE_URLS, PACKAGE_NAME, PROVIDER } from '../protocol/constants.js';
import type { DokuResponseSignatureMode } from '../protocol/verify-response.js';

/** A Partner API environment from DOKU's docs: Test Mode (`api-uat`) or Production. */
export type DokuPartnerEnvironment = keyof typeof DOKU_PARTNER_BASE_URLS;

/**
 * What goes into `Request-Target`: `path` (default: the path only, as DOKU's examples show) or
 * `path-and-query` (path plus `?query`). DOKU does not document which one it expects when a
 * request has a query string.
 */
export type DokuRequestTargetMode = 'path' | 'path-and-query';

/**
 * DOKU's options plus the shared token-client options (`fetch`, `clock`, `tokenStore`,
 * `refreshAheadMs`, `expiryMarginMs`, `timeoutMs`, `retry`, `logger`). Here `clock` also drives
 * `Request-Timestamp` and notification windows, and token requests are always retryable.
 */
export interface DokuPartnerAuthOptions extends TokenClientOptions {
  /** Client ID (Brand ID, e.g. `BRN-0001-…`) shared by your DOKU Account Manager. */
  clientId: string;
  /** Secret Key from the DOKU Back Office. A core `Secret` keeps it out of logs. */
  secretKey: string | Secret;
  /** `'test'` (`https://api-uat.doku.com`), `'production'` (`https://api.doku.com`) or an absolute URL. */
  baseUrl: DokuPartnerEnvironment | (string & {});
  /** Requested token lifetime in minutes, sent as the string `valid_time`. Omitted when not set. */
  validTimeMinutes?: number | undefined;
  /** `Request-Id` generator, called once per logical call (its retries keep the id). Default: a random UUID v4. At most 128 characters. */
  requestId?: (() => string) | undefined;
  /** DOKU's response signature: `off`, `verify-if-present` (default) or `require`. */
  responseSignature?: DokuResponseSignatureMode | undefined;
  /** What `Request-Target` holds for a URL with a query string. Default `path`. */
  requestTarget?: DokuRequestTargetMode | undefined;
}

const clientIdText = 'a non-empty single-line string (the Client ID / Brand ID from DOKU)';
const minutes = 'a whole number of minutes from 1 to 525600';

const schema = v.strictObject({
  clientId: v.pipe(
    optionSchemas.nonEmptyString(clientIdText),
    v.check((value) => !/[\r\n]/.test(value), clientIdText),
  ),
  secretKey: v.union(
    [optionSchemas.nonEmptyString(), v.instance(Secret)],
    'a non-empty string or a Secret (the Secret Key from the DOKU Back Office)',
  ),
  baseUrl: v.union(
    [v.picklist(['test', 'production']), optionSchemas.baseUrl()],
    "'test', 'production' or an absolute http(s) URL without query or fragment",
  ),
  validTimeMinutes: v.exactOptional(
    v.optional(v.pipe(v.number(minutes), v.integer(minutes), v.minValue(1, minutes), v.maxValue(525_600, minutes))),
  ),
  requestId: v.exactOptional(v.optional(optionSchemas.func<() => string>('a function returning a Request-Id'))),
  responseSignature: v.exactOptional(
    v.optional(v.picklist(['off', 'verify-if-present', 'require'], "'off', 'verify-if-present' or 'require'")),
  ),
  requestTarget: v.exactOptional(v.optional(v.picklist(['path', 'path-and-query'], "'path' or 'path-and-query'"))),
  ...tokenClientOptionEntries(),
});

/** The options after validation, with the base URL resolved; the shared ones as the core's `transport` and `lifecycle`. */
export interface ResolvedOptions extends TokenClientParts {
  readonly clientId: string;
  readonly secretKey: Secret;
  readonly baseUrl: string;
  readonly validTimeMinutes: number | undefined;
  readonly clock: Clock;
  /** The client's clock correction: Request-Timestamp is written with its `now`. */
  readonly clockCorrection: ClockCorrection;
  readonly requestId: (() => string) | undefined;
  readonly retry: RetryOptions;
  readonly responseSignature: DokuResponseSignatureMode;
  readonly requestTarget: DokuRequestTargetMode;
}

/**
 * Validates the options and resolves defaults and presets.
 * @throws {ConfigError} listing every bad option (never its value).
 */
export function resolveOptions(input: DokuPartnerAuthOptions): ResolvedOptions {
  const o = validateOptions(PACKAGE_NAME, schema, input, { provider: PROVIDER });
  const baseUrl = o.baseUrl === 'test' || o.baseUrl === 'production' ? DOKU_PARTNER_BASE_URLS[o.baseUrl] : o.baseUrl;
  return {
    clientId: o.clientId.trim(),
    secretKey: Secret.from(o.secretKey),
    baseUrl,
    validTimeMinutes: o.validTimeMinutes,
    clock: o.clock ?? Date.now,
    clockCorrection: clockCorrectionOf(o, PROVIDER),
    requestId: o.requestId,
    retry: typeof o.retry === 'number' ? { limit: o.retry } : (o.retry ?? {}),
    responseSignature: o.responseSignature ?? 'verify-if-present',
    requestTarget: o.requestTarget ?? 'path',
    ...tokenClientPartsOf(o),
  };
}
