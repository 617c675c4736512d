// @org/token-store-redis — the public API, by name.

export type { EncryptionKeyInput, VersionedEncryptionKey } from './encryption.js';
export {
  type RedisExternalIdRule,
  type RedisExternalIds,
  type RedisExternalIdsOptions,
  redisExternalIds,
} from './external-ids.js';
export { MAX_PLAIN_KEY_LENGTH, type RedisKeys } from './key-layout.js';
export type { RedisTokenStoreOptions } from './options.js';
export type {
  IoRedisClientLike,
  IoRedisMessageListener,
  IoRedisSubscriberLike,
  RedisClientLike,
  RedisCommandOptions,
  RedisEvalOptions,
  RedisMessageListener,
  RedisSetOptions,
  RedisSubscriberLike,
} from './redis-client.js';
export { type RedisTokenStore, redisTokenStore } from './redis-token-store.js';
export {
  type RedisIssuedToken,
  type RedisIssuedTokenStore,
  type RedisServerStoreOptions,
  redisIdempotencyStore,
  redisIssuedTokenStore,
} from './server-stores.js';
export type { RedisTokenStoreWarning, RedisTokenStoreWarningCode } from './warnings.js';
