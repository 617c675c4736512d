/**
 * Options of `redisTokenStore`: the public interface, and the internal valibot schema that
 * validates it up front (messages are the expected text; values are never shown).
 */
import { ConfigError, type Logger } from '@org/signing-core';
import { optionSchemas, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import {
  DEFAULT_KEY_ID,
  type EncryptionKeyInput,
  isEncryptionKeyInput,
  type VersionedEncryptionKey,
} from './encryption.js';
import {
  type AnyRedisClient,
  type AnyRedisSubscriber,
  CLIENT_EXPECTED,
  isIoRedisClientLike,
  isIoRedisSubscriberLike,
  isRedisClientLike,
  isRedisSubscriberLike,
  SUBSCRIBER_EXPECTED,
} from './redis-client.js';

const PACKAGE_NAME = '@org/token-store-redis';
const DEFAULT_PREFIX = 'payauth';
const DEFAULT_COMMAND_TIMEOUT_MS = 500;

export interface RedisTokenStoreOptions {
  /**
   * A connected client: node-redis 5 (`createClient()`, `createCluster()` or `createSentinel()`)
   * or ioredis (`new Redis()`, with `sentinels` too, or `new Redis.Cluster()`). Create it so that
   * commands fail at once while Redis is down (node-redis `disableOfflineQueue: true`, ioredis
   * `enableOfflineQueue: false`), or, to ride through a Sentinel failover, see the README.
   */
  client: AnyRedisClient;
  /**
   * Optional dedicated, connected subscriber connection (`client.duplicate()`, of the same
   * library). With it, a process waiting for another one's refresh is woken by pub/sub as soon
   * as the token is stored or the lock released; without it the token manager polls.
   */
  subscriber?: AnyRedisSubscriber | undefined;
  /** First part of every Redis key and channel name, without `{` or `}`. Default `payauth`. */
  prefix?: string | undefined;
  /**
   * Encrypts stored tokens with AES-256-GCM: 32 raw bytes, the same as base64 text, an AES-GCM
   * `CryptoKey` (usages `encrypt` and `decrypt`), or `{ id, key }` to set the key id (0–255,
   * default 1) written into every value.
   */
  encryptionKey?: EncryptionKeyInput | VersionedEncryptionKey | undefined;
  /** Older keys, by id, still used to read values written before a key rotation. */
  previousEncryptionKeys?: readonly VersionedEncryptionKey[] | undefined;
  /** Longest time one Redis command may take before it fails with a `StoreError`. Default 500 ms. */
  commandTimeoutMs?: number | undefined;
  /** Receives the store's warnings (`logger.warn(message, RedisTokenStoreWarning)`). Default: silent. */
  logger?: Logger | undefined;
}

export interface ResolvedOptions {
  readonly client: AnyRedisClient;
  readonly subscriber: AnyRedisSubscriber | undefined;
  readonly prefix: string;
  readonly encryptionKey: VersionedEncryptionKey | undefined;
  readonly previousEncryptionKeys: readonly VersionedEncryptionKey[];
  readonly commandTimeoutMs: number;
  readonly logger: Logger | undefined;
}

const KEY_TEXT = '32 bytes (a Uint8Array, or the same as base64 text) or an AES-GCM CryptoKey';
const keyId = v.pipe(
  v.number('a key id from 0 to 255'),
  v.integer('a key id from 0 to 255'),
  v.minValue(0, 'a key id from 0 to 255'),
  v.maxValue(255, 'a key id from 0 to 255'),
);
const versionedKey = (forEncryption: boolean) =>
  v.object(
    {
      id: keyId,
      key: v.custom<EncryptionKeyInput>((value) => isEncryptionKeyInput(value, forEncryption), KEY_TEXT),
    },
    `{ id, key } with key ${KEY_TEXT}`,
  );

const isClient = (value: unknown): value is AnyRedisClient => isRedisClientLike(value) || isIoRedisClientLike(value);
const isSubscriber = (value: unknown): value is AnyRedisSubscriber =>
  isRedisSubscriberLike(value) || isIoRedisSubscriberLike(value);

/** A key prefix: braces would take the hash tag of every key away from its token key. */
export const PREFIX_EXPECTED = 'a non-empty string without { or }';
export const prefixSchema = v.pipe(
  v.string(PREFIX_EXPECTED),
  v.check((value) => value.trim().length > 0 && !/[{}]/.test(value), PREFIX_EXPECTED),
);

const schema = v.object({
  client: v.custom<AnyRedisClient>(isClient, CLIENT_EXPECTED),
  subscriber: v.exactOptional(
    v.union([v.undefined(), v.custom<AnyRedisSubscriber>(isSubscriber, SUBSCRIBER_EXPECTED)], SUBSCRIBER_EXPECTED),
  ),
  prefix: v.exactOptional(v.union([v.undefined(), prefixSchema], PREFIX_EXPECTED)),
  encryptionKey: v.exactOptional(
    v.union(
      [
        v.undefined(),
        v.custom<EncryptionKeyInput>((value) => isEncryptionKeyInput(value, true), KEY_TEXT),
        versionedKey(true),
      ],
      `${KEY_TEXT}, or { id, key }`,
    ),
  ),
  previousEncryptionKeys: v.exactOptional(
    v.union([v.undefined(), v.array(versionedKey(false), 'an array of { id, key }')], 'an array of { id, key }'),
  ),
  commandTimeoutMs: v.exactOptional(
    v.union([v.undefined(), optionSchemas.milliseconds(1, 60_000)], 'a number of milliseconds from 1 to 60000'),
  ),
  logger: v.exactOptional(v.union([v.undefined(), v.looseObject({})], 'a logger object ({ warn?, info?, … })')),
});

/** A ConfigError worded like `validateOptions`' own, for checks across fields. */
function invalid(path: string, expected: string, received: string): ConfigError {
  return new ConfigError(`[${PACKAGE_NAME}] invalid option:\n  - ${path}: expected ${expected}, received ${received}`, [
    { path, expected, received },
  ]);
}

function isVersioned(value: EncryptionKeyInput | VersionedEncryptionKey): value is VersionedEncryptionKey {
  return typeof value === 'object' && !(value instanceof Uint8Array) && 'id' in value && 'key' in value;
}

export function resolveOptions(input: unknown): ResolvedOptions {
  const parsed = validateOptions(PACKAGE_NAME, schema, input);
  const options = input as RedisTokenStoreOptions;
  const encryptionKey =
    options.encryptionKey === undefined
      ? undefined
      : isVersioned(options.encryptionKey)
        ? { id: options.encryptionKey.id, key: options.encryptionKey.key }
        : { id: DEFAULT_KEY_ID, key: options.encryptionKey };
  const previousEncryptionKeys = (options.previousEncryptionKeys ?? []).map((entry) => ({
    id: entry.id,
    key: entry.key,
  }));
  if (previousEncryptionKeys.length > 0 && encryptionKey === undefined) {
    throw invalid('encryptionKey', 'a key when previousEncryptionKeys is set', 'undefined');
  }
  const ids = [encryptionKey?.id, ...previousEncryptionKeys.map((entry) => entry.id)].filter((id) => id !== undefined);
  if (new Set(ids).size !== ids.length) {
    throw invalid(
      'previousEncryptionKeys',
      'key ids different from each other and from encryptionKey',
      'a repeated id',
    );
  }
  return {
    client: parsed.client,
    subscriber: parsed.subscriber,
    prefix: parsed.prefix ?? DEFAULT_PREFIX,
    encryptionKey,
    previousEncryptionKeys,
    commandTimeoutMs: parsed.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    logger: parsed.logger as Logger | undefined,
  };
}
