import { isAuthError, isConfigError } from '@org/signing-core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useRedis } from '../test/redis-fixture.js';
import { redisExternalIds } from './index.js';

const redis = useRedis();
const ioClients: Redis[] = [];
afterAll(() => {
  for (const client of ioClients) client.disconnect();
});

async function ioredis(): Promise<Redis> {
  const client = new Redis({
    port: redis.server.port,
    host: '127.0.0.1',
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  client.on('error', () => {});
  ioClients.push(client);
  await client.connect();
  return client;
}

// 2026-03-04 12:00 in Jakarta (+07:00).
const NOON = Date.UTC(2026, 2, 4, 5, 0, 0);
const DAY = 86_400_000;

describe('redisExternalIds', () => {
  it('makes ids of the rule’s length, digits only, unique across replicas of both libraries', async () => {
    const rules = [{ lengths: [9, 12], charset: 'numeric' as const }, { lengths: [12] }, { maxLength: 36 }, {}];
    for (const [index, rule] of rules.entries()) {
      const clock = () => NOON;
      const name = `unique-${index}`;
      const replicas = await Promise.all([
        redisExternalIds({ client: await redis.connect(), rule, name, clock, blockSize: 10 }),
        redisExternalIds({ client: await ioredis(), rule, name, clock, blockSize: 10 }),
        redisExternalIds({ client: await redis.connect(), rule, name, clock, blockSize: 10 }),
      ]);
      const length = rule.lengths?.[0] ?? rule.maxLength ?? 36;
      const ids: string[] = [];
      for (let round = 0; round < 20; round += 1) {
        for (const replica of replicas) for (let i = 0; i < 4; i += 1) ids.push(replica.next());
        await new Promise((resolve) => setTimeout(resolve, 25)); // lets the background leases land
      }
      for (const replica of replicas) {
        expect(replica.length).toBe(length);
        replica.close();
      }
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        expect(id).toHaveLength(length);
        expect(id).toMatch(/^[0-9]+$/);
        if (length >= 16) expect(id.startsWith('20260304')).toBe(true);
      }
    }
  });

  it('uses one counter per SNAP day (+07:00), which expires after two days, and days of other parity', async () => {
    const client = await redis.connect();
    let now = NOON;
    const ids = await redisExternalIds({
      client,
      rule: { lengths: [9] },
      name: 'days',
      clock: () => now,
      blockSize: 100,
    });
    expect(await client.get('payauth:external-id:days:20260304')).toBe('1'); // the first lease
    const today = ids.next();
    const ttl = await client.pTTL('payauth:external-id:days:20260304');
    expect(ttl).toBeGreaterThan(2 * DAY - 10_000);
    expect(ttl).toBeLessThanOrEqual(2 * DAY);
    // 2026-03-04 is day 20516 since the epoch: even, so its blocks are the even ones.
    expect(today).toBe('000000000');
    now = Date.UTC(2026, 2, 4, 16, 59, 30); // 23:59:30 in Jakarta: tomorrow's block is leased now
    expect(ids.next()).toBe('000000001');
    await expect.poll(() => client.get('payauth:external-id:days:20260305')).toBe('1');
    now = Date.UTC(2026, 2, 4, 17, 0, 0); // midnight in Jakarta
    expect(ids.next()).toBe('000000100'); // block 1: the first of the odd days
    ids.close();
  });

  it('never repeats an id after a block is used up, and leases in the background', async () => {
    const client = await redis.connect();
    const ids = await redisExternalIds({
      client,
      rule: { lengths: [6] },
      name: 'blocks',
      clock: () => NOON,
      blockSize: 10,
    });
    const made = new Set<string>();
    // next() is synchronous and leases the next block in the background; on a loaded machine a
    // burst can outrun the lease, and then next() throws rather than make an id up: wait for the
    // lease (bounded), never for next() itself.
    const next = async (): Promise<string> => {
      for (let waited = 0; ; waited += 5) {
        try {
          return ids.next();
        } catch (error) {
          if (!isAuthError(error, 'ERR_STORE') || waited >= 2000) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    };
    for (let i = 0; i < 200; i += 1) {
      made.add(await next());
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(made.size).toBe(200);
    expect(Number(await client.get('payauth:external-id:blocks:20260304'))).toBeGreaterThanOrEqual(20);
    ids.close();
  });

  it('throws a StoreError instead of making up an id when Redis stays away for a whole block', async () => {
    const client = await redis.connect();
    const warnings: string[] = [];
    const ids = await redisExternalIds({
      client,
      rule: { lengths: [9] },
      name: 'down',
      clock: () => NOON,
      blockSize: 10,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    client.destroy();
    const made: string[] = [];
    let error: unknown;
    for (let i = 0; i < 30 && error === undefined; i += 1) {
      try {
        made.push(ids.next());
      } catch (thrown) {
        error = thrown;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(made).toHaveLength(10);
    expect(isAuthError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toContain('no external id left for 20260304');
    // Told once, not once per call.
    expect(warnings).toEqual(['@org/token-store-redis: leasing external ids failed; using the ids already leased']);
    ids.close();
  });

  it('fails at creation with a StoreError when Redis does not answer, and names bad options', async () => {
    const closed = await redis.connect();
    closed.destroy();
    const failure = await redisExternalIds({ client: closed }).catch((error: unknown) => error);
    expect(isAuthError(failure, 'ERR_STORE')).toBe(true);
    const client = await redis.connect();
    for (const [options, path, expected] of [
      [{ blockSize: 50 }, 'blockSize', 'a power of ten from 10 to 1000000'],
      [{ rule: { lengths: [5] } }, 'rule.lengths.0', 'a whole number from 6 to 36'],
      [{ rule: { lengths: [12], maxLength: 9 } }, 'rule.lengths', 'a first length of at most maxLength (9)'],
      [{ rule: { lengths: [6] }, blockSize: 1_000_000 }, 'blockSize', 'at most 500000 for 6-character ids'],
      [{ prefix: 'a{b}' }, 'prefix', 'a non-empty string without { or }'],
    ] as const) {
      const error = await redisExternalIds({ client, ...options }).catch((thrown: unknown) => thrown);
      expect(isConfigError(error)).toBe(true);
      if (!isConfigError(error)) continue;
      expect(error.issues.map((issue) => [issue.path, issue.expected])).toEqual([[path, expected]]);
    }
  });
});
