// Runs the README's ioredis, Redis Cluster, Sentinel and external-id examples against a real
// redis-server, a 6-node cluster and a Sentinel group (test/redis-topology.ts); readme.test.ts
// checks that every ```ts block of the README appears in it or here.
import { generateKeyPairSync } from 'node:crypto';
import { createTokenManager } from '@org/signing-core';
import { createSnapAuth } from '@org/snap-auth';
import { createSnapSandbox } from '@org/snap-auth/testing';
import { redisExternalIds, redisTokenStore } from '@org/token-store-redis';
import { Redis } from 'ioredis';
import { createClient, createCluster, createSentinel } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, startRedisServer } from '../test/redis-server.js';
import {
  type RedisCluster,
  type RedisSentinelGroup,
  startRedisCluster,
  startRedisSentinel,
} from '../test/redis-topology.js';
import { startTokenServer, type TokenServer } from '../test/token-server.js';

let redis: RedisServer;
let redisCluster: RedisCluster;
let sentinelGroup: RedisSentinelGroup;
let tokenServer: TokenServer;
const closers: Array<() => void> = [];

beforeAll(async () => {
  [redis, redisCluster, sentinelGroup, tokenServer] = await Promise.all([
    startRedisServer(),
    startRedisCluster(),
    startRedisSentinel(),
    startTokenServer(),
  ]);
  vi.stubEnv('REDIS_URL', redis.url);
  vi.stubEnv('REDIS_CLUSTER_NODES', redisCluster.rootNodes.map((node) => node.url).join(','));
  vi.stubEnv('REDIS_SENTINELS', sentinelGroup.sentinels.map((node) => `${node.host}:${node.port}`).join(','));
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  for (const close of closers.splice(0)) {
    try {
      close();
    } catch {
      // already closed
    }
  }
  await Promise.allSettled([tokenServer?.close(), redis?.stop(), redisCluster?.stop(), sentinelGroup?.stop()]);
});

const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
afterAll(() => warn.mockRestore());

describe('README: other clients and topologies', () => {
  it('ioredis', async () => {
    const ioredis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      // While Redis is unreachable, commands fail at once instead of waiting in a queue.
      enableOfflineQueue: false,
    });
    ioredis.on('error', (error) => console.warn('redis:', error.message));
    const ioredisSubscriber = ioredis.duplicate();
    ioredisSubscriber.on('error', (error) => console.warn('redis subscriber:', error.message));

    const ioredisStore = redisTokenStore({ client: ioredis, subscriber: ioredisSubscriber });
    closers.push(
      () => ioredis.disconnect(),
      () => ioredisSubscriber.disconnect(),
    );

    await Promise.all([ioredis, ioredisSubscriber].map((c) => new Promise((resolve) => c.once('ready', resolve))));
    const lock = await ioredisStore.lock('readme:ioredis', 5_000);
    const woken = ioredisStore.waitForChange?.('readme:ioredis', 5_000);
    const started = Date.now();
    await lock?.release();
    await woken;
    expect(Date.now() - started).toBeLessThan(2_000); // woken by the release message
    const value = { token: 'tok_ioredis', expiresAt: Date.now() + 60_000, obtainedAt: Date.now() };
    await ioredisStore.set('readme:ioredis', value, 60_000);
    expect(await ioredis.get('payauth:token:{readme:ioredis}')).toContain('tok_ioredis');
  });

  it('Redis Cluster', async () => {
    const rootNodes = (process.env.REDIS_CLUSTER_NODES ?? 'redis://127.0.0.1:7000').split(',').map((url) => ({ url }));
    const cluster = createCluster({ rootNodes, defaults: { disableOfflineQueue: true } });
    cluster.on('error', (error) => console.warn('redis cluster:', error.message));
    await cluster.connect();
    const clusterSubscriber = cluster.duplicate();
    clusterSubscriber.on('error', (error) => console.warn('redis cluster subscriber:', error.message));
    await clusterSubscriber.connect();

    const clusterStore = redisTokenStore({ client: cluster, subscriber: clusterSubscriber });
    closers.push(
      () => cluster.destroy(),
      () => clusterSubscriber.destroy(),
    );

    const key = 'snap:https://api.example.com:client-1';
    const value = { token: 'tok_cluster', expiresAt: Date.now() + 60_000, obtainedAt: Date.now() };
    await clusterStore.set(key, value, 60_000);
    expect(await clusterStore.get(key)).toEqual(value);
    const keys = await clusterStore.keysFor(key);
    expect(await redisCluster.keySlot(keys.lock)).toBe(await redisCluster.keySlot(keys.token));
  });

  it('Sentinel, riding through a failover', async () => {
    const baseUrl = tokenServer.url;
    const sentinel = createSentinel({
      name: 'mymaster',
      sentinelRootNodes: (process.env.REDIS_SENTINELS ?? '127.0.0.1:26379').split(',').map((address) => {
        const [host, port] = address.split(':');
        return { host: host as string, port: Number(port) };
      }),
      // Commands wait while the client finds the new primary, instead of failing at once.
      nodeClientOptions: { disableOfflineQueue: false },
    });
    sentinel.on('error', (error) => console.warn('redis sentinel:', error.message));
    await sentinel.connect();

    // The sentinel client keeps its own pub/sub connection: it is its own subscriber.
    const sentinelStore = redisTokenStore({ client: sentinel, subscriber: sentinel, commandTimeoutMs: 10_000 });
    const sentinelTokens = createTokenManager({
      key: `example:${baseUrl}:client-2`,
      store: sentinelStore,
      storeTimeoutMs: 11_000,
      fetchToken: async () => {
        const response = await fetch(`${baseUrl}/token`, { method: 'POST' });
        const body = (await response.json()) as { access_token: string; expires_in: number };
        return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      },
    });
    closers.push(() => sentinel.destroy());

    const token = await sentinelTokens.getToken();
    expect(token.token).toBe(tokenServer.issued.at(-1));
    expect((await sentinelStore.get(`example:${baseUrl}:client-2`))?.token).toBe(token.token);
  });

  it('external ids unique across replicas, in createSnapAuth', async () => {
    const keyPair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const privateKey = keyPair.privateKey;
    const clientSecret = 'snap-client-secret';
    const sandbox = createSnapSandbox({
      clients: [{ clientId: 'client-1', publicKey: keyPair.publicKey, clientSecret }],
      externalIdRule: { lengths: [9, 12], charset: 'numeric' },
    });
    const running = await sandbox.listen();
    const snapUrl = running.url;
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    closers.push(() => client.destroy());
    try {
      const externalIdRule = { lengths: [9, 12], charset: 'numeric' } as const;
      const externalIds = await redisExternalIds({ client, rule: externalIdRule, name: 'bri' });
      const bri = createSnapAuth({
        baseUrl: snapUrl,
        clientId: 'client-1',
        privateKey,
        clientSecret,
        channelId: '95221',
        externalIdRule,
        externalId: externalIds.next,
      });
      const reply = await bri.fetch('/v1.0/balance-inquiry', {
        method: 'POST',
        body: JSON.stringify({ partnerReferenceNo: '2020102900000000000003' }),
      });
      // At shutdown: externalIds.close();
      externalIds.close();

      expect(reply.status).toBe(200);
      const sent = sandbox.requests.all.map((request) => request.headers['x-external-id']).filter(Boolean);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^[0-9]{9}$/);
      // A second replica leasing from the same counter starts after this one's blocks.
      const other = await redisExternalIds({ client, rule: externalIdRule, name: 'bri' });
      expect(Number(other.next())).toBeGreaterThanOrEqual(2_000);
      other.close();
    } finally {
      await running.close();
    }
  });
});
