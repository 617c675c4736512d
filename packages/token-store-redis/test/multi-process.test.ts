// Many replicas, one token: child Node processes run the BUILT packages against a real
// redis-server and a counting token endpoint on 127.0.0.1. All processes are started once
// (node start-up is the slow part) and run one round per test.
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { type DoneEvent, spawnWorker, type Worker } from './spawn-worker.js';
import { startTokenServer, TOKEN_PATH, type TokenServer } from './token-server.js';

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);
const LOCK_TTL_MS = 1_500;

let redis: RedisServer;
let fanoutServer: TokenServer;
let holderServer: TokenServer;
let fanout: Worker[] = [];
let holder: Worker;
let survivor: Worker;

beforeAll(async () => {
  redis = await startRedisServer();
  fanoutServer = await startTokenServer();
  holderServer = await startTokenServer();
  // A slow provider, so the other seven processes really have to wait for the first one.
  fanoutServer.sandbox.faults.inject({ type: 'delay', ms: 300 }, { path: TOKEN_PATH, times: Infinity });
  // The first request to this one hangs: the process making it holds the lock when it is killed.
  holderServer.sandbox.faults.inject({ type: 'delay', ms: 8_000 }, { path: TOKEN_PATH, times: 1 });

  fanout = Array.from({ length: 8 }, () =>
    spawnWorker({
      redisUrl: redis.url,
      tokenUrl: fanoutServer.url,
      rounds: [
        { prefix: 'fanout-pubsub', callers: 500, pubsub: true },
        { prefix: 'fanout-polling', callers: 500, pubsub: false },
      ],
    }),
  );
  const holderRound = { prefix: 'killed-holder', lockTtlMs: LOCK_TTL_MS, pubsub: true };
  holder = spawnWorker({ redisUrl: redis.url, tokenUrl: holderServer.url, rounds: [{ ...holderRound, callers: 1 }] });
  survivor = spawnWorker({
    redisUrl: redis.url,
    tokenUrl: holderServer.url,
    rounds: [{ ...holderRound, callers: 50, lockWaitMs: 20_000 }],
  });
  await Promise.all([...fanout, holder, survivor].map((worker) => worker.next('ready')));
});

afterAll(async () => {
  for (const worker of [...fanout, holder, survivor]) worker?.child.kill('SIGKILL');
  await fanoutServer?.close();
  await holderServer?.close();
  await redis?.stop();
});

describe.each([
  { mode: 'pub/sub', round: 0 },
  { mode: 'polling', round: 1 },
])('8 processes × 500 concurrent callers on a cold cache ($mode)', ({ mode, round }) => {
  it('make exactly one token request, and every caller gets that token', async () => {
    const before = fanoutServer.count();
    const started = Date.now();
    for (const worker of fanout) worker.go();
    const done = (await Promise.all(fanout.map((worker) => worker.next('done', round)))) as DoneEvent[];
    const elapsed = Date.now() - started;

    expect(fanoutServer.count() - before).toBe(1);
    expect(fanoutServer.issued).toHaveLength(round + 1);
    const only = fingerprint(fanoutServer.issued[round] as string);
    for (const result of done) {
      expect(result.fulfilled).toBe(500);
      expect(result.failed).toBe(0);
      expect(result.fingerprints).toEqual([only]);
      expect(result.warnings).toEqual([]);
    }
    const fetches = fanout.flatMap((worker) =>
      worker.events.filter((e) => e.event === 'fetching' && e.round === round),
    );
    expect(fetches).toHaveLength(1);
    console.log(`[multi-process] ${mode}: 8 × 500 callers served by 1 token request in ${elapsed} ms`);
  });
});

describe('a lock holder that dies', () => {
  it('blocks the others no longer than the lock TTL: another process fetches after it', async () => {
    holder.go();
    const holderFetching = await holder.next('fetching');
    // The holder is inside fetchToken, so it holds the lock in Redis.
    const inspector = createClient({ url: redis.url });
    await inspector.connect();
    const lockKey = `killed-holder:lock:{test:${holderServer.url}:client-1}`;
    const pttl = await inspector.pTTL(lockKey);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(LOCK_TTL_MS);

    holder.child.kill('SIGKILL');
    survivor.go();
    const survivorFetching = await survivor.next('fetching', 0, 10_000);
    const done = (await survivor.next('done')) as DoneEvent;
    await inspector.quit();

    const waitedMs = survivorFetching.at - holderFetching.at;
    console.log(`[multi-process] killed holder: survivor fetched ${waitedMs} ms after the holder took the lock`);
    // Not before the dead holder's lock expired, and not much later either (no 20 s give-up).
    expect(waitedMs).toBeGreaterThanOrEqual(LOCK_TTL_MS - 50);
    expect(waitedMs).toBeLessThan(LOCK_TTL_MS + 1_000);
    expect(done.fulfilled).toBe(50);
    expect(done.fingerprints).toEqual([fingerprint(holderServer.issued[0] as string)]);
    expect(holderServer.count()).toBe(2); // the dead holder's hung request, and the survivor's
    expect(done.warnings.filter((w) => w.includes('gave up waiting'))).toEqual([]);
  });
});
