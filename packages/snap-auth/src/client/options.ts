/**
 * Options of `createSnapAuth`: the public interface (hand-written) and the internal valibot
 * schema that validates them up front, naming every bad field and what was expected.
 */
import {
  ConfigError,
  parseUtcOffset,
  type ReplayStore,
  type RsaPrivateKeyInput,
  type RsaPublicKeyInput,
  type TokenClientOptions,
} from '@org/signing-core';
import { optionSchemas, tokenClientOptionEntries, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import type { SnapBodyCanonicalization } from '../protocol/body-hash.js';
import { PACKAGE_NAME, PROVIDER } from '../protocol/constants.js';
import type { SnapExternalIdRule } from '../protocol/external-id.js';
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
  /** Scheme and host (optionally a path prefix) of the provider's services, e.g. `https://api.ifortepay.id`. */
  baseUrl: string;
  /**
   * The B2B token endpoint: an absolute URL, which may be on another host than `baseUrl`
   * (ifortepay: `https://kronos.ifortepay.id/auth/merchants/v1.0/access-token/b2b`), or a path
   * appended to `baseUrl`. Default `/v1.0/access-token/b2b`.
   */
  tokenUrl?: string | undefined;
  /**
   * The B2B2C token endpoint, absolute or a path. Default: the B2B endpoint with its final
   * `/b2b` replaced by `/b2b2c`, or `/v1.0/access-token/b2b2c`.
   */
  customerTokenUrl?: string | undefined;
  /** `tokenUrl` under its earlier name (a path or an absolute URL). Give one of the two. */
  tokenPath?: string | undefined;
  /** `customerTokenUrl` under its earlier name. Give one of the two. */
  customerTokenPath?: string | undefined;
  /**
   * How service calls are signed (docs/protocols.md §2.3):
   * - `'symmetric'` (default): HMAC-SHA512 with `clientSecret` over
   *   `METHOD:path:accessToken:lowerhex(sha256(body)):X-TIMESTAMP`, with `Authorization: Bearer`;
   * - `'asymmetric'`: SHA256withRSA with `privateKey` over `METHOD:path:lowerhex(sha256(body)):X-TIMESTAMP`,
   *   no token fetched and no `Authorization` sent, no `clientSecret` needed (ifortepay payment, DANA);
   * - `'asymmetric-with-token'`: the asymmetric signature over the same string (the token is not
   *   in it), with `Authorization: Bearer` (Bank Neo Commerce's "asymmetric with access token").
   */
  serviceSignature?: SnapServiceSignatureMode | undefined;
  /**
   * How incoming notifications are signed, the default of `verifyNotification`: `'asymmetric'`
   * (the provider's RSA key), `'symmetric'` (the client secret and the bearer token) or
   * `'ifortepay-notify'` (HMAC-SHA512 over `notifyUrl:X-VERSION:bodyHash:X-TIMESTAMP`).
   * Default: `'asymmetric'` when `providerPublicKey` is set, else `'symmetric'`.
   */
  notificationFormat?: SnapNotificationFormat | undefined;
  /** `'ifortepay-notify'`: the notification URL registered with the provider (the signed one). Default: the request URL. */
  notifyUrl?: string | undefined;
  /** What the provider accepts as X-EXTERNAL-ID; the default generator obeys it. Default: 1–36 visible ASCII characters. */
  externalIdRule?: SnapExternalIdRule | undefined;
  /**
   * How the JSON body is written before it is hashed and sent (always the same bytes):
   * `'minify'` (default: whitespace dropped, nothing re-serialised), `'php'` (as PHP's
   * `json_encode` with default flags: minified, `\/` and `\uXXXX` escapes), `'php-unescaped-slashes'`
   * (`json_encode(…, JSON_UNESCAPED_SLASHES)`, as Winpay's sample signs) or a function.
   */
  bodyCanonicalization?: SnapBodyCanonicalization | undefined;
  /** Name of the grant-type field of token requests: `'grantType'` (SNAP, default) or `'grant_type'` (Onebrick, Midtrans). */
  grantTypeField?: 'grantType' | 'grant_type' | undefined;
  /** Extra headers of every token request (B2B and B2B2C). */
  tokenRequestHeaders?: Readonly<Record<string, string>> | undefined;
  /** Which token requests carry `CHANNEL-ID` (from `channelId`): `'none'` (default), `'b2b2c'` (ifortepay) or `'all'`. */
  channelIdOnTokenRequests?: 'none' | 'b2b2c' | 'all' | undefined;
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
  /** X-EXTERNAL-ID generator. Default: digits obeying `externalIdRule` (36 by default), unique per process (see the README). */
  externalId?: (() => string) | undefined;
  /** The provider's RSA public key, to verify asymmetric notifications with `verifyNotification`. Checked when the client is created. */
  providerPublicKey?: RsaPublicKeyInput | undefined;
  /** Allowed X-TIMESTAMP skew of incoming notifications. Default 300 000 (±5 min). */
  notificationToleranceMs?: number | undefined;
  /** Recognises redelivered notifications, reported as `duplicate: true` (e.g. `memoryReplayStore()`). Default: none. */
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

/** How service calls are signed: see {@link SnapAuthOptions.serviceSignature}. */
export type SnapServiceSignatureMode = 'symmetric' | 'asymmetric' | 'asymmetric-with-token';
/** How notifications are signed: see {@link SnapAuthOptions.notificationFormat}. */
export type SnapNotificationFormat = 'asymmetric' | 'symmetric' | 'ifortepay-notify';

function isAbsoluteHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.username === '' && url.password === '' && url.hash === '';
  } catch {
    return false;
  }
}

/** An absolute http(s) URL without credentials or fragment, kept exactly as written. */
const absoluteUrl = (what: string) =>
  v.custom<string>(
    (value) => typeof value === 'string' && isAbsoluteHttpUrl(value),
    `${what}: an absolute http(s) URL without user:password@`,
  );

/** Schemas shared with `verifySnapNotification`'s options. */
export const notificationFormatSchema = v.picklist(
  ['asymmetric', 'symmetric', 'ifortepay-notify'],
  "'asymmetric', 'symmetric' or 'ifortepay-notify'",
);
export const notifyUrlSchema = absoluteUrl('the notification URL registered with the provider');
export const bodyCanonicalizationSchema = v.union(
  [v.picklist(['minify', 'php', 'php-unescaped-slashes']), optionSchemas.func<(text: string) => string>('a function')],
  "'minify', 'php', 'php-unescaped-slashes' or a function (json: string) => string",
);

/** An absolute http(s) URL without credentials, or a path starting with `/`. */
const urlOrPath = (what: string) =>
  v.custom<string>(
    (value) => typeof value === 'string' && (value.startsWith('/') ? !/[\s#]/.test(value) : isAbsoluteHttpUrl(value)),
    `${what}: an absolute http(s) URL without user:password@, or a path starting with "/"`,
  );

const externalIdRuleSchema = v.strictObject(
  {
    lengths: v.exactOptional(
      v.optional(
        v.pipe(
          v.array(v.pipe(v.number(), v.integer(), v.minValue(6), v.maxValue(36)), 'lengths between 6 and 36'),
          v.minLength(1, 'at least one length'),
        ),
      ),
    ),
    maxLength: v.exactOptional(v.optional(v.pipe(v.number(), v.integer(), v.minValue(6), v.maxValue(36)))),
    charset: v.exactOptional(
      v.optional(v.picklist(['numeric', 'alphanumeric', 'ascii'], "'numeric', 'alphanumeric' or 'ascii'")),
    ),
  },
  'an object { lengths?, maxLength?, charset? }',
);

const optionalString = (what?: string) => v.exactOptional(v.optional(optionSchemas.nonEmptyString(what)));

// Strict: a misspelt option (`timestampFromat`) is a ConfigError with a "did you mean", not a
// signature failure in production. A preset's `name` and `notes` are known keys.
const schema = v.strictObject({
  ...tokenClientOptionEntries(),
  name: v.exactOptional(v.optional(v.string('a preset name (a string)'))),
  notes: v.exactOptional(v.optional(v.string('preset notes (a string)'))),
  baseUrl: optionSchemas.baseUrl(),
  tokenUrl: v.exactOptional(v.optional(urlOrPath('the B2B token endpoint'))),
  customerTokenUrl: v.exactOptional(v.optional(urlOrPath('the B2B2C token endpoint'))),
  tokenPath: v.exactOptional(v.optional(urlOrPath('the B2B token endpoint'))),
  customerTokenPath: v.exactOptional(v.optional(urlOrPath('the B2B2C token endpoint'))),
  serviceSignature: v.exactOptional(
    v.optional(
      v.picklist(
        ['symmetric', 'asymmetric', 'asymmetric-with-token'],
        "'symmetric', 'asymmetric' or 'asymmetric-with-token'",
      ),
    ),
  ),
  notificationFormat: v.exactOptional(v.optional(notificationFormatSchema)),
  notifyUrl: v.exactOptional(v.optional(notifyUrlSchema)),
  externalIdRule: v.exactOptional(v.optional(externalIdRuleSchema)),
  bodyCanonicalization: v.exactOptional(v.optional(bodyCanonicalizationSchema)),
  grantTypeField: v.exactOptional(v.optional(v.picklist(['grantType', 'grant_type'], "'grantType' or 'grant_type'"))),
  tokenRequestHeaders: v.exactOptional(
    v.optional(v.record(v.string(), v.string(), 'an object of header names to string values')),
  ),
  channelIdOnTokenRequests: v.exactOptional(
    v.optional(v.picklist(['none', 'b2b2c', 'all'], "'none', 'b2b2c' or 'all'")),
  ),
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
  for (const [name, alias] of [
    ['tokenUrl', 'tokenPath'],
    ['customerTokenUrl', 'customerTokenPath'],
  ] as const) {
    if (config[name] !== undefined && config[alias] !== undefined) {
      const expected = `one of ${name} and ${alias} (the same endpoint under two names)`;
      throw new ConfigError(
        `[${PACKAGE_NAME}] invalid option:\n  - ${alias}: expected ${expected}, received both`,
        [{ path: alias, expected, received: 'both' }],
        { provider: PROVIDER },
      );
    }
  }
  checkKeyOption('privateKey', config.privateKey);
  if (config.providerPublicKey !== undefined) checkKeyOption('providerPublicKey', config.providerPublicKey);
  return config;
}
