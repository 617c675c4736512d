/**
 * Redis stores for a merchant's SNAP server (`@org/snap-auth/server`) running on many replicas:
 *
 * - `redisIdempotencyStore`: the core's `IdempotencyStore`. `claim` is one `SET key <record> NX PX`
 *   (first writer wins, atomically), then a `GET` when the key was taken; `complete` and `release`
 *   are small scripts that act only while the caller still owns the pending claim, so a claim that
 *   expired and was taken by another replica is never overwritten or dropped by the first.
 * - `redisIssuedTokenStore`: the issued-token store of the server kit. Tokens are kept by the hash
 *   the server gives (never the token itself), with the token's own lifetime as the key's TTL.
 *
 * Every command goes through the package's bounded command runner: a slow or absent Redis fails
 * with a `StoreError` naming the operation, never a key or a value.
 */
import { type IdempotencyClaim, type IdempotencyStore, randomAlphanumeric, StoreError } from '@org/signing-core';
import { optionSchemas, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { createCommandRunner } from './command-runner.js';
import { PREFIX_EXPECTED, prefixSchema } from './options.js';
import { type AnyRedisClient, CLIENT_EXPECTED, isIoRedisClientLike, isRedisClientLike } from './redis-client.js';
import { redisCommands } from './redis-commands.js';

const PACKAGE_NAME = '@org/token-store-redis';

/** Options of {@link redisIdempotencyStore} and {@link redisIssuedTokenStore}. */
export interface RedisServerStoreOptions {
  /**
   * A connected node-redis 5 client (`createClient()`, `createCluster()` or `createSentinel()`,
   * with `disableOfflineQueue: true`) or ioredis client (`new Redis()`, `new Redis.Cluster()`,
   * with `enableOfflineQueue: false`).
   */
  client: AnyRedisClient;
  /** First part of every key, without `{` or `}`. Default `payauth`. */
  prefix?: string | undefined;
  /** Longest time one Redis command may take before it fails with a `StoreError`. Default 500 ms. */
  commandTimeoutMs?: number | undefined;
}

const schema = v.strictObject({
  client: v.custom<AnyRedisClient>((value) => isRedisClientLike(value) || isIoRedisClientLike(value), CLIENT_EXPECTED),
  prefix: v.exactOptional(v.optional(prefixSchema, PREFIX_EXPECTED)),
  commandTimeoutMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 60_000))),
});

function resolve(options: RedisServerStoreOptions) {
  const o = validateOptions(PACKAGE_NAME, schema, options) as RedisServerStoreOptions;
  const timeoutMs = o.commandTimeoutMs ?? 500;
  return {
    client: redisCommands(o.client, timeoutMs),
    prefix: o.prefix ?? 'payauth',
    run: createCommandRunner(timeoutMs),
  };
}

/** A stored record: the fingerprint, the owner while pending, the result once completed. */
interface Record {
  readonly f: string;
  readonly o?: string;
  readonly r?: string;
}

function parseRecord(value: unknown): Record | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<Record>;
    return typeof parsed.f === 'string' ? (parsed as Record) : undefined;
  } catch {
    return undefined;
  }
}

// KEYS[1] the record; ARGV[1] owner, ARGV[2] the completed record, ARGV[3] its TTL in ms.
const COMPLETE = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, r = pcall(cjson.decode, v)
if not ok or r.o ~= ARGV[1] or r.r ~= nil then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

// KEYS[1] the record; ARGV[1] owner.
const RELEASE = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, r = pcall(cjson.decode, v)
if not ok or r.o ~= ARGV[1] or r.r ~= nil then return 0 end
return redis.call('DEL', KEYS[1])`;

/**
 * The core's `IdempotencyStore` on Redis: replicas of a SNAP server (or a DOKU notification
 * endpoint) answer each message once, whichever replica a redelivery reaches.
 */
export function redisIdempotencyStore(options: RedisServerStoreOptions): IdempotencyStore {
  const { client, prefix, run } = resolve(options);
  const keyOf = (key: string) => `${prefix}:idem:${key}`;
  const ttl = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));
  return {
    async claim(key, fingerprint, ttlMs): Promise<IdempotencyClaim> {
      const redisKey = keyOf(key);
      // Two tries: a record that expires between the SET and the GET is simply free again.
      for (let tries = 0; tries < 2; tries += 1) {
        const owner = randomAlphanumeric(24);
        const claimed = await run('idempotency claim', () =>
          client.setPx(redisKey, JSON.stringify({ f: fingerprint, o: owner }), ttl(ttlMs), true),
        );
        if (claimed) return { state: 'claimed', owner };
        const record = parseRecord(await run('idempotency read', () => client.get(redisKey)));
        if (record === undefined) continue;
        return record.r === undefined
          ? { state: 'pending', fingerprint: record.f }
          : { state: 'completed', fingerprint: record.f, result: record.r };
      }
      throw new StoreError('redis idempotency claim failed: the record changed under it twice');
    },
    async complete(key, owner, result, ttlMs) {
      const redisKey = keyOf(key);
      const current = parseRecord(await run('idempotency read', () => client.get(redisKey)));
      if (current === undefined || current.o !== owner || current.r !== undefined) return false;
      const done = await run('idempotency complete', () =>
        client.eval(COMPLETE, [redisKey], [owner, JSON.stringify({ f: current.f, r: result }), String(ttl(ttlMs))]),
      );
      return Number(done) === 1;
    },
    async release(key, owner) {
      await run('idempotency release', () => client.eval(RELEASE, [keyOf(key)], [owner]));
    },
  };
}

/** What the SNAP server kit records for each token it issued (structurally its `SnapIssuedToken`). */
export interface RedisIssuedToken {
  /** The partner the token was issued to. */
  readonly clientId: string;
  /** Epoch ms after which the token is refused. */
  readonly expiresAt: number;
}

/** An issued-token store on Redis (structurally `SnapIssuedTokenStore` of `@org/snap-auth/server`). */
export interface RedisIssuedTokenStore {
  save(tokenHash: string, token: RedisIssuedToken, ttlMs: number): Promise<void>;
  find(tokenHash: string): Promise<RedisIssuedToken | undefined>;
}

/**
 * The SNAP server kit's issued-token store on Redis, so every replica accepts the tokens any of
 * them issued: `createSnapServer({ tokenStore: redisIssuedTokenStore({ client }) })`.
 */
export function redisIssuedTokenStore(options: RedisServerStoreOptions): RedisIssuedTokenStore {
  const { client, prefix, run } = resolve(options);
  const keyOf = (hash: string) => `${prefix}:issued:${hash}`;
  return {
    async save(tokenHash, token, ttlMs) {
      await run('issued-token save', () =>
        client.setPx(
          keyOf(tokenHash),
          JSON.stringify({ c: token.clientId, e: token.expiresAt }),
          Math.max(1, Math.ceil(ttlMs)),
          false,
        ),
      );
    },
    async find(tokenHash) {
      const value = await run('issued-token read', () => client.get(keyOf(tokenHash)));
      if (typeof value !== 'string') return undefined;
      try {
        const parsed = JSON.parse(value) as { c?: unknown; e?: unknown };
        if (typeof parsed.c !== 'string' || typeof parsed.e !== 'number') return undefined;
        return { clientId: parsed.c, expiresAt: parsed.e };
      } catch {
        return undefined;
      }
    },
  };
}
