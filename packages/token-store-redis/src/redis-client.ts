/**
 * The few client methods the stores call, written as structural types so that the package
 * never imports a Redis client at run time:
 *
 * - node-redis 5: a client from `createClient()`, `createCluster()` or `createSentinel()` fits
 *   `RedisClientLike` as it is (camelCase `pTTL`, options objects);
 * - ioredis 5 or 6: `new Redis()` (also with `sentinels`) or `new Redis.Cluster()` fits
 *   `IoRedisClientLike` (lower-case `pttl`, positional arguments, pub/sub by events).
 *
 * Each shape has one adapter (node-redis-adapter.ts, ioredis-adapter.ts) onto the few commands
 * the stores use (redis-commands.ts).
 */

/** `SET` options, in the node-redis 5 shape. */
export interface RedisSetOptions {
  expiration: { type: 'PX'; value: number };
  condition?: 'NX';
}

/** `EVAL` options, in the node-redis 5 shape. */
export interface RedisEvalOptions {
  keys: string[];
  arguments: string[];
}

/** Per-command options the store applies through `withCommandOptions` when the client has it. */
export interface RedisCommandOptions {
  /** Drops a command that is still waiting to be written after this many ms (node-redis ≥ 5). */
  timeout?: number;
  /** `{}` keeps the default RESP → JS mapping (strings), whatever the client's own mapping is. */
  typeMapping?: Record<string, never>;
}

/** What the store needs from a node-redis client (commands connection). */
export interface RedisClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: RedisSetOptions): Promise<unknown>;
  eval(script: string, options: RedisEvalOptions): Promise<unknown>;
  /** Milliseconds left before `key` expires (-2: no such key, -1: no expiry). */
  pTTL(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** node-redis ≥ 5: a view of the client with default options for every command. */
  withCommandOptions?(options: RedisCommandOptions): unknown;
}

/** A pub/sub listener as node-redis calls it. */
export type RedisMessageListener = (message: string | Uint8Array, channel: string | Uint8Array) => unknown;

/**
 * A dedicated subscriber connection (`client.duplicate()`, connected). A connection in
 * subscriber mode cannot run other commands, so it must not be the `client` itself.
 */
export interface RedisSubscriberLike {
  subscribe(channel: string, listener: RedisMessageListener): Promise<unknown>;
  unsubscribe(channel: string, listener: RedisMessageListener): Promise<unknown>;
}

/** What the stores need from an ioredis client (`new Redis()`, `new Redis.Cluster()`). */
export interface IoRedisClientLike {
  get(key: string): Promise<unknown>;
  /** `SET key value PX ms` */
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number): Promise<unknown>;
  /** `SET key value PX ms NX` */
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  /** `eval(script, numberOfKeys, ...keys, ...args)`. */
  eval(script: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  pttl(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

/** An ioredis listener of the `message` event: `(channel, message)`. */
export type IoRedisMessageListener = (channel: string, message: string) => void;

/**
 * A dedicated ioredis connection for pub/sub (`client.duplicate()`): ioredis reports messages
 * as `message` events on the connection rather than per subscription.
 */
export interface IoRedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: IoRedisMessageListener): unknown;
}

const COMMAND_METHODS = ['get', 'set', 'eval', 'pTTL', 'del'] as const;
const IOREDIS_COMMAND_METHODS = ['get', 'set', 'eval', 'pttl', 'del'] as const;
const SUBSCRIBER_METHODS = ['subscribe', 'unsubscribe'] as const;
const IOREDIS_SUBSCRIBER_METHODS = ['subscribe', 'unsubscribe', 'on'] as const;

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}

export function isRedisClientLike(value: unknown): value is RedisClientLike {
  return hasMethods(value, COMMAND_METHODS);
}

export function isRedisSubscriberLike(value: unknown): value is RedisSubscriberLike {
  return hasMethods(value, SUBSCRIBER_METHODS);
}

/** An ioredis client: lower-case `pttl` and no node-redis `pTTL`. */
export function isIoRedisClientLike(value: unknown): value is IoRedisClientLike {
  return hasMethods(value, IOREDIS_COMMAND_METHODS) && !hasMethods(value, ['pTTL']);
}

export function isIoRedisSubscriberLike(value: unknown): value is IoRedisSubscriberLike {
  return hasMethods(value, IOREDIS_SUBSCRIBER_METHODS) && !hasMethods(value, ['pTTL']);
}

/** A client either adapter takes. */
export type AnyRedisClient = RedisClientLike | IoRedisClientLike;
/** A subscriber connection either adapter takes. */
export type AnyRedisSubscriber = RedisSubscriberLike | IoRedisSubscriberLike;

/** The text of the `client` option's "expected …" message. */
export const CLIENT_EXPECTED =
  'a connected node-redis client (createClient(), createCluster() or createSentinel()) or ioredis client (new Redis(), new Redis.Cluster())';
/** The text of the `subscriber` option's "expected …" message. */
export const SUBSCRIBER_EXPECTED =
  'a dedicated, connected subscriber connection (client.duplicate() of node-redis or ioredis)';
