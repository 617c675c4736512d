/**
 * `redisTokenStore`: the core `TokenStore` on Redis (node-redis 5 or ioredis), shared by every replica.
 *
 * - get/set: one string per token key, with a TTL equal to the token's remaining lifetime;
 *   `set` also publishes on the key's channel so waiting replicas wake at once.
 * - delete(key, onlyIfToken): reads the value, and deletes it with a compare-and-delete script
 *   only if it is still that exact value holding that token.
 * - lock: `SET <lock> <random id> NX PX <ttl>`; release deletes it only if it still holds our id
 *   (a lock that expired and was taken by another replica is left alone).
 * - waitForChange (only with a `subscriber`): pub/sub, bounded by the caller's timeout.
 *
 * The single-flight, double-checked read, bounded wait and fallback when Redis fails are the
 * token manager's (`createTokenManager` in `@org/signing-core`); this store only answers fast,
 * or fails fast with a `StoreError`.
 */
import { randomUuid, type StoredToken, type TokenStore, type TokenStoreLock } from '@org/signing-core';
import { createChangeNotifier, type WaitForChange } from './change-notifier.js';
import { createCommandRunner } from './command-runner.js';
import { createTokenCipher, isEncryptedValue, type TokenCipher } from './encryption.js';
import { createKeyLayout, type RedisKeys } from './key-layout.js';
import { type RedisTokenStoreOptions, resolveOptions } from './options.js';
import { redisCommands, redisSubscriber } from './redis-commands.js';
import { DELETE_IF_EQUAL, RELEASE_LOCK, SET_AND_NOTIFY } from './scripts.js';
import { decodeStoredToken, encodeStoredToken } from './stored-token-codec.js';
import { warn } from './warnings.js';

/** The store, with a lock always and `waitForChange` when a `subscriber` was given. */
export interface RedisTokenStore extends TokenStore {
  lock(key: string, ttlMs: number): Promise<TokenStoreLock | undefined>;
  /** The Redis key and channel names used for a token-manager key (for operations and tests). */
  keysFor(key: string): Promise<RedisKeys>;
  /** Whether tokens are stored encrypted. */
  readonly encrypted: boolean;
}

function checkKey(method: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(`[@org/token-store-redis] redisTokenStore.${method}: key must be a non-empty string`);
  }
}

function checkTtl(method: string, ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(
      `[@org/token-store-redis] redisTokenStore.${method}: ttlMs must be a positive number of milliseconds`,
    );
  }
  return Math.max(1, Math.ceil(ttlMs));
}

/** Creates a `TokenStore` that keeps tokens, and the refresh lock, in Redis. */
export function redisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  const resolved = resolveOptions(options);
  const { logger } = resolved;
  const redis = redisCommands(resolved.client, resolved.commandTimeoutMs);
  const run = createCommandRunner(resolved.commandTimeoutMs);
  const keysFor = createKeyLayout(resolved.prefix);
  const cipher: TokenCipher | undefined = resolved.encryptionKey
    ? createTokenCipher(resolved.encryptionKey, resolved.previousEncryptionKeys)
    : undefined;

  async function encode(keys: RedisKeys, value: StoredToken): Promise<string> {
    const plain = encodeStoredToken(value);
    return cipher ? cipher.encrypt(plain, keys.token) : plain;
  }

  /** The token in a raw value, or undefined (with a warning) when it cannot be used. */
  async function decode(key: string, keys: RedisKeys, raw: string): Promise<StoredToken | undefined> {
    const isPlain = raw.startsWith('{');
    let plain: string | undefined;
    if (cipher) {
      if (isPlain) {
        warn(logger, { warning: 'unencrypted-value', key, redisKey: keys.token });
        return undefined;
      }
      const opened = await cipher.decrypt(raw, keys.token);
      if (!opened.ok) {
        warn(logger, {
          warning: opened.reason,
          key,
          redisKey: keys.token,
          ...(opened.keyId === undefined ? {} : { keyId: opened.keyId }),
        });
        return undefined;
      }
      plain = opened.plaintext;
    } else if (isPlain) {
      plain = raw;
    } else {
      const warning = isEncryptedValue(raw) ? 'encrypted-value-without-key' : 'malformed-value';
      warn(logger, { warning, key, redisKey: keys.token });
      return undefined;
    }
    const token = decodeStoredToken(plain);
    if (!token) warn(logger, { warning: 'malformed-value', key, redisKey: keys.token });
    return token;
  }

  async function readRaw(keys: RedisKeys): Promise<string | undefined> {
    return run('GET', () => redis.get(keys.token));
  }

  let subscriberFailing = false;
  const waitForChange: WaitForChange | undefined = resolved.subscriber
    ? createChangeNotifier({
        subscriber: redisSubscriber(resolved.subscriber),
        run,
        lockRemainingMs: async (lockKey) => {
          const pttl = await run('PTTL', () => redis.pttl(lockKey));
          // -2: no lock; -1: a lock without expiry (not ours): treat as held for the whole wait.
          return pttl === -1 ? Number.POSITIVE_INFINITY : pttl;
        },
        onSubscriberState: (error) => {
          if (error === undefined) {
            subscriberFailing = false;
            return;
          }
          if (subscriberFailing) return;
          subscriberFailing = true;
          warn(logger, {
            warning: 'subscriber-unavailable',
            key: '*',
            redisKey: `${resolved.prefix}:changed:*`,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
        },
      })
    : undefined;

  const store: RedisTokenStore = {
    encrypted: cipher !== undefined,

    keysFor(key) {
      checkKey('keysFor', key);
      return keysFor(key);
    },

    async get(key) {
      checkKey('get', key);
      const keys = await keysFor(key);
      const raw = await readRaw(keys);
      return raw === undefined ? undefined : decode(key, keys, raw);
    },

    async set(key, value, ttlMs) {
      checkKey('set', key);
      const ttl = checkTtl('set', ttlMs);
      if (value === null || typeof value !== 'object' || typeof value.token !== 'string' || value.token === '') {
        throw new TypeError('[@org/token-store-redis] redisTokenStore.set: value must be a stored token');
      }
      const keys = await keysFor(key);
      const encoded = await encode(keys, value);
      await run('SET', () => redis.eval(SET_AND_NOTIFY, [keys.token], [encoded, String(ttl), keys.channel]));
    },

    async delete(key, onlyIfToken) {
      checkKey('delete', key);
      const keys = await keysFor(key);
      if (onlyIfToken === undefined) {
        await run('DEL', () => redis.del(keys.token));
        return;
      }
      // Compare the token inside the value (it may be encrypted), then delete that exact value
      // atomically, so a token another replica stored in between is kept.
      const raw = await readRaw(keys);
      if (raw === undefined) return;
      const stored = await decode(key, keys, raw);
      if (stored?.token !== onlyIfToken) return;
      await run('DEL', () => redis.eval(DELETE_IF_EQUAL, [keys.token], [raw]));
    },

    async lock(key, ttlMs) {
      checkKey('lock', key);
      const ttl = checkTtl('lock', ttlMs);
      const keys = await keysFor(key);
      const id = randomUuid();
      let taken: boolean;
      try {
        taken = await run('SET NX', () => redis.setPx(keys.lock, id, ttl, true));
      } catch (error) {
        // The SET may still reach Redis after the timeout: release it then, if it did.
        Promise.resolve()
          .then(() => redis.eval(RELEASE_LOCK, [keys.lock], [id, keys.channel]))
          .catch(() => {});
        throw error;
      }
      if (!taken) return undefined;
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await run('release', () => redis.eval(RELEASE_LOCK, [keys.lock], [id, keys.channel]));
        },
      };
    },
  };

  if (waitForChange) {
    store.waitForChange = async (key, timeoutMs) => {
      checkKey('waitForChange', key);
      if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
        throw new TypeError(
          '[@org/token-store-redis] redisTokenStore.waitForChange: timeoutMs must be a number of milliseconds',
        );
      }
      await waitForChange(await keysFor(key), timeoutMs);
    };
  }
  return store;
}
