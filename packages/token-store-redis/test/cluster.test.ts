// The stores on a real 6-node Redis Cluster (3 primaries, 3 replicas; test/redis-topology.ts),
// through node-redis's createCluster and ioredis's Cluster: keys spread over the primaries,
// the names of one token share a slot (hash tag), the scripts run, and many token managers on
// a cold cache make one token request.
import { createTokenManager } from '@org/signing-core';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisExternalIds, redisIdempotencyStore, redisIssuedTokenStore, redisTokenStore } from '../src/index.js';
import { closeAll, connectCluster, LIBRARIES } from './clients.js';
import { type RedisCluster, startRedisCluster } from './redis-topology.js';
import { startTokenServer, TOKEN_PATH, type TokenServer } from './token-server.js';

let cluster: RedisCluster;
let tokenServer: TokenServer;
let inspector: ReturnType<typeof createCluster>;

beforeAll(async () => {
  const started = Date.now();
  cluster = await startRedisCluster();
  console.log(`[cluster] 6-node cluster up in ${Date.now() - started} ms`);
  tokenServer = await startTokenServer();
  tokenServer.sandbox.faults.inject({ type: 'delay', ms: 200 }, { path: TOKEN_PATH, times: Infinity });
  inspector = createCluster({ rootNodes: [...cluster.rootNodes] });
  inspector.on('error', () => {});
  await inspector.connect();
}, 60_000);

afterAll(async () => {
  try {
    closeAll();
    if (inspector?.isOpen) inspector.destroy();
    await tokenServer?.close();
  } finally {
    await cluster?.stop();
  }
});

const stored = (text: string) => ({ token: text, expiresAt: Date.now() + 60_000, obtainedAt: Date.now() });

describe('hash tags', () => {
  it('put the token, lock and channel of one key in one slot, and keys of different tokens on different primaries', async () => {
    const store = redisTokenStore({ client: inspector });
    const slots = new Set<number>();
    const owners = new Set<string>();
    for (let i = 0; i < 24; i += 1) {
      const keys = await store.keysFor(`snap:https://bank-${i}.example.com:client-${i}`);
      const [token, lock, channel] = await Promise.all([keys.token, keys.lock, keys.channel].map(cluster.keySlot));
      expect(lock).toBe(token);
      expect(channel).toBe(token);
      slots.add(token as number);
      owners.add(inspector.getSlotMaster(token as number).id);
    }
    expect(slots.size).toBeGreaterThan(20);
    expect(owners.size).toBe(3);
  });

  it('let one script touch the token and the lock together (without the tag: CROSSSLOT)', async () => {
    const store = redisTokenStore({ client: inspector, prefix: 'tagged' });
    const key = 'snap:https://api.example.com:client-1';
    await store.set(key, stored('tok_tagged'), 60_000);
    const lock = await store.lock(key, 5_000);
    expect(lock).toBeDefined();
    const keys = await store.keysFor(key);
    const both = `return {redis.call('EXISTS', KEYS[1]), redis.call('EXISTS', KEYS[2])}`;
    expect(await inspector.eval(both, { keys: [keys.token, keys.lock], arguments: [] })).toEqual([1, 1]);
    await expect(
      inspector.eval(both, { keys: [`untagged:token:${key}`, `untagged:lock:${key}`], arguments: [] }),
    ).rejects.toThrow(/CROSSSLOT/);
    await lock?.release();
  });
});

describe.each(LIBRARIES)('%s cluster client', (library) => {
  it('token store: set, get, compare-and-delete, lock and release on keys all over the cluster', async () => {
    const { client } = await connectCluster(library, cluster);
    const store = redisTokenStore({ client, prefix: `store-${library}` });
    const names = Array.from({ length: 12 }, (_, i) => `test:https://p${i}.example:client-${i}`);
    await Promise.all(names.map((name, i) => store.set(name, stored(`tok_${library}_${i}`), 60_000)));
    expect((await Promise.all(names.map((name) => store.get(name)))).map((token) => token?.token)).toEqual(
      names.map((_, i) => `tok_${library}_${i}`),
    );
    const [first, second] = names as [string, string];
    await store.delete(first, 'tok_not_this_one');
    expect((await store.get(first))?.token).toBe(`tok_${library}_0`);
    await store.delete(first, `tok_${library}_0`);
    expect(await store.get(first)).toBeUndefined();
    const lock = await store.lock(second, 5_000);
    expect(lock).toBeDefined();
    expect(await store.lock(second, 5_000)).toBeUndefined();
    const lockKey = (await store.keysFor(second)).lock;
    expect(await inspector.pTTL(lockKey)).toBeGreaterThan(4_000);
    await lock?.release();
    expect(await inspector.exists(lockKey)).toBe(0);
  });

  it('pub/sub over the cluster: 4 managers × 100 callers on a cold cache make one token request', async () => {
    const replicas = await Promise.all(Array.from({ length: 4 }, () => connectCluster(library, cluster)));
    const before = tokenServer.count();
    const key = `test:${tokenServer.url}:fanout-${library}`;
    const managers = replicas.map(({ client, subscriber }) => {
      const store = redisTokenStore({ client, subscriber, prefix: `fanout-${library}` });
      expect(store.waitForChange).toBeTypeOf('function');
      return createTokenManager({
        key,
        store,
        fetchToken: async () => {
          const response = await fetch(`${tokenServer.url}${TOKEN_PATH}`, { method: 'POST' });
          const body = (await response.json()) as { access_token: string; expires_in: number };
          return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
        },
      });
    });
    const started = Date.now();
    const tokens = await Promise.all(
      managers.flatMap((manager) => Array.from({ length: 100 }, () => manager.getToken())),
    );
    const elapsed = Date.now() - started;
    expect(tokenServer.count() - before).toBe(1);
    expect(new Set(tokens.map((token) => token.token))).toEqual(new Set([tokenServer.issued.at(-1)]));
    // Woken by the message, not by polling or the lock's expiry (15 s).
    expect(elapsed).toBeLessThan(3_000);
  });

  it('SNAP server stores: idempotency claim, complete, release and issued tokens', async () => {
    const { client } = await connectCluster(library, cluster);
    const prefix = `server-${library}`;
    const idempotency = redisIdempotencyStore({ client, prefix });
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => idempotency.claim(`payment-${i}`, `fingerprint-${i}`, 60_000)),
    );
    expect(claims.every((claim) => claim.state === 'claimed')).toBe(true);
    const [firstClaim] = claims as [{ state: 'claimed'; owner: string }];
    expect(await idempotency.claim('payment-0', 'fingerprint-0', 60_000)).toEqual({
      state: 'pending',
      fingerprint: 'fingerprint-0',
    });
    expect(await idempotency.complete('payment-0', 'someone-else', 'result', 60_000)).toBe(false);
    expect(await idempotency.complete('payment-0', firstClaim.owner, '{"ok":true}', 60_000)).toBe(true);
    expect(await idempotency.claim('payment-0', 'fingerprint-0', 60_000)).toEqual({
      state: 'completed',
      fingerprint: 'fingerprint-0',
      result: '{"ok":true}',
    });
    const second = claims[1] as { owner: string };
    await idempotency.release('payment-1', second.owner);
    expect((await idempotency.claim('payment-1', 'fingerprint-1', 60_000)).state).toBe('claimed');

    const issued = redisIssuedTokenStore({ client, prefix });
    const hashes = Array.from({ length: 10 }, (_, i) => `${i}`.padStart(64, 'a'));
    await Promise.all(
      hashes.map((hash, i) => issued.save(hash, { clientId: `BANK-${i}`, expiresAt: 1e13 + i }, 60_000)),
    );
    expect(await Promise.all(hashes.map((hash) => issued.find(hash)))).toEqual(
      hashes.map((_, i) => ({ clientId: `BANK-${i}`, expiresAt: 1e13 + i })),
    );
    expect(await issued.find('f'.repeat(64))).toBeUndefined();
  });

  it('external ids: replicas leasing from one counter never repeat an id', async () => {
    const replicas = await Promise.all(Array.from({ length: 3 }, () => connectCluster(library, cluster)));
    const generators = await Promise.all(
      replicas.map(({ client }) =>
        redisExternalIds({
          client,
          rule: { lengths: [9], charset: 'numeric' },
          name: `cluster-${library}`,
          blockSize: 100,
        }),
      ),
    );
    const ids: string[] = [];
    // Interleaved, across several blocks each (background leases between rounds).
    for (let round = 0; round < 10; round += 1) {
      for (const generator of generators) for (let i = 0; i < 40; i += 1) ids.push(generator.next());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const generator of generators) generator.close();
    expect(ids).toHaveLength(1_200);
    expect(new Set(ids).size).toBe(1_200);
    for (const id of ids) expect(id).toMatch(/^[0-9]{9}$/);
  });
});
