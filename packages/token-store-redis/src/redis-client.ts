/**
 * The few node-redis methods the store calls, written as structural types so that the
 * package never imports `redis` at run time: a client from `createClient()`, `createCluster()`
 * or `createSentinel()` (node-redis 5) fits as it is.
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

const COMMAND_METHODS = ['get', 'set', 'eval', 'pTTL', 'del'] as const;
const SUBSCRIBER_METHODS = ['subscribe', 'unsubscribe'] as const;

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
