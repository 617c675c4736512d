// Redis trouble never takes the merchant down: with Redis stopped (or hung) mid-run, callers
// still get tokens through the token manager's fallback, and once Redis is back the shared
// store is used again. Real redis-server, real HTTP token endpoint, the core token manager.
import { createTokenManager, type TokenManager } from '@org/signing-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisTokenStore } from '../src/index.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { startTokenServer, type TokenServer } from './token-server.js';

let redis: RedisServer;
let tokenServer: TokenServer;
let client: ReturnType<typeof createClient>;
const logs: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }> = [];
const logger = {
  warn: (message: string, fields?: Record<string, unknown>) => logs.push({ level: 'warn', message, fields }),
  info: (message: string, fields?: Record<string, unknown>) => logs.push({ level: 'info', message, fields }),
};

beforeAll(async () => {
  redis = await startRedisServer();
  tokenServer = await startTokenServer();
  client = createClient({
    url: redis.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 200) },
  });
  client.on('error', () => {});
  await client.connect();
});
afterAll(async () => {
  client.destroy();
  await tokenServer.close();
  await redis.stop();
});

const key = () => `test:${tokenServer.url}:client-1`;

/** A replica: its own token manager (its own memory), sharing the store. */
function replica(): TokenManager {
  return createTokenManager({
    key: key(),
    store: redisTokenStore({ client }),
    logger,
    fetchToken: async () => {
      const response = await fetch(`${tokenServer.url}/token`, { method: 'POST' });
      const body = (await response.json()) as { access_token: string; expires_in: number };
      return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    },
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Redis stopped mid-run', () => {
  it('callers still get tokens at once, and the store is used again after Redis restarts', async () => {
    // 1. Healthy: the first replica fetches and stores; a second one reads the stored token.
    const first = replica();
    const shared = await first.getToken();
    expect(tokenServer.count()).toBe(1);
    expect((await replica().getToken()).token).toBe(shared.token);
    expect(tokenServer.count()).toBe(1);

    // 2. Redis goes away.
    await redis.stop();
    await until(() => !client.isReady, 2_000);

    //    A replica starting now: 300 concurrent callers get one token, fetched once, without
    //    waiting for any timeout (the client refuses commands at once while disconnected).
    const started = Date.now();
    const cold = replica();
    const tokens = await Promise.all(Array.from({ length: 300 }, () => cold.getToken()));
    const coldMs = Date.now() - started;
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(tokenServer.count()).toBe(2);
    expect(coldMs).toBeLessThan(500);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'token store unavailable: fetching tokens without it (in-process single-flight)',
    ]);
    expect(String(logs[0]?.fields?.error)).toMatch(/^StoreError: redis GET failed/);

    //    The replica that was running keeps its token in memory, and can still refresh.
    expect((await first.getToken()).token).toBe(shared.token);
    await first.invalidate(shared);
    const refreshed = await first.getToken();
    expect(refreshed.token).not.toBe(shared.token);
    expect(tokenServer.count()).toBe(3);

    // 3. Redis is back (empty: nothing was persisted). The client reconnects by itself.
    await redis.restart();
    await until(() => client.isReady, 5_000);
    const afterRestart = Date.now();
    const forced = await cold.getToken({ forceRefresh: true });
    expect(tokenServer.count()).toBe(4);
    expect(logs.some((l) => l.level === 'info' && l.message === 'token store is available again')).toBe(true);
    //    The new token went to Redis, and a new replica takes it from there: no extra request.
    const stored = await client.get(`payauth:token:{${key()}}`);
    expect(stored).toContain(forced.token);
    expect((await replica().getToken()).token).toBe(forced.token);
    expect(tokenServer.count()).toBe(4);
    console.log(
      `[outage] 300 callers served in ${coldMs} ms with Redis down; store used again ${Date.now() - afterRestart} ms after reconnect`,
    );
  });

  // The manager awaits the store twice on this path (its GET, then its SET of the new token), so
  // callers wait about two command timeouts; see the core request in the package report.
  it('a hung Redis (SIGSTOP) costs callers about two commandTimeoutMs, then the manager goes on alone', async () => {
    await until(() => client.isReady, 5_000);
    const hungKey = `${key()}:hung`;
    const manager = createTokenManager({
      key: hungKey,
      store: redisTokenStore({ client, commandTimeoutMs: 200 }),
      logger,
      fetchToken: async () => ({ token: `hung-${Date.now()}`, expiresAt: Date.now() + 60_000 }),
    });
    redis.pause();
    try {
      const started = Date.now();
      const tokens = await Promise.all(Array.from({ length: 100 }, () => manager.getToken()));
      const elapsed = Date.now() - started;
      expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(2 * 200 + 300);
      console.log(`[outage] hung Redis: 100 callers got a token in ${elapsed} ms (commandTimeoutMs 200)`);
    } finally {
      redis.resume();
    }
  });
});
