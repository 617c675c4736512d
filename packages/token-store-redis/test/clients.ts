/**
 * Connected clients of both libraries on each topology, for the tests: node-redis 5
 * (`createClient`, `createCluster`, `createSentinel`) and ioredis (`new Redis`, `new Cluster`,
 * `new Redis({ sentinels })`), each with a subscriber connection. `closeAll()` disconnects
 * every client made, whatever state it is in (call it in afterAll).
 */
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster, createSentinel } from 'redis';
import type { IoRedisClientLike, IoRedisSubscriberLike, RedisClientLike, RedisSubscriberLike } from '../src/index.js';
import type { Node, RedisCluster, RedisSentinelGroup } from './redis-topology.js';

export type Library = 'node-redis' | 'ioredis';
export const LIBRARIES: readonly Library[] = ['node-redis', 'ioredis'];

export interface Connected {
  readonly library: Library;
  readonly client: RedisClientLike | IoRedisClientLike;
  readonly subscriber: RedisSubscriberLike | IoRedisSubscriberLike;
}

export interface ClientOptions {
  /**
   * Let commands wait in the client's queue while it reconnects (rides through a Sentinel
   * failover), instead of failing at once. Default false: fail fast.
   */
  readonly queueWhileReconnecting?: boolean;
}

const closers: Array<() => void> = [];

export function closeAll(): void {
  for (const close of closers.splice(0)) {
    try {
      close();
    } catch {
      // already closed
    }
  }
}

function ioredisReady(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ioredis not ready within 10 s (${client.status})`)), 10_000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const retry = () => 50;

export async function connectCluster(library: Library, cluster: RedisCluster): Promise<Connected> {
  if (library === 'node-redis') {
    const client = createCluster({
      rootNodes: [...cluster.rootNodes],
      defaults: { disableOfflineQueue: true, socket: { reconnectStrategy: retry } },
    });
    client.on('error', () => {});
    closers.push(() => client.destroy());
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    closers.push(() => subscriber.destroy());
    await subscriber.connect();
    return { library, client, subscriber };
  }
  const make = () => {
    const client = new Cluster([...cluster.nodes], {
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
    });
    client.on('error', () => {});
    closers.push(() => client.disconnect());
    return client;
  };
  const client = make();
  const subscriber = make();
  await Promise.all([ioredisReady(client), ioredisReady(subscriber)]);
  return { library, client, subscriber };
}

function sentinelNodes(group: RedisSentinelGroup): Node[] {
  return [...group.sentinels];
}

export async function connectSentinel(
  library: Library,
  group: RedisSentinelGroup,
  options: ClientOptions = {},
): Promise<Connected> {
  const queue = options.queueWhileReconnecting ?? false;
  if (library === 'node-redis') {
    const client = createSentinel({
      name: group.name,
      sentinelRootNodes: sentinelNodes(group),
      nodeClientOptions: { disableOfflineQueue: !queue, socket: { reconnectStrategy: retry } },
      sentinelClientOptions: { socket: { reconnectStrategy: retry } },
    });
    client.on('error', () => {});
    closers.push(() => client.destroy());
    await client.connect();
    // The sentinel client keeps a separate connection for pub/sub itself.
    return { library, client, subscriber: client };
  }
  const make = () => {
    const client = new Redis({
      sentinels: sentinelNodes(group),
      name: group.name,
      enableOfflineQueue: queue,
      // While queueing, a command waits as long as the store's commandTimeoutMs lets it (not 20 retries).
      maxRetriesPerRequest: queue ? null : 1,
      retryStrategy: retry,
      sentinelRetryStrategy: retry,
      // Moves to the new primary on the sentinels' +switch-master, not only on a lost connection.
      failoverDetector: true,
    });
    client.on('error', () => {});
    closers.push(() => client.disconnect());
    return client;
  };
  const client = make();
  const subscriber = make();
  await Promise.all([ioredisReady(client), ioredisReady(subscriber)]);
  return { library, client, subscriber };
}

export async function connectSingle(library: Library, port: number): Promise<Connected> {
  if (library === 'node-redis') {
    const client = createClient({
      url: `redis://127.0.0.1:${port}`,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: retry },
    });
    client.on('error', () => {});
    closers.push(() => client.destroy());
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    closers.push(() => subscriber.destroy());
    await subscriber.connect();
    return { library, client, subscriber };
  }
  const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, retryStrategy: retry });
  client.on('error', () => {});
  closers.push(() => client.disconnect());
  await ioredisReady(client);
  const subscriber = client.duplicate();
  subscriber.on('error', () => {});
  closers.push(() => subscriber.disconnect());
  await ioredisReady(subscriber);
  return { library, client, subscriber };
}
