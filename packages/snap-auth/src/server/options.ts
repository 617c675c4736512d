/**
 * Options of `createSnapServer`: the partners (a list or an async lookup), the token form and
 * lifetime, the timestamp window, the clock, the idempotency store and the handler deadline.
 * Checked with the core's valibot helpers when the server is created; unknown keys are refused and
 * every message names the field. A partner found by `findPartner` is checked the same way when it
 * is first used.
 */
import {
  type AuthEventOptions,
  type Clock,
  ConfigError,
  checkRsaPublicKey,
  type HmacKey,
  type IdempotencyStore,
  importHmacKey,
  importRsaPublicKey,
  isKeyFormatError,
  KeyFormatError,
  type Logger,
  type RsaPublicKey,
  type RsaPublicKeyInput,
} from '@org/signing-core';
import { eventOptionEntries, optionSchemas, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { publicKeySchema } from '../client/key-options.js';
import { PACKAGE_NAME, PROVIDER } from '../protocol/constants.js';
import type { SnapIssuedTokenStore } from './tokens.js';

/** One partner (a provider calling the merchant): who it is and how it signs. */
export interface SnapServerPartner {
  /** The client id the partner sends as X-CLIENT-KEY when it asks for a token. */
  readonly clientId: string;
  /** The partner's RSA public key: checks its token requests (and asymmetric service calls). */
  readonly publicKey?: RsaPublicKeyInput | undefined;
  /** Several public keys during a rotation: a signature by any of them is accepted. */
  readonly publicKeys?: readonly RsaPublicKeyInput[] | undefined;
  /** The shared client secret of the symmetric service-call signature. Required unless `signature: 'asymmetric'`. */
  readonly clientSecret?: string | undefined;
  /**
   * How the partner signs service calls: `'symmetric'` (default; HMAC-SHA512 with the client
   * secret over `METHOD:path:token:bodyHash:X-TIMESTAMP`) or `'asymmetric'` (SHA256withRSA with
   * its private key over `METHOD:path:bodyHash:X-TIMESTAMP`; the bearer token is still required).
   */
  readonly signature?: 'symmetric' | 'asymmetric' | undefined;
  /** When set, the X-PARTNER-ID of its calls must be exactly this. Default: any non-empty value. */
  readonly partnerId?: string | undefined;
}

/**
 * Options of `createSnapServer`. Give `partners` or `findPartner`. `onEvent` and `telemetry`
 * (from `AuthEventOptions`) receive `server.handle` for each answer of `handleAccessToken` and
 * `handle` (outcome, status, response and service codes, duration) and `signature.failed` for each
 * request a check of its signature refused (`verifyRequest` too).
 */
export interface SnapServerOptions extends AuthEventOptions {
  /** The partners, when they are known up front. */
  readonly partners?: readonly SnapServerPartner[] | undefined;
  /** Looks a partner up by client id (many merchants or partners in one process); undefined when unknown. */
  readonly findPartner?:
    | ((clientId: string) => Promise<SnapServerPartner | undefined> | SnapServerPartner | undefined)
    | undefined;
  /** Lifetime of the tokens issued, in seconds (`expiresIn`). Default 900. */
  readonly tokenTtlSeconds?: number | undefined;
  /** Where opaque tokens are remembered (by hash). Default: in memory, this process only. */
  readonly tokenStore?: SnapIssuedTokenStore | undefined;
  /**
   * Issue stateless tokens signed (HMAC-SHA256) with this secret of the merchant's instead of
   * opaque ones, so replicas need no shared token store. Several secrets rotate: the first signs,
   * every one verifies. At least 32 characters each. Not together with `tokenStore`.
   */
  readonly tokenSecret?: string | readonly string[] | undefined;
  /** Allowed X-TIMESTAMP skew either way, in ms. Default 300 000 (±5 min). */
  readonly toleranceMs?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: Clock | undefined;
  /** Where `handle()` records the calls it answered. Default: in memory, this process only. */
  readonly idempotencyStore?: IdempotencyStore | undefined;
  /** How long a (partner, X-EXTERNAL-ID) is remembered, in ms. Default one day. */
  readonly idempotencyTtlMs?: number | undefined;
  /** Deadline of a handler in `handle()`, in ms; past it the call is answered `504xx00`. Default: none. */
  readonly timeoutMs?: number | undefined;
  /** How long a duplicate waits for a first copy still being handled, in ms. Default 10 000. */
  readonly duplicateWaitMs?: number | undefined;
  /** Largest request body read, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined;
  /** Receives handler and store failures (never a secret, token, signature or body). Default: silent. */
  readonly logger?: Logger | undefined;
}

const text = (what: string) => optionSchemas.nonEmptyString(what);
const optional = <T extends v.GenericSchema>(schema: T) => v.exactOptional(v.optional(schema));

const partnerSchema = v.strictObject({
  clientId: text('the client id (a non-empty string)'),
  publicKey: optional(publicKeySchema),
  publicKeys: optional(
    v.pipe(v.array(publicKeySchema, 'a list of RSA public keys'), v.minLength(1, 'a list of RSA public keys')),
  ),
  clientSecret: optional(text('the client secret (a non-empty string)')),
  signature: optional(v.picklist(['symmetric', 'asymmetric'], "'symmetric' or 'asymmetric'")),
  partnerId: optional(text('the X-PARTNER-ID (a non-empty string)')),
});

const tokenSecretSchema = v.pipe(
  v.string('a secret of at least 32 characters'),
  v.minLength(32, 'a secret of at least 32 characters'),
);

const schema = v.strictObject({
  partners: optional(v.array(partnerSchema, 'a list of partners')),
  findPartner: optional(optionSchemas.func<NonNullable<SnapServerOptions['findPartner']>>('an async function')),
  tokenTtlSeconds: optional(
    v.pipe(
      v.number('a whole number of seconds from 60 to 86400'),
      v.integer('a whole number of seconds from 60 to 86400'),
      v.minValue(60, 'a whole number of seconds from 60 to 86400'),
      v.maxValue(86_400, 'a whole number of seconds from 60 to 86400'),
    ),
  ),
  tokenStore: optional(
    optionSchemas.withMethods<SnapIssuedTokenStore>(['save', 'find'], 'an issued-token store (save, find)'),
  ),
  tokenSecret: optional(
    v.union(
      [
        tokenSecretSchema,
        v.pipe(v.array(tokenSecretSchema), v.minLength(1, 'one or more secrets of at least 32 characters')),
      ],
      'a secret of at least 32 characters, or a list of them',
    ),
  ),
  toleranceMs: optional(optionSchemas.milliseconds(1, 60 * 60_000)),
  clock: optional(optionSchemas.func<Clock>('a function returning epoch milliseconds')),
  idempotencyStore: optional(
    optionSchemas.withMethods<IdempotencyStore>(
      ['claim', 'complete', 'release'],
      'an IdempotencyStore (claim, complete, release)',
    ),
  ),
  idempotencyTtlMs: optional(optionSchemas.milliseconds(60_000, 31 * 24 * 60 * 60_000)),
  timeoutMs: optional(optionSchemas.milliseconds(1, 10 * 60_000)),
  duplicateWaitMs: optional(optionSchemas.milliseconds(0, 10 * 60_000)),
  maxBodyBytes: optional(
    v.pipe(
      v.number('a whole number of bytes from 1024 to 67108864'),
      v.integer('a whole number of bytes from 1024 to 67108864'),
      v.minValue(1024, 'a whole number of bytes from 1024 to 67108864'),
      v.maxValue(64 * 1024 * 1024, 'a whole number of bytes from 1024 to 67108864'),
    ),
  ),
  logger: optional(optionSchemas.logger()),
  ...eventOptionEntries(),
});

function configError(path: string, expected: string, received: string): ConfigError {
  return new ConfigError(
    `[${PACKAGE_NAME}] invalid option:\n  - ${path}: expected ${expected}, received ${received}`,
    [{ path, expected, received }],
    { provider: PROVIDER },
  );
}

/** The checked options, or a `ConfigError` / `KeyFormatError` naming the field. */
export function checkServerOptions(options: SnapServerOptions): SnapServerOptions {
  const config = validateOptions(PACKAGE_NAME, schema, options, { provider: PROVIDER }) as SnapServerOptions;
  if ((config.partners === undefined) === (config.findPartner === undefined)) {
    const both = config.partners !== undefined;
    throw configError('partners', 'exactly one of partners and findPartner', both ? 'both' : 'neither');
  }
  if (config.tokenStore !== undefined && config.tokenSecret !== undefined) {
    throw configError('tokenSecret', 'either tokenSecret (stateless tokens) or tokenStore, not both', 'both');
  }
  const seen = new Set<string>();
  config.partners?.forEach((partner, index) => {
    checkPartner(partner, `partners.${index}`);
    if (seen.has(partner.clientId)) {
      throw configError(`partners.${index}.clientId`, 'a client id no other partner has', 'a repeated client id');
    }
    seen.add(partner.clientId);
  });
  return config;
}

/** Cross-field checks of one partner, and a content check of each key (no import, no I/O). */
function checkPartner(partner: SnapServerPartner, path: string): void {
  const keys = publicKeysOf(partner);
  if (keys.length === 0) {
    throw configError(`${path}.publicKey`, 'publicKey or publicKeys (its token requests are signed)', 'neither');
  }
  if (partner.publicKey !== undefined && partner.publicKeys !== undefined) {
    throw configError(`${path}.publicKeys`, 'publicKey or publicKeys, not both', 'both');
  }
  if (partner.signature !== 'asymmetric' && partner.clientSecret === undefined) {
    throw configError(
      `${path}.clientSecret`,
      "the client secret (symmetric service calls are signed with it; set signature: 'asymmetric' otherwise)",
      'undefined',
    );
  }
  keys.forEach((key, index) => {
    const keyPath = partner.publicKeys === undefined ? `${path}.publicKey` : `${path}.publicKeys.${index}`;
    try {
      checkRsaPublicKey(key);
    } catch (error) {
      if (!isKeyFormatError(error)) throw error;
      throw new KeyFormatError(`[${PACKAGE_NAME}] ${keyPath}: ${error.message}`, error.found, { provider: PROVIDER });
    }
  });
}

function publicKeysOf(partner: SnapServerPartner): readonly RsaPublicKeyInput[] {
  return partner.publicKeys ?? (partner.publicKey === undefined ? [] : [partner.publicKey]);
}

/** A partner with its keys imported once. */
export interface PartnerKeys {
  readonly clientId: string;
  readonly signature: 'symmetric' | 'asymmetric';
  readonly partnerId: string | undefined;
  readonly publicKeys: readonly RsaPublicKey[];
  readonly clientSecret: HmacKey | undefined;
}

/**
 * Resolves client ids to partners with imported keys: from the list (imported on first use), or
 * from `findPartner` (each returned object checked and imported once, cached by identity).
 *
 * @throws {ConfigError | KeyFormatError} when `findPartner` returns a malformed partner.
 */
export function partnerResolver(config: SnapServerOptions): (clientId: string) => Promise<PartnerKeys | undefined> {
  const imported = new WeakMap<SnapServerPartner, Promise<PartnerKeys>>();
  const load = (partner: SnapServerPartner): Promise<PartnerKeys> => {
    let keys = imported.get(partner);
    if (keys === undefined) {
      keys = (async () => ({
        clientId: partner.clientId,
        signature: partner.signature ?? 'symmetric',
        partnerId: partner.partnerId,
        publicKeys: await Promise.all(publicKeysOf(partner).map((key) => importRsaPublicKey(key))),
        clientSecret:
          partner.clientSecret === undefined ? undefined : await importHmacKey('SHA-512', partner.clientSecret),
      }))();
      imported.set(partner, keys);
      keys.catch(() => imported.delete(partner));
    }
    return keys;
  };
  if (config.partners !== undefined) {
    const byId = new Map(config.partners.map((partner) => [partner.clientId, partner]));
    return async (clientId) => {
      const partner = byId.get(clientId);
      return partner === undefined ? undefined : load(partner);
    };
  }
  const find = config.findPartner as NonNullable<SnapServerOptions['findPartner']>;
  return async (clientId) => {
    const partner = await find(clientId);
    if (partner === undefined || partner === null) return undefined;
    if (!imported.has(partner)) {
      validateOptions(`${PACKAGE_NAME} findPartner`, partnerSchema, partner, { provider: PROVIDER });
      checkPartner(partner, 'findPartner()');
      if (partner.clientId !== clientId) {
        throw configError('findPartner().clientId', 'the client id that was looked up', 'another client id');
      }
    }
    return load(partner);
  };
}
