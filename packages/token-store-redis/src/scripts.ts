/**
 * The Lua scripts the store runs. Each touches one key (so they also run on Redis Cluster),
 * and each is atomic: nothing can change the key between the check and the write.
 */

/** KEYS[1] token key; ARGV[1] value, ARGV[2] TTL in ms, ARGV[3] channel. Stores, then tells waiters. */
export const SET_AND_NOTIFY = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], 'set')
return 1`;

/** KEYS[1] token key; ARGV[1] the exact stored value read before. Deletes only that value. */
export const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** KEYS[1] lock key; ARGV[1] the holder's random id, ARGV[2] channel. Releases only our own lock. */
export const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'released')
  return 1
end
return 0`;
