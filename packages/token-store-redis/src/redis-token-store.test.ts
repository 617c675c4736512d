// The store against a real redis-server: layout, TTLs, compare-and-delete, lock semantics,
// pub/sub waits, and failing fast when Redis is down or hung.
import { isAuthError, type StoredToken, StoreError } from '@org/signing-core';
import { RESP_TYPES } from 'redis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../test/redis-fixture.js';
import { redisTokenStore } from './redis-token-store.js';

const redis = useRedis();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
/** A fresh manager-style key per test, so tests never see each other's values. */
const freshKey = () => `snap:https://api.example.com:client-${++counter}-${Math.random().toString(36).slice(2)}`;

function token(text = `token-${Math.random().toString(36).slice(2)}`, lifetimeMs = 60_000): StoredToken {
  const now = Date.now();
  return { token: text, expiresAt: now + lifetimeMs, obtainedAt: now };
}

function collectingLogger() {
  const warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  return {
    warnings,
    logger: { warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }) },
  };
}

describe('get / set', () => {
  it('stores JSON under <prefix>:token:<key> with a TTL equal to the given lifetime', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const value: StoredToken = {
      ...token('abc'),
      tokenType: 'Bearer',
      data: { scope: 'payments', b2b: true, n: 1, x: null },
    };
    await store.set(key, value, 30_000);
    expect(await store.get(key)).toEqual(value);
    const raw = await redis.raw.get(`payauth:token:{${key}}`);
    expect(JSON.parse(raw ?? '')).toEqual(value);
    const pttl = await redis.raw.pTTL(`payauth:token:{${key}}`);
    expect(pttl).toBeGreaterThan(29_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
  });

  it('returns undefined when nothing is stored, and after the TTL has run out', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, token(), 40);
    expect(await store.get(key)).toBeDefined();
    await sleep(80);
    expect(await store.get(key)).toBeUndefined();
  });

  it('rounds a fractional TTL up to whole milliseconds and refuses a non-positive one', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    await store.set(key, token(), 1500.2);
    expect(await redis.raw.pTTL(`payauth:token:{${key}}`)).toBeGreaterThan(1400);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      await expect(store.set(key, token(), bad)).rejects.toThrow(TypeError);
      await expect(store.lock(key, bad)).rejects.toThrow(TypeError);
    }
  });

  it('refuses a missing key or value as programmer errors (TypeError)', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    await expect(store.get('')).rejects.toThrow(TypeError);
    await expect(store.get(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(store.set('k', null as unknown as StoredToken, 10)).rejects.toThrow(TypeError);
    await expect(store.delete('')).rejects.toThrow(TypeError);
  });

  it('a value that is not a stored token reads as a miss with a malformed-value warning', async () => {
    const { logger, warnings } = collectingLogger();
    const store = redisTokenStore({ client: await redis.connect(), logger });
    const key = freshKey();
    for (const raw of ['{"token":1}', '{not json', 'plain text', '{"token":"t","expiresAt":"soon","obtainedAt":1}']) {
      await redis.raw.set(`payauth:token:{${key}}`, raw);
      expect(await store.get(key)).toBeUndefined();
    }
    expect(warnings.map((w) => w.fields?.warning)).toEqual([
      'malformed-value',
      'malformed-value',
      'malformed-value',
      'malformed-value',
    ]);
    expect(warnings[0]?.fields).toEqual({
      source: '@org/token-store-redis',
      warning: 'malformed-value',
      key,
      redisKey: `payauth:token:{${key}}`,
    });
  });

  it('publishes on the key channel when a token is stored', async () => {
    const store = redisTokenStore({ client: await redis.connect(), prefix: 'pub' });
    const key = freshKey();
    const subscriber = await redis.connect();
    const messages: string[] = [];
    await subscriber.subscribe(`pub:changed:{${key}}`, (message) => messages.push(message));
    await store.set(key, token(), 1000);
    await sleep(30);
    expect(messages).toEqual(['set']);
  });

  it('works with clients set to return Buffers, and with RESP3', async () => {
    const buffers = await redis.connect({ commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } });
    const resp3 = await redis.connect({ RESP: 3 });
    const key = freshKey();
    const value = token('buffered');
    await redisTokenStore({ client: buffers }).set(key, value, 10_000);
    expect(await redisTokenStore({ client: buffers }).get(key)).toEqual(value);
    expect(await redisTokenStore({ client: resp3 }).get(key)).toEqual(value);
    const lock = await redisTokenStore({ client: resp3 }).lock(key, 1000);
    expect(lock).toBeDefined();
    expect(await redisTokenStore({ client: buffers }).lock(key, 1000)).toBeUndefined();
  });
});

describe('key layout', () => {
  it('uses <prefix>:token:, <prefix>:lock: and <prefix>:changed: with the manager key as it is', async () => {
    const store = redisTokenStore({ client: await redis.connect(), prefix: 'shop-a' });
    expect(await store.keysFor('snap:https://api.example.com:client-1')).toEqual({
      token: 'shop-a:token:{snap:https://api.example.com:client-1}',
      lock: 'shop-a:lock:{snap:https://api.example.com:client-1}',
      channel: 'shop-a:changed:{snap:https://api.example.com:client-1}',
    });
    expect((await redisTokenStore({ client: await redis.connect() }).keysFor('k')).token).toBe('payauth:token:{k}');
  });

  it('replaces keys longer than 128 characters (or starting with sha256:) by their SHA-256', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const long = `snap:https://api.example.com/${'x'.repeat(200)}:client-1`;
    const keys = await store.keysFor(long);
    expect(keys.token).toMatch(/^payauth:token:\{sha256:[0-9a-f]{64}\}$/);
    expect(keys.lock).toBe(keys.token.replace(':token:', ':lock:'));
    await store.set(long, token('long-key-token'), 10_000);
    expect((await store.get(long))?.token).toBe('long-key-token');
    expect(await redis.raw.exists(keys.token)).toBe(1);
    const lookalike = `sha256:${keys.token.slice(-65, -1)}`;
    expect((await store.keysFor(lookalike)).token).not.toBe(keys.token);
    expect((await store.keysFor('x'.repeat(128))).token).toBe(`payauth:token:{${'x'.repeat(128)}}`);
  });

  it('keeps stores with different prefixes apart', async () => {
    const client = await redis.connect();
    const a = redisTokenStore({ client, prefix: 'a' });
    const b = redisTokenStore({ client, prefix: 'b' });
    const key = freshKey();
    await a.set(key, token('from-a'), 10_000);
    expect(await b.get(key)).toBeUndefined();
    expect(await b.lock(key, 1000)).toBeDefined();
    expect(await a.lock(key, 1000)).toBeDefined();
  });
});

describe('delete', () => {
  it('without a token deletes whatever is stored', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    await store.set(key, token('t1'), 10_000);
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    await store.delete(key); // nothing stored: no error
  });

  it('with a token deletes only that token', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    await store.set(key, token('current'), 10_000);
    await store.delete(key, 'rejected-earlier');
    expect((await store.get(key))?.token).toBe('current');
    await store.delete(key, 'current');
    expect(await store.get(key)).toBeUndefined();
    await store.delete(key, 'current'); // nothing stored: no error
  });

  it('is a compare-and-delete: a token stored between the read and the delete is kept', async () => {
    const client = await redis.connect();
    const other = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    // A client that lets another replica store a fresh token right after our GET answered.
    const racing = {
      get: async (name: string) => {
        const value = await client.get(name);
        await other.set(key, token('fresh-from-another-replica'), 10_000);
        return value;
      },
      set: client.set.bind(client),
      eval: client.eval.bind(client),
      pTTL: client.pTTL.bind(client),
      del: client.del.bind(client),
    };
    const store = redisTokenStore({ client: racing });
    await other.set(key, token('rejected'), 10_000);
    await store.delete(key, 'rejected');
    expect((await other.get(key))?.token).toBe('fresh-from-another-replica');
  });
});

describe('lock', () => {
  it('SET NX PX with a random id: one holder at a time, with the given TTL', async () => {
    const client = await redis.connect();
    const a = redisTokenStore({ client });
    const b = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const lock = await a.lock(key, 2_000);
    expect(lock).toBeDefined();
    expect(await b.lock(key, 2_000)).toBeUndefined();
    expect(await a.lock(key, 2_000)).toBeUndefined();
    const id = await redis.raw.get(`payauth:lock:{${key}}`);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const pttl = await redis.raw.pTTL(`payauth:lock:{${key}}`);
    expect(pttl).toBeGreaterThan(1_900);
    expect(pttl).toBeLessThanOrEqual(2_000);
    await lock?.release();
    expect(await redis.raw.exists(`payauth:lock:{${key}}`)).toBe(0);
    const next = await b.lock(key, 2_000);
    expect(next).toBeDefined();
    expect(await redis.raw.get(`payauth:lock:{${key}}`)).not.toBe(id);
  });

  it('expires after its TTL, so a holder that died blocks nobody for longer', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    expect(await store.lock(key, 100)).toBeDefined(); // never released
    expect(await store.lock(key, 100)).toBeUndefined();
    await sleep(150);
    expect(await store.lock(key, 100)).toBeDefined();
  });

  it('release deletes only its own lock (not one taken after it expired), and only once', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const stale = await store.lock(key, 50);
    await sleep(80);
    const fresh = await store.lock(key, 5_000);
    expect(fresh).toBeDefined();
    const freshId = await redis.raw.get(`payauth:lock:{${key}}`);
    await stale?.release();
    expect(await redis.raw.get(`payauth:lock:{${key}}`)).toBe(freshId);
    await fresh?.release();
    await fresh?.release();
    expect(await redis.raw.exists(`payauth:lock:{${key}}`)).toBe(0);
  });

  it('release tells waiters on the key channel', async () => {
    const store = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const subscriber = await redis.connect();
    const messages: string[] = [];
    await subscriber.subscribe(`payauth:changed:{${key}}`, (message) => messages.push(message));
    const lock = await store.lock(key, 1_000);
    await lock?.release();
    await lock?.release();
    await sleep(30);
    expect(messages).toEqual(['released']);
  });
});

describe('waitForChange (with a subscriber)', () => {
  async function pubSubStore() {
    const client = await redis.connect();
    const subscriber = await redis.connect();
    return { store: redisTokenStore({ client, subscriber }), client, subscriber };
  }

  it('is only there when a subscriber is given', async () => {
    expect(redisTokenStore({ client: await redis.connect() }).waitForChange).toBeUndefined();
    expect(typeof (await pubSubStore()).store.waitForChange).toBe('function');
  });

  it('wakes as soon as another replica stores the token', async () => {
    const { store } = await pubSubStore();
    const writer = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const lock = await writer.lock(key, 5_000);
    const started = Date.now();
    const waiting = store.waitForChange?.(key, 3_000);
    await sleep(100);
    await writer.set(key, token('new'), 10_000);
    await waiting;
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1_500);
    await lock?.release();
  });

  it('wakes when the holder releases the lock without storing (its fetch failed)', async () => {
    const { store } = await pubSubStore();
    const holder = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const lock = await holder.lock(key, 5_000);
    const started = Date.now();
    const waiting = store.waitForChange?.(key, 3_000);
    await sleep(100);
    await lock?.release();
    await waiting;
    // Woken by the release, far sooner than the 3 s wait (wide margin: shared CI machines).
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('wakes when the lock expires (a dead holder publishes nothing)', async () => {
    const { store } = await pubSubStore();
    const key = freshKey();
    await store.lock(key, 200);
    const started = Date.now();
    await store.waitForChange?.(key, 3_000);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(600);
    expect(await store.lock(key, 200)).toBeDefined();
  });

  it('returns at once when nobody holds the lock', async () => {
    const { store } = await pubSubStore();
    const started = Date.now();
    await store.waitForChange?.(freshKey(), 3_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('is bounded by its timeout while the lock is held and nothing happens', async () => {
    const { store } = await pubSubStore();
    const key = freshKey();
    await store.lock(key, 10_000);
    const started = Date.now();
    await store.waitForChange?.(key, 150);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(500);
    await store.waitForChange?.(key, 0); // no wait at all
  });

  it('shares one subscription between concurrent waiters and drops it afterwards', async () => {
    const { store } = await pubSubStore();
    const writer = redisTokenStore({ client: await redis.connect() });
    const key = freshKey();
    const lock = await writer.lock(key, 5_000);
    const waits = Array.from({ length: 50 }, () => store.waitForChange?.(key, 3_000));
    await sleep(100);
    const channel = `payauth:changed:{${key}}`;
    expect(await redis.raw.pubSubNumSub(channel)).toEqual({ [channel]: 1 });
    await writer.set(key, token(), 10_000);
    await Promise.all(waits);
    await sleep(50);
    expect(await redis.raw.pubSubNumSub(channel)).toEqual({ [channel]: 0 });
    await lock?.release();
  });

  it('a failing subscriber gives one typed warning and short waits instead of notifications', async () => {
    const { logger, warnings } = collectingLogger();
    const client = await redis.connect();
    const subscriber = await redis.connect();
    subscriber.destroy(); // node-redis leaves SUBSCRIBE on a closed client pending forever
    const store = redisTokenStore({ client, subscriber, logger, commandTimeoutMs: 100 });
    const key = freshKey();
    await store.lock(key, 10_000);
    for (let i = 0; i < 3; i += 1) {
      const started = Date.now();
      await store.waitForChange?.(key, 3_000);
      expect(Date.now() - started).toBeLessThan(1_200);
    }
    expect(warnings.map((w) => w.fields?.warning)).toEqual(['subscriber-unavailable']);
    expect(warnings[0]?.fields?.error).toBe('StoreError: redis subscribe did not answer within 100 ms');
  });
});

describe('failing fast', () => {
  it('a client that is not connected fails at once with a StoreError', async () => {
    const { createClient } = await import('redis');
    const store = redisTokenStore({ client: createClient({ url: redis.server.url }) });
    const started = Date.now();
    const error = await store.get(freshKey()).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(StoreError);
    expect(isAuthError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toBe('redis GET failed: Error: The client is closed');
  });

  it('a hung Redis (SIGSTOP) fails each command after commandTimeoutMs; a lock SET that lands late is released', async () => {
    const client = await redis.connect();
    const store = redisTokenStore({ client, commandTimeoutMs: 150 });
    const key = freshKey();
    await store.get(key); // connection warm
    redis.server.pause();
    try {
      let started = Date.now();
      await expect(store.get(key)).rejects.toThrow('redis GET did not answer within 150 ms');
      expect(Date.now() - started).toBeLessThan(1_000);
      started = Date.now();
      await expect(store.lock(key, 10_000)).rejects.toThrow('redis SET NX did not answer within 150 ms');
      await expect(store.set(key, token(), 10_000)).rejects.toThrow(StoreError);
    } finally {
      redis.server.resume();
    }
    // The SET NX was already written to the socket when it timed out, so Redis runs it on
    // resume; the store's clean-up release runs right after it on the same connection.
    await sleep(100);
    expect(await redis.raw.exists(`payauth:lock:{${key}}`)).toBe(0);
    expect(await store.lock(key, 1_000)).toBeDefined();
  });
});
