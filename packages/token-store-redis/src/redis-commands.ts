/**
 * The commands the stores run, whatever the client: each adapter (node-redis-adapter.ts,
 * ioredis-adapter.ts) maps them onto its client's calling convention and reply types, so the
 * stores and their scripts are written once. Bounding in time and turning failures into
 * `StoreError`s stays with the command runner (command-runner.ts).
 */
import { fromIoRedis, fromIoRedisSubscriber } from './ioredis-adapter.js';
import { fromNodeRedis } from './node-redis-adapter.js';
import {
  type AnyRedisClient,
  type AnyRedisSubscriber,
  isIoRedisClientLike,
  isIoRedisSubscriberLike,
  type RedisSubscriberLike,
} from './redis-client.js';

export interface RedisCommands {
  /** The string at `key`, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** `SET key value PX ttlMs [NX]`; true when the value was written. */
  setPx(key: string, value: string, ttlMs: number, onlyIfAbsent: boolean): Promise<boolean>;
  /** `EVAL script` with these keys and arguments. */
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /** Milliseconds left before `key` expires (-2: no such key, -1: no expiry). */
  pttl(key: string): Promise<number>;
  del(key: string): Promise<unknown>;
}

/** The adapter for `client`'s library. */
export function redisCommands(client: AnyRedisClient, timeoutMs: number): RedisCommands {
  return isIoRedisClientLike(client) ? fromIoRedis(client) : fromNodeRedis(client, timeoutMs);
}

/** A subscriber in node-redis's shape (per-subscription listeners), whatever the library. */
export function redisSubscriber(subscriber: AnyRedisSubscriber): RedisSubscriberLike {
  return isIoRedisSubscriberLike(subscriber) ? fromIoRedisSubscriber(subscriber) : (subscriber as RedisSubscriberLike);
}

const utf8 = new TextDecoder();

export function asText(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return utf8.decode(reply);
  return undefined;
}
