/**
 * Options of `createSnapAuth`: the public interface (hand-written) and the internal valibot
 * schema that validates them up front, naming every bad field and what was expected.
 */
import {
  parseUtcOffset,
  type ReplayStore,
  type RsaPrivateKeyInput,
  type RsaPublicKeyInput,
  type TokenClientOptions,
} from '@org/signing-core';
import { optionSchemas, tokenClientOptionEntries, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { PACKAGE_NAME, PROVIDER } from '../protocol/constants.js';
import type { SnapTimestampFormat } from '../protocol/timestamp.js';
import { checkKeyOption, privateKeySchema, publicKeySchema } from './key-options.js';

/**
 * Options of {@link createSnapAuth}. Spread a preset from `snapPresets` for the provider fields.
 *
 * Plus the shared token-client options of every provider package (`fetch`, `clock`,
 * `tokenStore`, `refreshAheadMs`, `expiryMarginMs`, `timeoutMs`, `retry`, `logger`). Here:
 * `clock` also writes X-TIMESTAMP and checks notification windows; `tokenStore` caches the B2B
 * token under `snap:<baseUrl>:<clientId>` (a store with `lock`, e.g. `redisTokenStore`, lets
 * replicas share one token and refresh it once; customer tokens are never stored); `retry`
 * always applies to token requests (safe to repeat), and to service calls only for idempotent
 * methods unless `retry.methods` says otherwise.
 */
export interface SnapAuthOptions extends TokenClientOptions {
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
   * `(bytes) => Promise<signature bytes>` for keys held in a KMS or HSM. Checked when the client
   * is created: an unusable key throws `KeyFormatError` (`[@org/snap-auth] privateKey: …`).
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
  /** The provider's RSA public key, to verify asymmetric notifications with `verifyNotification`. Checked when the client is created. */
  providerPublicKey?: RsaPublicKeyInput | undefined;
  /** Allowed X-TIMESTAMP skew of incoming notifications. Default 300 000 (±5 min). */
  notificationToleranceMs?: number | undefined;
  /** De-duplicates notification X-EXTERNAL-IDs (e.g. `memoryReplayStore()`). Default: none. */
  replayStore?: ReplayStore | undefined;
}

const offsetSchema = v.custom<string>((value) => {
  if (typeof value !== 'string') return false;
  try {
    parseUtcOffset(value);
    return true;
  } catch {
    return false;
  }
}, "'Z' or an offset ±HH:MM such as '+07:00'");

const timestampFormatSchema = v.strictObject(
  {
    offset: v.exactOptional(v.optional(offsetSchema)),
    milliseconds: v.exactOptional(v.optional(v.boolean('true or false'))),
  },
  'an object { offset?, milliseconds? }',
);

const optionalString = (what?: string) => v.exactOptional(v.optional(optionSchemas.nonEmptyString(what)));

// Strict: a misspelt option (`timestampFromat`) is a ConfigError with a "did you mean", not a
// signature failure in production. A preset's `name` and `notes` are known keys.
const schema = v.strictObject({
  ...tokenClientOptionEntries(),
  name: v.exactOptional(v.optional(v.string('a preset name (a string)'))),
  notes: v.exactOptional(v.optional(v.string('preset notes (a string)'))),
  baseUrl: optionSchemas.baseUrl(),
  tokenPath: v.exactOptional(v.optional(optionSchemas.path())),
  customerTokenPath: v.exactOptional(v.optional(optionSchemas.path())),
  clientId: optionSchemas.nonEmptyString('the client id (a non-empty string)'),
  privateKey: privateKeySchema,
  clientSecret: optionalString('the client secret (a non-empty string)'),
  partnerId: v.exactOptional(
    v.exactOptional(
      v.optional(
        v.pipe(
          optionSchemas.nonEmptyString('the partner id (a non-empty string of at most 36 characters)'),
          v.maxLength(36, 'the partner id (a non-empty string of at most 36 characters)'),
        ),
      ),
    ),
  ),
  channelId: optionalString('the channel id (a non-empty string)'),
  origin: optionalString('the origin (a non-empty string)'),
  timestampFormat: v.exactOptional(v.optional(timestampFormatSchema)),
  tokenTimestampFormat: v.exactOptional(v.optional(timestampFormatSchema)),
  grantTypeCase: v.exactOptional(v.optional(v.picklist(['upper', 'lower'], "'upper' or 'lower'"))),
  tokenRequestBody: v.exactOptional(
    v.exactOptional(
      v.optional(v.record(v.string(), v.unknown(), 'a JSON object such as { grantType: "client_credentials" }')),
    ),
  ),
  relativeUrl: v.exactOptional(v.optional(optionSchemas.func<(url: URL) => string>('a function (url: URL) => string'))),
  externalId: v.exactOptional(v.optional(optionSchemas.func<() => string>('a function () => string'))),
  providerPublicKey: v.exactOptional(v.optional(publicKeySchema)),
  notificationToleranceMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1))),
  replayStore: v.exactOptional(
    v.exactOptional(
      v.optional(optionSchemas.withMethods<ReplayStore>(['remember'], 'a replay store with remember(id, ttlMs)')),
    ),
  ),
});

/** The validated options. */
export type ValidatedSnapAuthOptions = SnapAuthOptions & { baseUrl: string };

/**
 * Validates `createSnapAuth` options: every field by type, then the content of `privateKey`
 * and `providerPublicKey` (parsed now, not on first use).
 *
 * @throws {ConfigError} listing every bad field and what was expected.
 * @throws {KeyFormatError} when `privateKey` or `providerPublicKey` has the right type but
 *   cannot be used as that RSA key; the message starts with `[@org/snap-auth] privateKey:`
 *   (or `providerPublicKey:`).
 */
export function validateSnapAuthOptions(options: unknown): ValidatedSnapAuthOptions {
  const config = validateOptions(PACKAGE_NAME, schema, options, { provider: PROVIDER }) as ValidatedSnapAuthOptions;
  checkKeyOption('privateKey', config.privateKey);
  if (config.providerPublicKey !== undefined) checkKeyOption('providerPublicKey', config.providerPublicKey);
  return config;
}
