/**
 * Where a token lives in Redis. For the token manager's key `<provider>:<baseUrl>:<clientId>`
 * and the prefix `payauth`:
 *
 *   payauth:token:{<key>}     the stored token (a string with a TTL equal to the token's lifetime)
 *   payauth:lock:{<key>}      the refresh lock (a random id with the lock's TTL)
 *   payauth:changed:{<key>}   the pub/sub channel told when the token is stored or the lock released
 *
 * `{<key>}` is a Redis Cluster hash tag: only the part between the braces is hashed, so the
 * three names of one key are always in the same slot (on the same node), and a script may touch
 * the token and the lock together (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags).
 * Keys longer than 128 characters, keys that themselves start with `sha256:` and keys that
 * contain `{` or `}` (which would cut the hash tag short) are replaced by
 * `sha256:<64 lowercase hex chars>` of their UTF-8 bytes, so the layout stays unambiguous and
 * the tag is always the whole part. The prefix may not contain braces either (options.ts).
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
  if (key.length <= MAX_PLAIN_KEY_LENGTH && !key.startsWith(HASH_MARKER) && !/[{}]/.test(key)) return key;
  return HASH_MARKER + toHex(await digest('SHA-256', key));
}

/** Maps manager keys to Redis names under `prefix`, remembering hashed keys. */
export function createKeyLayout(prefix: string): (key: string) => Promise<RedisKeys> {
  const cache = new Map<string, RedisKeys>();
  const build = (part: string): RedisKeys => ({
    token: `${prefix}:token:{${part}}`,
    lock: `${prefix}:lock:{${part}}`,
    channel: `${prefix}:changed:{${part}}`,
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
