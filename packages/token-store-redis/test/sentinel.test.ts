// The stores behind Redis Sentinel (a primary, a replica, 3 sentinels; test/redis-topology.ts),
// through node-redis's createSentinel and ioredis's `sentinels` option, and a failover: the
// primary is SIGKILLed while one replica of the service refreshes the token. Callers keep
// being served, and the refresh in flight is the only token request for all the replicas.
import { type AccessToken, createTokenManager, type TokenManager } from '@org/signing-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisExternalIds, redisIdempotencyStore, redisIssuedTokenStore, redisTokenStore } from '../src/index.js';
import { closeAll, connectSentinel, LIBRARIES, type Library } from './clients.js';
import { cli, type RedisSentinelGroup, startRedisSentinel, waitUntil } from './redis-topology.js';
import { startTokenServer, TOKEN_PATH, type TokenServer } from './token-server.js';

const REPLICAS = 3;
const CALL_EVERY_MS = 10;

describe.each(LIBRARIES)('%s sentinel client', (library: Library) => {
  let group: RedisSentinelGroup;
  let tokenServer: TokenServer;

  beforeAll(async () => {
    const started = Date.now();
    group = await startRedisSentinel();
    console.log(`[sentinel] primary, replica and 3 sentinels up in ${Date.now() - started} ms`);
    tokenServer = await startTokenServer();
  }, 60_000);

  afterAll(async () => {
    try {
      closeAll();
      await tokenServer?.close();
    } finally {
      await group?.stop();
    }
  });

  it('serves the token store, the SNAP server stores and external ids through the primary', async () => {
    const { client } = await connectSentinel(library, group);
    const store = redisTokenStore({ client, prefix: 'basic' });
    await store.set('k', { token: 'tok_sentinel', expiresAt: Date.now() + 60_000, obtainedAt: Date.now() }, 60_000);
    expect((await store.get('k'))?.token).toBe('tok_sentinel');
    const lock = await store.lock('k', 5_000);
    expect(await store.lock('k', 5_000)).toBeUndefined();
    await lock?.release();
    // Written on the primary, replicated to the replica.
    await waitUntil('the token on the replica', async () =>
      (await cli(group.replica.port, ['GET', (await store.keysFor('k')).token])).includes('tok_sentinel'),
    );
    const idempotency = redisIdempotencyStore({ client, prefix: 'basic' });
    expect((await idempotency.claim('call-1', 'f', 60_000)).state).toBe('claimed');
    expect((await idempotency.claim('call-1', 'f', 60_000)).state).toBe('pending');
    const issued = redisIssuedTokenStore({ client, prefix: 'basic' });
    await issued.save('ab'.repeat(32), { clientId: 'BANK', expiresAt: 1e13 }, 60_000);
    expect(await issued.find('ab'.repeat(32))).toEqual({ clientId: 'BANK', expiresAt: 1e13 });
    const ids = await redisExternalIds({ client, rule: { lengths: [12] }, name: 'sentinel' });
    expect(ids.next()).toMatch(/^[0-9]{12}$/);
    ids.close();
  });

  it('failover during a refresh: callers keep being served, and one token request serves every replica', async () => {
    let offsetMs = 0;
    const clock = () => Date.now() + offsetMs;
    let killedAt = 0;
    let refresher = -1;
    const lockRefused = new Set<number>();
    const warnings: string[] = [];
    const managers: TokenManager[] = [];
    for (let replica = 0; replica < REPLICAS; replica += 1) {
      // Commands wait in the client's queue while it finds the new primary (a few seconds),
      // instead of failing at once and making this replica fetch on its own.
      const { client, subscriber } = await connectSentinel(library, group, { queueWhileReconnecting: true });
      const store = redisTokenStore({ client, subscriber, prefix: 'failover', commandTimeoutMs: 10_000 });
      const lockOf = store.lock.bind(store);
      store.lock = async (key, ttlMs) => {
        const lock = await lockOf(key, ttlMs);
        if (lock === undefined) lockRefused.add(replica);
        return lock;
      };
      managers.push(
        createTokenManager({
          key: `test:${tokenServer.url}:client-1`,
          store,
          clock,
          storeTimeoutMs: 11_000,
          logger: { warn: (message) => warnings.push(`replica ${replica}: ${message}`) },
          fetchToken: async ({ reason }) => {
            if (reason === 'refresh' && killedAt === 0) {
              refresher = replica;
              // Kill only once the lock is on the replica (replication is asynchronous) and the
              // other replicas found it taken, so that they are waiting for this fetch.
              await waitUntil('the refresh lock on the replica', async () =>
                (
                  await cli(group.replica.port, [
                    'EXISTS',
                    (await store.keysFor(`test:${tokenServer.url}:client-1`)).lock,
                  ])
                ).startsWith('1'),
              );
              await waitUntil(
                'the other replicas to find the lock taken',
                async () => lockRefused.size === REPLICAS - 1,
                5_000,
              );
              killedAt = Date.now();
              group.killPrimary();
            }
            const response = await fetch(`${tokenServer.url}${TOKEN_PATH}`, { method: 'POST' });
            const body = (await response.json()) as { access_token: string; expires_in: number };
            return { token: body.access_token, expiresAt: clock() + body.expires_in * 1000 };
          },
        }),
      );
    }

    // Warm: the first replica fetches, the others read its token.
    const first = await (managers[0] as TokenManager).getToken();
    for (const manager of managers.slice(1)) expect((await manager.getToken()).token).toBe(first.token);
    expect(tokenServer.count()).toBe(1);
    await waitUntil('the token on the replica', async () =>
      (await cli(group.replica.port, ['KEYS', 'failover:token:*'])).includes('failover:token:'),
    );

    // 900 s tokens: 100 s before expiry is inside every replica's refresh window.
    offsetMs = 800_000;
    let calls = 0;
    let failed = 0;
    const served = new Set<string>();
    const deadline = Date.now() + 40_000;
    const recovered = () => killedAt > 0 && managers.every((manager) => manager.peek()?.token !== first.token);
    let recoveredAt = 0;
    await Promise.all(
      managers.map(async (manager) => {
        while (Date.now() < deadline && !recovered()) {
          calls += 1;
          await manager.getToken().then(
            (token: AccessToken) => served.add(token.token),
            () => {
              failed += 1;
            },
          );
          await new Promise((resolve) => setTimeout(resolve, CALL_EVERY_MS));
        }
        if (recoveredAt === 0 && recovered()) recoveredAt = Date.now();
      }),
    );
    expect(killedAt).toBeGreaterThan(0);
    expect(recovered()).toBe(true);
    await group.waitForPrimary(group.replica.port);

    const requestsAfterKill = tokenServer.count() - 1;
    const newToken = tokenServer.issued.at(-1);
    console.log(
      `[failover] ${library}: primary SIGKILLed during replica ${refresher}'s refresh; ${calls} calls, ${failed} failed; ` +
        `${requestsAfterKill} token request(s) after the kill; every replica served the new token ${recoveredAt - killedAt} ms after the kill`,
    );
    expect(failed).toBe(0);
    expect(warnings).toEqual([]); // no replica gave up on the store and fetched on its own
    expect(requestsAfterKill).toBe(1);
    for (const manager of managers) expect(manager.peek()?.token).toBe(newToken);
    // Callers got the old token until their replica had the new one, and nothing else.
    expect([...served].filter((token) => token !== first.token && token !== newToken)).toEqual([]);
    for (const manager of managers) expect((await manager.getToken()).token).toBe(newToken);
    // The new primary holds the new token: a replica started now needs no request either.
    const late = await connectSentinel(library, group);
    expect(
      (await redisTokenStore({ client: late.client, prefix: 'failover' }).get(`test:${tokenServer.url}:client-1`))
        ?.token,
    ).toBe(newToken);
  }, 60_000);
});
