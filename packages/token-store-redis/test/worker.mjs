// A replica of a merchant's service, for the multi-process tests. It imports the BUILT
// packages (@org/signing-core and @org/token-store-redis, as a merchant would), connects to
// Redis, prints `ready`, then for each `go` line on stdin runs the next round of
// WORKER_ROUNDS: a fresh token manager (cold cache) and `callers` concurrent getToken() calls,
// and prints one JSON `done` line with what it saw. Every output line is JSON.
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createTokenManager } from '@org/signing-core';
import { redisTokenStore } from '@org/token-store-redis';
import { createClient, createCluster } from 'redis';

/** @type {Array<{ prefix: string, callers: number, pubsub: boolean, lockTtlMs?: number, lockWaitMs?: number }>} */
const rounds = JSON.parse(process.env.WORKER_ROUNDS ?? '[]');
const redisUrl = process.env.WORKER_REDIS_URL;
const tokenUrl = process.env.WORKER_TOKEN_URL;
const emit = (event) => process.stdout.write(`${JSON.stringify({ at: Date.now(), ...event })}\n`);
const fingerprint = (token) => createHash('sha256').update(token).digest('hex').slice(0, 16);

// WORKER_REDIS_CLUSTER: the cluster's root nodes as JSON (`[{ url }]`); then createCluster.
const clusterNodes = process.env.WORKER_REDIS_CLUSTER ? JSON.parse(process.env.WORKER_REDIS_CLUSTER) : undefined;
const client = clusterNodes
  ? createCluster({ rootNodes: clusterNodes, defaults: { disableOfflineQueue: true } })
  : createClient({ url: redisUrl, disableOfflineQueue: true });
client.on('error', () => {});
await client.connect();
let subscriber;
if (rounds.some((round) => round.pubsub)) {
  subscriber = client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
}

async function runRound(round, index) {
  const warnings = [];
  const logger = { warn: (message) => warnings.push(message), info: () => {} };
  const store = redisTokenStore({
    client,
    subscriber: round.pubsub ? subscriber : undefined,
    prefix: round.prefix,
    logger,
  });
  const tokens = createTokenManager({
    key: `test:${tokenUrl}:client-1`,
    store,
    logger,
    ...(round.lockTtlMs === undefined ? {} : { lockTtlMs: round.lockTtlMs }),
    ...(round.lockWaitMs === undefined ? {} : { lockWaitMs: round.lockWaitMs }),
    fetchToken: async () => {
      emit({ event: 'fetching', round: index });
      const response = await fetch(`${tokenUrl}/token`, { method: 'POST' });
      const body = await response.json();
      return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    },
  });
  const started = Date.now();
  const results = await Promise.allSettled(Array.from({ length: round.callers }, () => tokens.getToken()));
  const fulfilled = results.filter((result) => result.status === 'fulfilled').map((result) => result.value.token);
  emit({
    event: 'done',
    round: index,
    callers: round.callers,
    fulfilled: fulfilled.length,
    failed: results.length - fulfilled.length,
    fingerprints: [...new Set(fulfilled.map(fingerprint))],
    elapsedMs: Date.now() - started,
    warnings,
  });
}

emit({ event: 'ready', round: -1 });
const lines = createInterface({ input: process.stdin });
let next = 0;
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  await runRound(rounds[next], next);
  next += 1;
  if (next === rounds.length) break;
}
lines.close();
await subscriber?.quit();
await client.quit();
