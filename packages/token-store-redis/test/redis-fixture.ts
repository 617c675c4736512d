/** A redis-server per test file, and node-redis clients that are closed after the file. */
import { createClient, type RedisClientOptions } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedisServer } from './redis-server.js';

type Client = ReturnType<typeof createClient>;

export interface RedisFixture {
  readonly server: RedisServer;
  /** A connected client with the recommended options (fails fast while Redis is down). */
  connect(options?: RedisClientOptions): Promise<Client>;
  /** A connected client for looking at raw keys and values. */
  readonly raw: Client;
}

export function useRedis(): RedisFixture {
  let server: RedisServer | undefined;
  let raw: Client | undefined;
  const clients: Client[] = [];

  async function connect(options: RedisClientOptions = {}): Promise<Client> {
    if (!server) throw new Error('redis-server is not started yet (use the fixture inside tests)');
    const client = createClient({
      url: server.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
      ...options,
    }) as Client;
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startRedisServer();
    raw = await connect();
  });
  afterAll(async () => {
    try {
      for (const client of clients.splice(0)) if (client.isOpen) client.destroy();
    } finally {
      await server?.stop();
    }
  });

  return {
    get server() {
      if (!server) throw new Error('redis-server is not started yet');
      return server;
    },
    get raw() {
      if (!raw) throw new Error('redis-server is not started yet');
      return raw;
    },
    connect,
  };
}
