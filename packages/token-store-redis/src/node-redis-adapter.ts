/**
 * node-redis 5 (`createClient()`, `createCluster()`, `createSentinel()`) onto the stores'
 * commands. node-redis takes options objects (`{ expiration, condition }`, `{ keys, arguments }`)
 * and routes cluster commands by their first key.
 * https://github.com/redis/node-redis/blob/master/docs/v5.md
 */
import type { RedisClientLike } from './redis-client.js';
import { asText, type RedisCommands } from './redis-commands.js';

/** A view of the client that drops commands still queued after the timeout and replies with strings. */
function commandsView(client: RedisClientLike, timeoutMs: number): RedisClientLike {
  if (typeof client.withCommandOptions !== 'function') return client;
  const view = client.withCommandOptions({ timeout: timeoutMs, typeMapping: {} });
  return typeof view === 'object' && view !== null && typeof (view as RedisClientLike).get === 'function'
    ? (view as RedisClientLike)
    : client;
}

export function fromNodeRedis(client: RedisClientLike, timeoutMs: number): RedisCommands {
  const redis = commandsView(client, timeoutMs);
  return {
    get: async (key) => asText(await redis.get(key)),
    async setPx(key, value, ttlMs, onlyIfAbsent) {
      const reply = await redis.set(key, value, {
        expiration: { type: 'PX', value: ttlMs },
        ...(onlyIfAbsent ? { condition: 'NX' as const } : {}),
      });
      return reply === 'OK';
    },
    eval: (script, keys, args) => redis.eval(script, { keys: [...keys], arguments: [...args] }),
    pttl: async (key) => Number(await redis.pTTL(key)),
    del: (key) => redis.del(key),
  };
}
