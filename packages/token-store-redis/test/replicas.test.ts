// Replicas sharing one store in one process (each with its own token manager, as separate
// processes would have): a rejected token causes one refetch however many replicas report it,
// and the background refresh ahead of expiry happens once for all of them.
import { createTokenManager, type TokenManager } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { redisTokenStore } from '../src/index.js';
import { useRedis } from './redis-fixture.js';
import { startTokenServer } from './token-server.js';

const redis = useRedis();

async function replicas(count: number, options: { lifetimeSeconds: number; prefix: string; pubsub: boolean }) {
  const tokenServer = await startTokenServer({ lifetimeSeconds: options.lifetimeSeconds });
  const managers: TokenManager[] = [];
  for (let i = 0; i < count; i += 1) {
    const client = await redis.connect();
    const subscriber = options.pubsub ? await redis.connect() : undefined;
    managers.push(
      createTokenManager({
        key: `test:${tokenServer.url}:client-1`,
        store: redisTokenStore({ client, subscriber, prefix: options.prefix }),
        refreshAheadMs: 1_000,
        // The refresh test uses 2 s tokens to stay quick: below the default 10 s floor.
        minLifetimeMs: 1_000,
        expiryMarginMs: 0,
        fetchToken: async () => {
          const response = await fetch(`${tokenServer.url}/token`, { method: 'POST' });
          const body = (await response.json()) as { access_token: string; expires_in: number };
          return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
        },
      }),
    );
  }
  return { tokenServer, managers };
}

describe('replicas sharing one Redis', () => {
  it('a token rejected and reported by every replica is refetched once (compare-and-delete)', async () => {
    const { tokenServer, managers } = await replicas(5, { lifetimeSeconds: 900, prefix: 'invalidate', pubsub: true });
    const first = await Promise.all(managers.map((m) => m.getToken()));
    expect(new Set(first.map((t) => t.token)).size).toBe(1);
    expect(tokenServer.count()).toBe(1);

    // Replica 0 is told the token is invalid, fetches a new one; the others report the same
    // old token later: their deletes must not remove the new one.
    await managers[0]?.invalidate(first[0]);
    const renewed = await managers[0]?.getToken();
    for (const [i, manager] of managers.entries()) if (i > 0) await manager.invalidate(first[i]);
    const after = await Promise.all(managers.map((m) => m.getToken()));
    expect(new Set(after.map((t) => t.token))).toEqual(new Set([renewed?.token]));
    expect(tokenServer.count()).toBe(2);
    await tokenServer.close();
  });

  it('the background refresh before expiry is one request for all replicas', async () => {
    const { tokenServer, managers } = await replicas(5, { lifetimeSeconds: 2, prefix: 'refresh', pubsub: false });
    const first = await Promise.all(managers.map((m) => m.getToken()));
    expect(tokenServer.count()).toBe(1);
    // Refresh window: the last second of the token's two. Callers still get the current token
    // at once while one replica refreshes for everyone.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const during = await Promise.all(managers.map((m) => m.getToken()));
    expect(during.map((t) => t.token)).toEqual(first.map((t) => t.token));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await Promise.all(managers.map((m) => m.getToken()));
    expect(new Set(next.map((t) => t.token)).size).toBe(1);
    expect(next[0]?.token).not.toBe(first[0]?.token);
    expect(tokenServer.count()).toBe(2);
    await tokenServer.close();
  });
});
