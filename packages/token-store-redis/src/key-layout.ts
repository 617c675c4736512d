/**
 * Where a token lives in Redis. For the token manager's key `<provider>:<baseUrl>:<clientId>`
 * and the prefix `payauth`:
 *
 *   payauth:token:<key>     the stored token (a string with a TTL equal to the token's lifetime)
 *   payauth:lock:<key>      the refresh lock (a random id with the lock's TTL)
 *   payauth:changed:<key>   the pub/sub channel told when the token is stored or the lock released
 *
 * Keys longer than 128 characters (and keys that themselves start with `sha256:`) are replaced
 * by `sha256:<64 lowercase hex chars>` of their UTF-8 bytes, so the layout stays unambiguous.
 */
import { digest, toHex } from '@org/signing-core';

/** Longest manager key kept as it is in Redis key names. */
export const MAX_PLAIN_KEY_LENGTH = 128;
const HASH_MARKER = 'sha256:';
const CACHE_LIMIT = 1000;

/** The Redis names used for one token-manager key. */
export interface RedisKeys {
  /** The stored token. */
  readonly token: string;
  /** The refresh lock. */
  readonly lock: string;
  /** The pub/sub channel published when the token is stored or the lock is released. */
  readonly channel: string;
}

/** The part of the Redis names that stands for `key` (the key itself, or its SHA-256). */
export async function keyPart(key: string): Promise<string> {
  if (key.length <= MAX_PLAIN_KEY_LENGTH && !key.startsWith(HASH_MARKER)) return key;
  return HASH_MARKER + toHex(await digest('SHA-256', key));
}

/** Maps manager keys to Redis names under `prefix`, remembering hashed keys. */
export function createKeyLayout(prefix: string): (key: string) => Promise<RedisKeys> {
  const cache = new Map<string, RedisKeys>();
  const build = (part: string): RedisKeys => ({
    token: `${prefix}:token:${part}`,
    lock: `${prefix}:lock:${part}`,
    channel: `${prefix}:changed:${part}`,
  });
  return async (key) => {
    const cached = cache.get(key);
    if (cached) return cached;
    const keys = build(await keyPart(key));
    if (cache.size >= CACHE_LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(key, keys);
    return keys;
  };
}
