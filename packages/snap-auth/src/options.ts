/**
 * Options of `createSnapAuth`: the public interface (hand-written) and the internal valibot
 * schema that validates them up front, naming every bad field and what was expected.
 */
import {
  type Clock,
  type Logger,
  optionSchemas,
  parseUtcOffset,
  type ReplayStore,
  type RetryOptions,
  RsaPrivateKey,
  type RsaPrivateKeyInput,
  RsaPublicKey,
  type RsaPublicKeyInput,
  type TokenStore,
  validateOptions,
} from '@org/signing-core';
import * as v from 'valibot';
import { PACKAGE_NAME } from './constants.js';
import { asSnapSync } from './provider-errors.js';
import type { SnapTimestampFormat } from './timestamp.js';

/** Options of {@link createSnapAuth}. Spread a preset from `snapPresets` for the provider fields. */
export interface SnapAuthOptions {
  /** Scheme and host (optionally a path prefix) of the provider, e.g. `https://api.senmo.id`. */
  baseUrl: string;
  /** Path of the B2B token endpoint. Default `/v1.0/access-token/b2b`. */
  tokenPath?: string | undefined;
  /**
   * Path of the B2B2C token endpoint. Default: `tokenPath` with its final `/b2b` replaced by
   * `/b2b2c`, or `/v1.0/access-token/b2b2c`.
   */
  customerTokenPath?: string | undefined;
  /** The client id issued by the provider: sent as X-CLIENT-KEY and signed in token requests. */
  clientId: string;
  /**
   * Your RSA private key for token requests: PKCS#8 or PKCS#1 PEM, bare base64, DER bytes, a
   * `CryptoKey` (RSASSA-PKCS1-v1_5 / SHA-256, usage `sign`), or a signer function
   * `(bytes) => Promise<signature bytes>` for keys held in a KMS or HSM.
   */
  privateKey: RsaPrivateKeyInput;
  /** The client secret: HMAC-SHA512 key of service-call signatures (and symmetric notifications). */
  clientSecret?: string | undefined;
  /** X-PARTNER-ID. Default: `clientId`. */
  partnerId?: string | undefined;
  /** CHANNEL-ID sent on service calls (provider-assigned, often 5 digits). Omitted when not set. */
  channelId?: string | undefined;
  /** ORIGIN sent on service calls when set. */
  origin?: string | undefined;
  /** How X-TIMESTAMP is written. Default `{ offset: '+07:00', milliseconds: false }`. */
  timestampFormat?: SnapTimestampFormat | undefined;
  /** X-TIMESTAMP format for token requests only, when the provider wants another one there. Default: `timestampFormat`. */
  tokenTimestampFormat?: SnapTimestampFormat | undefined;
  /** Case of the B2B2C `grantType` values (`AUTHORIZATION_CODE` or `authorization_code`). Default `'upper'`. */
  grantTypeCase?: 'upper' | 'lower' | undefined;
  /** JSON body of the B2B token request. Default `{ "grantType": "client_credentials" }`. */
  tokenRequestBody?: Readonly<Record<string, unknown>> | undefined;
  /**
   * The relative URL that service signatures cover, from the request URL. Default: path and
   * query exactly as sent. Pass `canonicalSnapRelativeUrl` for the Faspay canonical form.
   */
  relativeUrl?: ((url: URL) => string) | undefined;
  /** X-EXTERNAL-ID generator. Default: 36 digits, unique per process (see the README). */
  externalId?: (() => string) | undefined;
  /** Where B2B tokens are cached (e.g. `redisTokenStore` to share one between replicas). Default: in memory. */
  tokenStore?: TokenStore | undefined;
  /** How long before expiry a background refresh starts. Default: a fifth of the lifetime, at most 5 min. */
  refreshAheadMs?: number | undefined;
  /** A token counts as expired this long before the provider's expiry. Default 10 s (at most a tenth of the lifetime). */
  expiryMarginMs?: number | undefined;
  /** The provider's RSA public key, to verify asymmetric notifications with `verifyNotification`. */
  providerPublicKey?: RsaPublicKeyInput | undefined;
  /** Allowed X-TIMESTAMP skew of incoming notifications. Default 300 000 (±5 min). */
  notificationToleranceMs?: number | undefined;
  /** De-duplicates notification X-EXTERNAL-IDs (e.g. `memoryReplayStore()`). Default: none. */
  replayStore?: ReplayStore | undefined;
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Epoch-ms clock for timestamps and token expiry. Default `Date.now`. */
  clock?: Clock | undefined;
  /** Per-attempt timeout in ms. Default 15 000. */
  timeoutMs?: number | undefined;
  /**
   * Retries for network errors, timeouts, 5xx and 429. Token requests are retried (safe);
   * service calls only for idempotent methods unless `methods` says otherwise. Default 2.
   */
  retry?: RetryOptions | number | undefined;
  /** Receives token-store outages and background-refresh failures. Default: silent. */
  logger?: Logger | undefined;
}

const isCryptoKey = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object CryptoKey]';

const privateKeySchema = v.custom<RsaPrivateKeyInput>(
  (value) =>
    (typeof value === 'string' && value.trim().length > 0) ||
    value instanceof Uint8Array ||
    typeof value === 'function' ||
    value instanceof RsaPrivateKey ||
    isCryptoKey(value),
  'an RSA private key (PEM or base64 text, DER bytes, a CryptoKey or a signer function)',
);

const publicKeySchema = v.custom<RsaPublicKeyInput>(
  (value) =>
    (typeof value === 'string' && value.trim().length > 0) ||
    value instanceof Uint8Array ||
    value instanceof RsaPublicKey ||
    isCryptoKey(value),
  'an RSA public key (PEM or base64 text, DER bytes or a CryptoKey)',
);

const offsetSchema = v.custom<string>((value) => {
  if (typeof value !== 'string') return false;
  try {
    parseUtcOffset(value);
    return true;
  } catch {
    return false;
  }
}, "'Z' or an offset ±HH:MM such as '+07:00'");

const timestampFormatSchema = v.object(
  {
    offset: v.exactOptional(v.optional(offsetSchema)),
    milliseconds: v.exactOptional(v.optional(v.boolean('true or false'))),
  },
  'an object { offset?, milliseconds? }',
);

const retrySchema = v.union(
  [
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10)),
    v.object({
      limit: v.exactOptional(v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10)))),
      methods: v.exactOptional(v.optional(v.array(v.string()))),
      statusCodes: v.exactOptional(v.optional(v.array(v.number()))),
      backoffLimitMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
      maxRetryAfterMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
    }),
  ],
  'a retry limit from 0 to 10, or { limit?, methods?, statusCodes?, backoffLimitMs?, maxRetryAfterMs? }',
);

const optionalString = (what?: string) => v.exactOptional(v.optional(optionSchemas.nonEmptyString(what)));

const schema = v.object({
  baseUrl: optionSchemas.baseUrl(),
  tokenPath: v.exactOptional(v.optional(optionSchemas.path())),
  customerTokenPath: v.exactOptional(v.optional(optionSchemas.path())),
  clientId: optionSchemas.nonEmptyString('the client id (a non-empty string)'),
  privateKey: privateKeySchema,
  clientSecret: optionalString('the client secret (a non-empty string)'),
  partnerId: v.exactOptional(
    v.optional(
      v.pipe(
        optionSchemas.nonEmptyString('the partner id (a non-empty string of at most 36 characters)'),
        v.maxLength(36, 'the partner id (a non-empty string of at most 36 characters)'),
      ),
    ),
  ),
  channelId: optionalString('the channel id (a non-empty string)'),
  origin: optionalString('the origin (a non-empty string)'),
  timestampFormat: v.exactOptional(v.optional(timestampFormatSchema)),
  tokenTimestampFormat: v.exactOptional(v.optional(timestampFormatSchema)),
  grantTypeCase: v.exactOptional(v.optional(v.picklist(['upper', 'lower'], "'upper' or 'lower'"))),
  tokenRequestBody: v.exactOptional(
    v.optional(v.record(v.string(), v.unknown(), 'a JSON object such as { grantType: "client_credentials" }')),
  ),
  relativeUrl: v.exactOptional(v.optional(optionSchemas.func<(url: URL) => string>('a function (url: URL) => string'))),
  externalId: v.exactOptional(v.optional(optionSchemas.func<() => string>('a function () => string'))),
  tokenStore: v.exactOptional(
    v.optional(
      optionSchemas.withMethods<TokenStore>(['get', 'set', 'delete'], 'a token store with get, set and delete'),
    ),
  ),
  refreshAheadMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
  expiryMarginMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
  providerPublicKey: v.exactOptional(v.optional(publicKeySchema)),
  notificationToleranceMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1))),
  replayStore: v.exactOptional(
    v.optional(optionSchemas.withMethods<ReplayStore>(['remember'], 'a replay store with remember(id, ttlMs)')),
  ),
  fetch: v.exactOptional(v.optional(optionSchemas.func<typeof globalThis.fetch>('a fetch function'))),
  clock: v.exactOptional(v.optional(optionSchemas.func<Clock>('a function returning epoch milliseconds'))),
  timeoutMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 10 * 60_000))),
  retry: v.exactOptional(v.optional(retrySchema)),
  logger: v.exactOptional(v.optional(v.custom<Logger>((x) => typeof x === 'object' && x !== null, 'a logger object'))),
});

/** The validated options (unknown keys, e.g. a preset's `name`, dropped). */
export type ValidatedSnapAuthOptions = SnapAuthOptions & { baseUrl: string };

/**
 * Validates `createSnapAuth` options.
 *
 * @throws {ConfigError} listing every bad field and what was expected.
 */
export function validateSnapAuthOptions(options: unknown): ValidatedSnapAuthOptions {
  return asSnapSync(() => validateOptions(PACKAGE_NAME, schema, options) as ValidatedSnapAuthOptions);
}
