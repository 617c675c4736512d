import {
  createTokenManager,
  type IdempotencyStore,
  type Logger,
  type TokenStore,
  type TokenStoreLock,
} from '@org/signing-core';
import type { SnapIssuedTokenStore } from '@org/snap-auth/server';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster, createSentinel } from 'redis';
import { expectTypeOf, it } from 'vitest';
import {
  type IoRedisClientLike,
  type IoRedisSubscriberLike,
  type RedisClientLike,
  type RedisIssuedTokenStore,
  type RedisKeys,
  type RedisServerStoreOptions,
  type RedisSubscriberLike,
  type RedisTokenStore,
  type RedisTokenStoreOptions,
  type RedisTokenStoreWarning,
  type RedisTokenStoreWarningCode,
  redisIdempotencyStore,
  redisIssuedTokenStore,
  redisTokenStore,
} from './index.js';

it('takes ioredis clients as they are: standalone, sentinel, cluster, and their duplicates as subscribers', () => {
  const client = new Redis({ lazyConnect: true, enableOfflineQueue: false });
  expectTypeOf(client).toExtend<IoRedisClientLike>();
  expectTypeOf(client.duplicate()).toExtend<IoRedisSubscriberLike>();
  expectTypeOf(
    new Redis({ sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'mymaster' }),
  ).toExtend<IoRedisClientLike>();
  const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }]);
  expectTypeOf(cluster).toExtend<IoRedisClientLike>();
  expectTypeOf(cluster.duplicate()).toExtend<IoRedisSubscriberLike>();
  expectTypeOf(redisTokenStore({ client, subscriber: client.duplicate() })).toEqualTypeOf<RedisTokenStore>();
  expectTypeOf(redisIdempotencyStore({ client: cluster })).toEqualTypeOf<IdempotencyStore>();
});

it('takes node-redis 5 clients as they are: standalone, RESP3, cluster, sentinel', () => {
  const client = createClient({ disableOfflineQueue: true });
  expectTypeOf(client).toExtend<RedisClientLike>();
  expectTypeOf(client.duplicate()).toExtend<RedisSubscriberLike>();
  expectTypeOf(createClient({ RESP: 3 })).toExtend<RedisClientLike>();
  expectTypeOf(createCluster({ rootNodes: [] })).toExtend<RedisClientLike>();
  expectTypeOf(createCluster({ rootNodes: [] })).toExtend<RedisSubscriberLike>();
  expectTypeOf(createSentinel({ name: 'mymaster', sentinelRootNodes: [] })).toExtend<RedisClientLike>();
  expectTypeOf(redisTokenStore({ client, subscriber: client.duplicate() })).toEqualTypeOf<RedisTokenStore>();
});

it('is a TokenStore with a lock, usable by createTokenManager', () => {
  const store = redisTokenStore({ client: createClient() });
  expectTypeOf(store).toExtend<TokenStore>();
  expectTypeOf(store.lock).returns.toEqualTypeOf<Promise<TokenStoreLock | undefined>>();
  expectTypeOf(store.keysFor).returns.toEqualTypeOf<Promise<RedisKeys>>();
  expectTypeOf(createTokenManager).parameter(0).toHaveProperty('store').toExtend<TokenStore | undefined>();
});

it('options are typed', () => {
  expectTypeOf<RedisTokenStoreOptions>().toHaveProperty('client').toEqualTypeOf<RedisClientLike | IoRedisClientLike>();
  expectTypeOf<RedisTokenStoreOptions['logger']>().toEqualTypeOf<Logger | undefined>();
  // @ts-expect-error the client is required
  redisTokenStore({});
  // @ts-expect-error a number is not a key
  redisTokenStore({ client: createClient(), encryptionKey: 42 });
});

it('warnings are a closed union', () => {
  expectTypeOf<RedisTokenStoreWarning['warning']>().toEqualTypeOf<RedisTokenStoreWarningCode>();
  expectTypeOf<'decrypt-failed'>().toExtend<RedisTokenStoreWarningCode>();
  expectTypeOf<'oops'>().not.toExtend<RedisTokenStoreWarningCode>();
});

it('the server stores fit createSnapServer: an IdempotencyStore and a SnapIssuedTokenStore', () => {
  const client = createClient();
  expectTypeOf(redisIdempotencyStore({ client })).toEqualTypeOf<IdempotencyStore>();
  expectTypeOf(redisIssuedTokenStore({ client })).toExtend<SnapIssuedTokenStore>();
  expectTypeOf(redisIssuedTokenStore({ client })).toEqualTypeOf<RedisIssuedTokenStore>();
  expectTypeOf<RedisServerStoreOptions['prefix']>().toEqualTypeOf<string | undefined>();
});
