/**
 * Verifying an incoming SNAP notification (provider → merchant) from a Web `Request`:
 *
 * 1. X-SIGNATURE and X-TIMESTAMP are present (and X-EXTERNAL-ID when de-duplicating, X-VERSION
 *    in ifortepay's form);
 * 2. X-TIMESTAMP is an ISO-8601 timestamp within ±`toleranceMs` (default 5 min) of now;
 * 3. the signature verifies over the raw body, in the notification's format: asymmetric with the
 *    provider's public key, symmetric with the client secret and the access token of the
 *    request, or ifortepay's `notifyUrl:X-VERSION:bodyHash:X-TIMESTAMP` with the client secret;
 * 4. with a `replayStore`, whether the notification is a redelivery (`duplicate: true`): its
 *    X-SIGNATURE was seen before, or its X-EXTERNAL-ID with the same body. A redelivery is a
 *    legitimate retry (the provider got no answer, or a non-2xx), so it is reported, never refused;
 *    and the key is what the sender signed (the signature, over method, path, body hash and
 *    timestamp; the body hash), so changing the unsigned X-EXTERNAL-ID or X-PARTNER-ID of a
 *    captured notification does not make it look new. Recorded only after the signature
 *    verified, so forged requests cannot mark anything.
 *
 * Each failure is a `SignatureError` whose `check` says which step failed. The body hash is
 * over `minify(raw body)` as SNAP prescribes (or the `bodyCanonicalization` given); a sender
 * that hashed its raw, unminified bytes is accepted too. Both are computed from the bytes
 * received, never from a re-serialisation, and the second only when the first does not verify.
 *
 * The body is read from the request itself, not from a clone (a clone tees the body stream, which
 * cost more than the signature check; docs/decisions.md, 2026-12-03): once step 3 is reached the
 * request body is consumed, and the bytes, text and JSON are in the result.
 */
import {
  type AuthEventOptions,
  assertTimestampWithinWindow,
  type Clock,
  ConfigError,
  parseIsoTimestamp,
  type ReplayStore,
  type RsaPublicKeyInput,
  SignatureError,
} from '@org/signing-core';
import {
  eventHandlerOf,
  eventOptionEntries,
  optionSchemas,
  reportVerification,
  validateOptions,
} from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { decodeBase64 } from '../protocol/access-token-signature.js';
import { EMPTY_BODY_HASH, minifyBody, type SnapBodyCanonicalization, sha256Hex } from '../protocol/body-hash.js';
import {
  DEFAULT_NOTIFICATION_TOLERANCE_MS,
  DEFAULT_REPLAY_TTL_MS,
  PACKAGE_NAME,
  PROVIDER,
} from '../protocol/constants.js';
import { ifortepayNotifyStringToSign } from '../protocol/string-to-sign.js';
import { type VerifySnapSignatureInput, verifyOver, verifyOverBodyHash } from '../protocol/verify-signature.js';
import { publicKeySchema } from './key-options.js';
import {
  bodyCanonicalizationSchema,
  notificationFormatSchema,
  notifyUrlSchema,
  type SnapNotificationFormat,
} from './options.js';

/**
 * Options of {@link verifySnapNotification}: give `publicKey` (asymmetric) or `clientSecret`
 * (symmetric), or name the `format`.
 */
export interface VerifySnapNotificationOptions extends AuthEventOptions {
  /**
   * How the notification is signed: `'asymmetric'` (needs `publicKey`), `'symmetric'` (needs
   * `clientSecret`) or `'ifortepay-notify'` (needs `clientSecret`; HMAC-SHA512 over
   * `notifyUrl:X-VERSION:lowerhex(sha256(minify(body))):X-TIMESTAMP`). Default: the form of the
   * key given.
   */
  format?: SnapNotificationFormat | undefined;
  /**
   * `'ifortepay-notify'`: the complete notification URL registered with the provider, which the
   * signature covers. Default: the request URL (set it when a proxy rewrites the URL).
   */
  notifyUrl?: string | undefined;
  /** How the sender wrote the body it hashed. Default `'minify'`; the raw bytes are accepted too. */
  bodyCanonicalization?: SnapBodyCanonicalization | undefined;
  /** Asymmetric notifications: the provider's RSA public key. */
  publicKey?: RsaPublicKeyInput | undefined;
  /** Symmetric notifications (e.g. DOKU SNAP): the shared client secret. */
  clientSecret?: string | undefined;
  /**
   * Symmetric only: the access token the signature covers. Default: the bearer token of the
   * request's `Authorization` header (check yourself that it is a token you issued).
   */
  accessToken?: string | undefined;
  /**
   * The relative URL the provider signed. Default: the request URL's path and query. Set it
   * when a proxy rewrites the path before your handler sees it.
   */
  path?: string | undefined;
  /** Allowed X-TIMESTAMP skew either way. Default 300 000 ms (±5 min). */
  toleranceMs?: number | undefined;
  /**
   * Recognises redeliveries, reported as `duplicate: true` (see step 4 above). Default: none
   * (`duplicate` is always false). Share one between replicas (e.g. Redis).
   */
  replayStore?: ReplayStore | undefined;
  /** How long a notification is remembered. Default one day. */
  replayTtlMs?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  clock?: Clock | undefined;
  // `onEvent` and `telemetry` (AuthEventOptions): each verification is reported as
  // `notification.verify` (outcome, duration, the check that refused it), and a refusal also as
  // `signature.failed`. `auth.verifyNotification` uses the client's unless the call gives its own.
}

/** A notification that passed every check. */
export interface VerifiedSnapNotification {
  /** Which form the signature had. */
  readonly mode: SnapNotificationFormat;
  /**
   * The body bytes exactly as received: what was verified. The request body itself is consumed by
   * the verification.
   */
  readonly rawBody: Uint8Array;
  /** The raw body text as received (UTF-8). */
  readonly body: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  readonly json: unknown;
  /** The X-TIMESTAMP value. */
  readonly timestamp: string;
  /** X-EXTERNAL-ID, when sent. */
  readonly externalId: string | undefined;
  /** X-PARTNER-ID, when sent. */
  readonly partnerId: string | undefined;
  /** X-VERSION, in ifortepay's form. */
  readonly version?: string | undefined;
  /**
   * True when the `replayStore` has seen this notification before: the same X-SIGNATURE, or the
   * same X-EXTERNAL-ID with the same body (a re-signed redelivery). Answer it as you answered the
   * first copy (success if you processed it), and process it if your handling of the first copy
   * failed: this flag says it is a redelivery, not whether you finished the first. For answers
   * stored and replayed for you, see `createSnapServer` in `@org/snap-auth/server`.
   */
  readonly duplicate: boolean;
}

const schema = v.object({
  format: v.exactOptional(v.optional(notificationFormatSchema)),
  notifyUrl: v.exactOptional(v.optional(notifyUrlSchema)),
  bodyCanonicalization: v.exactOptional(v.optional(bodyCanonicalizationSchema)),
  publicKey: v.exactOptional(v.optional(publicKeySchema)),
  clientSecret: v.exactOptional(v.optional(optionSchemas.nonEmptyString('the client secret (a non-empty string)'))),
  accessToken: v.exactOptional(v.optional(optionSchemas.nonEmptyString('the access token (a non-empty string)'))),
  path: v.exactOptional(v.optional(optionSchemas.path())),
  toleranceMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1))),
  replayStore: v.exactOptional(
    v.exactOptional(
      v.optional(optionSchemas.withMethods<ReplayStore>(['remember'], 'a replay store with remember(id, ttlMs)')),
    ),
  ),
  replayTtlMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 31 * 24 * 60 * 60_000))),
  clock: v.exactOptional(v.optional(optionSchemas.func<Clock>('a function returning epoch milliseconds'))),
  ...eventOptionEntries(),
});

/** The option names of {@link schema}. */
const OPTION_NAMES = Object.keys(schema.entries) as (keyof VerifySnapNotificationOptions)[];

/**
 * Options objects already checked, with the value of each option then. A handler usually passes
 * the same object on every call, and checking it again with valibot cost about 3 % of a
 * verification (bench/README.md); a changed value is checked again. Weak, so it holds no options
 * object alive.
 */
const checked = new WeakMap<
  object,
  { readonly values: readonly unknown[]; readonly config: VerifySnapNotificationOptions }
>();

/** `options` validated (see {@link checked}). */
function checkedOptions(options: VerifySnapNotificationOptions): VerifySnapNotificationOptions {
  const isObject = options !== null && typeof options === 'object';
  if (isObject) {
    const seen = checked.get(options);
    if (seen !== undefined && OPTION_NAMES.every((name, k) => options[name] === seen.values[k])) return seen.config;
  }
  const config = validateOptions(PACKAGE_NAME, schema, options, {
    provider: PROVIDER,
  }) as VerifySnapNotificationOptions;
  if (isObject) checked.set(options, { values: OPTION_NAMES.map((name) => options[name]), config });
  return config;
}

function reject(
  code: 'ERR_SIGNATURE_MISMATCH' | 'ERR_TIMESTAMP_OUT_OF_WINDOW',
  message: string,
  check: 'signature' | 'timestamp' | 'header',
): SignatureError {
  return new SignatureError(code, `SNAP notification rejected: ${message}`, check, { provider: PROVIDER });
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers.get(name);
  return value === null || value.trim().length === 0 ? undefined : value.trim();
}

/**
 * Verifies a SNAP notification `Request` (see the module comment for the checks, in order).
 * Reads the request body itself (no clone), so once the headers and timestamp pass, the body is
 * consumed: use the result's `rawBody`, `body` or `json` instead of reading the request again.
 *
 * @throws {SignatureError} `check: 'header'` (a header is missing or malformed), `'timestamp'`
 *   (`ERR_TIMESTAMP_OUT_OF_WINDOW`) or `'signature'` (`ERR_SIGNATURE_MISMATCH`). A redelivery is
 *   not an error: it is reported as `duplicate: true`.
 * @throws {ConfigError} for bad options (neither or both of publicKey and clientSecret…).
 * @throws {TypeError} when `request` is not a Request or its body was already read.
 */
export function verifySnapNotification(
  request: Request,
  options: VerifySnapNotificationOptions,
): Promise<VerifiedSnapNotification> {
  let config: VerifySnapNotificationOptions;
  let mode: SnapNotificationFormat;
  try {
    assertUnreadRequest(request);
    config = checkedOptions(options);
    mode = formatOf(config);
  } catch (error) {
    return Promise.reject(error);
  }
  // Telemetry: without onEvent or telemetry nothing is timed, allocated or wrapped.
  return reportVerification(eventHandlerOf(config), PROVIDER, () => verifyChecked(request, config, mode));
}

function assertUnreadRequest(request: Request): void {
  if (
    request === null ||
    typeof request !== 'object' ||
    typeof (request as Partial<Request>).clone !== 'function' ||
    typeof (request as Partial<Request>).headers?.get !== 'function'
  ) {
    throw new TypeError('[@org/snap-auth] verifySnapNotification: expected a Web Request');
  }
  if (request.bodyUsed) {
    throw new TypeError(
      '[@org/snap-auth] verifySnapNotification: the request body was already read; verify before parsing it (the raw bytes are needed)',
    );
  }
}

/** The checks of {@link verifySnapNotification}, once the request and options are known to be usable. */
async function verifyChecked(
  request: Request,
  config: VerifySnapNotificationOptions,
  mode: SnapNotificationFormat,
): Promise<VerifiedSnapNotification> {
  const clock = config.clock ?? Date.now;

  // 1. headers
  const signatureText = header(request, 'x-signature');
  const timestamp = header(request, 'x-timestamp');
  const externalId = header(request, 'x-external-id');
  const partnerId = header(request, 'x-partner-id');
  if (signatureText === undefined)
    throw reject('ERR_SIGNATURE_MISMATCH', 'the X-SIGNATURE header is missing', 'header');
  if (timestamp === undefined) throw reject('ERR_SIGNATURE_MISMATCH', 'the X-TIMESTAMP header is missing', 'header');
  let accessToken: string | undefined;
  if (mode === 'symmetric') {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    accessToken = config.accessToken ?? bearer;
    if (accessToken === undefined) {
      throw reject(
        'ERR_SIGNATURE_MISMATCH',
        'the Authorization: Bearer header is missing (the symmetric signature covers the access token)',
        'header',
      );
    }
  }
  const version = mode === 'ifortepay-notify' ? header(request, 'x-version') : undefined;
  if (mode === 'ifortepay-notify' && version === undefined) {
    throw reject('ERR_SIGNATURE_MISMATCH', 'the X-VERSION header is missing (the signature covers it)', 'header');
  }

  // 2. timestamp
  let timestampMs: number;
  try {
    timestampMs = parseIsoTimestamp(timestamp);
  } catch {
    throw reject('ERR_SIGNATURE_MISMATCH', 'X-TIMESTAMP is not an ISO-8601 timestamp with an offset', 'header');
  }
  try {
    assertTimestampWithinWindow(timestampMs, {
      now: clock(),
      toleranceMs: config.toleranceMs ?? DEFAULT_NOTIFICATION_TOLERANCE_MS,
      provider: PROVIDER,
      header: 'X-TIMESTAMP',
    });
  } catch (error) {
    throw reject('ERR_TIMESTAMP_OUT_OF_WINDOW', (error as Error).message, 'timestamp');
  }

  // 3. signature over the raw body: the canonical form first, the raw bytes only if it fails
  const raw = new Uint8Array(await request.arrayBuffer());
  const body = decoder.decode(raw);
  const signature = decodeBase64(signatureText);
  const path = config.path ?? pathOf(request.url);
  const verifyHash = verifierFor(mode, config, {
    method: request.method,
    path,
    timestamp,
    signatureText,
    accessToken,
    version,
    url: request.url,
  });
  let verified = false;
  if (signature !== undefined) {
    if (raw.length === 0) {
      verified = await verifyHash(EMPTY_BODY_HASH, signature);
    } else {
      let canonical: string | undefined;
      try {
        canonical = minifyBody(body, 'body', config.bodyCanonicalization ?? 'minify');
      } catch {
        canonical = undefined;
      }
      verified = canonical !== undefined && (await verifyHash(await sha256Hex(canonical), signature));
      if (!verified && canonical !== body) verified = await verifyHash(await sha256Hex(raw), signature);
    }
  }
  if (!verified) {
    const what =
      mode === 'ifortepay-notify'
        ? `ifortepay-notify form over ${config.notifyUrl ?? request.url} and X-VERSION ${version}`
        : `${mode} form over ${request.method.toUpperCase()} ${path}`;
    throw reject(
      'ERR_SIGNATURE_MISMATCH',
      `X-SIGNATURE does not verify (${what}): the body, ${mode === 'ifortepay-notify' ? 'URL' : 'path'} or timestamp was altered, or the ${mode === 'asymmetric' ? 'public key' : mode === 'symmetric' ? 'client secret or access token' : 'client secret'} is not the signer's`,
      'signature',
    );
  }

  // 4. redelivery: keyed on what was signed, never on the unsigned X-PARTNER-ID alone
  let duplicate = false;
  if (config.replayStore) {
    duplicate = await seenBefore(config.replayStore, config.replayTtlMs ?? DEFAULT_REPLAY_TTL_MS, {
      signatureText,
      externalId,
      raw,
    });
  }

  let json: unknown;
  try {
    json = body.length === 0 ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return Object.freeze({
    mode,
    rawBody: raw,
    body,
    json,
    timestamp,
    externalId,
    partnerId,
    ...(version === undefined ? {} : { version }),
    duplicate,
  });
}

/**
 * Records the notification's signature and, with an X-EXTERNAL-ID, that id with the hash of the
 * body bytes; true when either was recorded already. Both keys hold only signed content or
 * content bound to it: the signature covers the body hash and timestamp, and the id key carries
 * the body hash, so a changed header never makes a seen notification look new.
 */
async function seenBefore(
  store: ReplayStore,
  ttlMs: number,
  sent: { signatureText: string; externalId: string | undefined; raw: Uint8Array },
): Promise<boolean> {
  const signature = decodeBase64(sent.signatureText) ?? new Uint8Array(0);
  const bySignature = await store.remember(`snap:sig:${await sha256Hex(signature)}`, ttlMs);
  const byId =
    sent.externalId === undefined ||
    (await store.remember(`snap:id:${sent.externalId}:${await sha256Hex(sent.raw)}`, ttlMs));
  return !bySignature || !byId;
}

const decoder = new TextDecoder();

/**
 * The path and query of a request URL. `Request.url` is serialised, so an http(s) URL has a path
 * starting at the first `/` after the authority; the fragment is not sent. Parsing it with `URL`
 * cost a few percent of a verification; other schemes still go through `URL`.
 */
function pathOf(href: string): string {
  const scheme = href.startsWith('https://') ? 8 : href.startsWith('http://') ? 7 : -1;
  if (scheme < 0) {
    const url = new URL(href);
    return url.pathname + url.search;
  }
  const start = href.indexOf('/', scheme);
  const hash = href.indexOf('#', start);
  const end = hash < 0 ? href.length : hash;
  // `URL.search` is empty for an empty query: `/notify?` is `/notify`.
  const query = href.indexOf('?', start);
  return href.slice(start, query === end - 1 ? query : end);
}

/** The notification's format from the options: `format`, else the form of the key given. */
function formatOf(config: VerifySnapNotificationOptions): SnapNotificationFormat {
  const needs = (option: 'publicKey' | 'clientSecret', format: SnapNotificationFormat): SnapNotificationFormat => {
    if (config[option] === undefined) {
      const expected = `${option}: the '${format}' format is verified with it`;
      throw new ConfigError(
        `[${PACKAGE_NAME}] invalid option:\n  - ${option}: expected ${expected}, received undefined`,
        [{ path: option, expected, received: 'undefined' }],
        { provider: PROVIDER },
      );
    }
    return format;
  };
  if (config.format === 'asymmetric') return needs('publicKey', 'asymmetric');
  if (config.format !== undefined) return needs('clientSecret', config.format);
  if ((config.publicKey === undefined) === (config.clientSecret === undefined)) {
    const both = config.publicKey !== undefined;
    const expected = 'exactly one of publicKey (asymmetric) and clientSecret (symmetric notifications), or a format';
    throw new ConfigError(
      `[${PACKAGE_NAME}] invalid option:\n  - publicKey: expected ${expected}, received ${both ? 'both' : 'neither'}`,
      [{ path: 'publicKey', expected, received: both ? 'both' : 'neither' }],
      { provider: PROVIDER },
    );
  }
  return config.publicKey !== undefined ? 'asymmetric' : 'symmetric';
}

/** Checks the signature over one body hash, in the notification's format. */
function verifierFor(
  mode: SnapNotificationFormat,
  config: VerifySnapNotificationOptions,
  sent: {
    method: string;
    path: string;
    timestamp: string;
    signatureText: string;
    accessToken: string | undefined;
    version: string | undefined;
    url: string;
  },
): (bodyHash: string, signature: Uint8Array) => Promise<boolean> {
  if (mode === 'ifortepay-notify') {
    const key = { clientSecret: config.clientSecret as string };
    return (bodyHash, signature) =>
      verifyOver(
        key,
        ifortepayNotifyStringToSign({
          notifyUrl: config.notifyUrl ?? sent.url,
          version: sent.version as string,
          bodyHash,
          timestamp: sent.timestamp,
        }),
        signature,
      );
  }
  const input: VerifySnapSignatureInput =
    mode === 'asymmetric'
      ? {
          method: sent.method,
          path: sent.path,
          timestamp: sent.timestamp,
          signature: sent.signatureText,
          publicKey: config.publicKey as RsaPublicKeyInput,
        }
      : {
          method: sent.method,
          path: sent.path,
          timestamp: sent.timestamp,
          signature: sent.signatureText,
          clientSecret: config.clientSecret as string,
          accessToken: sent.accessToken as string,
        };
  return (bodyHash, signature) => verifyOverBodyHash(input, bodyHash, signature);
}
