/**
 * ioredis 5 and 6 (`new Redis()`, with `sentinels` too, and `new Redis.Cluster()`) onto the
 * stores' commands. ioredis takes positional arguments (`set(key, value, 'PX', ms, 'NX')`,
 * `eval(script, numberOfKeys, ...keys, ...args)`), answers `null` for a missing key, and reports
 * pub/sub messages as `message` events of the connection.
 * https://github.com/redis/ioredis#pubsub
 */
import type {
  IoRedisClientLike,
  IoRedisMessageListener,
  IoRedisSubscriberLike,
  RedisMessageListener,
  RedisSubscriberLike,
} from './redis-client.js';
import { asText, type RedisCommands } from './redis-commands.js';

export function fromIoRedis(client: IoRedisClientLike): RedisCommands {
  return {
    get: async (key) => asText(await client.get(key)),
    async setPx(key, value, ttlMs, onlyIfAbsent) {
      const reply = onlyIfAbsent
        ? await client.set(key, value, 'PX', ttlMs, 'NX')
        : await client.set(key, value, 'PX', ttlMs);
      return reply === 'OK';
    },
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
    pttl: async (key) => Number(await client.pttl(key)),
    del: (key) => client.del(key),
  };
}

interface Subscription {
  readonly listeners: Set<RedisMessageListener>;
  /** The `SUBSCRIBE` of the first listener: later ones wait for it too. */
  readonly ready: Promise<unknown>;
}

/** Per connection: the listeners of each channel, so several stores can share one subscriber. */
const routers = new WeakMap<IoRedisSubscriberLike, Map<string, Subscription>>();

function routerOf(subscriber: IoRedisSubscriberLike): Map<string, Subscription> {
  const existing = routers.get(subscriber);
  if (existing) return existing;
  const channels = new Map<string, Subscription>();
  routers.set(subscriber, channels);
  const onMessage: IoRedisMessageListener = (channel, message) => {
    const subscription = channels.get(channel);
    if (!subscription) return;
    for (const listener of [...subscription.listeners]) {
      try {
        listener(message, channel);
      } catch {
        // one listener's failure must not keep the message from the others
      }
    }
  };
  subscriber.on('message', onMessage);
  return channels;
}

/** An ioredis subscriber in node-redis's shape: `subscribe(channel, listener)`. */
export function fromIoRedisSubscriber(subscriber: IoRedisSubscriberLike): RedisSubscriberLike {
  return {
    async subscribe(channel, listener) {
      const channels = routerOf(subscriber);
      let subscription = channels.get(channel);
      if (!subscription) {
        const created: Subscription = { listeners: new Set(), ready: subscriber.subscribe(channel) };
        subscription = created;
        channels.set(channel, created);
        // A failed SUBSCRIBE leaves no trace: the next listener subscribes again.
        created.ready.catch(() => {
          if (channels.get(channel) === created) channels.delete(channel);
        });
      }
      subscription.listeners.add(listener);
      try {
        await subscription.ready;
      } catch (error) {
        subscription.listeners.delete(listener);
        throw error;
      }
    },
    async unsubscribe(channel, listener) {
      const channels = routerOf(subscriber);
      const subscription = channels.get(channel);
      if (!subscription) return;
      subscription.listeners.delete(listener);
      if (subscription.listeners.size > 0) return;
      channels.delete(channel);
      await subscriber.unsubscribe(channel);
    },
  };
}
