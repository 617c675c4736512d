// The multi-process benchmark on a Redis Cluster: 8 Node processes running the BUILT package,
// each with 500 concurrent callers on a cold cache, connected with node-redis createCluster to
// a 6-node cluster (3 primaries, 3 replicas), make exactly one token request. Same approach as
// test/multi-process.test.ts (processes started once, then one round on `go`).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisCluster, startRedisCluster } from './redis-topology.js';
import { type DoneEvent, spawnWorker, type Worker } from './spawn-worker.js';
import { startTokenServer, TOKEN_PATH, type TokenServer } from './token-server.js';

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);
const PROCESSES = 8;
const CALLERS = 500;

let cluster: RedisCluster;
let tokenServer: TokenServer;
let workers: Worker[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  tokenServer = await startTokenServer();
  // A slow provider, so the other seven processes really have to wait for the first one.
  tokenServer.sandbox.faults.inject({ type: 'delay', ms: 300 }, { path: TOKEN_PATH, times: Infinity });
  workers = Array.from({ length: PROCESSES }, () =>
    spawnWorker({
      redisUrl: cluster.rootNodes[0]?.url as string,
      redisCluster: cluster.rootNodes,
      tokenUrl: tokenServer.url,
      rounds: [
        { prefix: 'cluster-pubsub', callers: CALLERS, pubsub: true },
        { prefix: 'cluster-polling', callers: CALLERS, pubsub: false },
      ],
    }),
  );
  await Promise.all(workers.map((worker) => worker.next('ready')));
}, 60_000);

afterAll(async () => {
  try {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await tokenServer?.close();
  } finally {
    await cluster?.stop();
  }
});

describe.each([
  { mode: 'pub/sub', round: 0 },
  { mode: 'polling', round: 1 },
])(`${PROCESSES} processes × ${CALLERS} callers on a cold cache over a 6-node cluster ($mode)`, ({ mode, round }) => {
  it('make exactly one token request, and every caller gets that token', async () => {
    const before = tokenServer.count();
    const started = Date.now();
    for (const worker of workers) worker.go();
    const done = (await Promise.all(workers.map((worker) => worker.next('done', round)))) as DoneEvent[];
    const elapsed = Date.now() - started;

    expect(tokenServer.count() - before).toBe(1);
    const only = fingerprint(tokenServer.issued[round] as string);
    for (const result of done) {
      expect(result.fulfilled).toBe(CALLERS);
      expect(result.failed).toBe(0);
      expect(result.fingerprints).toEqual([only]);
      expect(result.warnings).toEqual([]);
    }
    const fetches = workers.flatMap((worker) =>
      worker.events.filter((e) => e.event === 'fetching' && e.round === round),
    );
    expect(fetches).toHaveLength(1);
    const slowest = Math.max(...done.map((result) => result.elapsedMs));
    console.log(
      `[cluster] ${mode}: ${PROCESSES} processes × ${CALLERS} callers on a cold cache served by 1 token request in ${elapsed} ms (slowest process ${slowest} ms; provider delay 300 ms)`,
    );
  });
});
