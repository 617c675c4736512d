/**
 * Test setup for the topologies merchants run in production, from Debian's redis-server:
 *
 * - `startRedisCluster()`: 3 primaries and 3 replicas on free loopback ports, each with
 *   `cluster-enabled yes` (and its own free cluster-bus port), joined by
 *   `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`; resolves once every node
 *   says `cluster_state:ok` and knows all 6 nodes.
 * - `startRedisSentinel()`: a primary, a replica of it and 3 sentinels (quorum 2) that already
 *   know each other and the replica from their config files (`sentinel myid`,
 *   `known-sentinel`, `known-replica`), so nothing waits for the 2 s hello discovery.
 *   `down-after-milliseconds` is 600, so a killed primary is replaced within a few seconds.
 *
 * Every process listens on 127.0.0.1 only, keeps its files in its own temp dir, is recorded
 * for the global teardown (a crashed test worker leaves nothing running), and is stopped by
 * `stop()`. Every wait here ends (deadline) with an error that says what it waited for.
 * Sentinel configuration: https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 * Cluster tutorial: https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { baseArgs, findRedisServer, freePort, launchRedis, waitForExit } from './redis-server.js';

export interface Node {
  readonly host: '127.0.0.1';
  readonly port: number;
}

interface Running {
  readonly port: number;
  child: ChildProcess | undefined;
}

function redisCli(): string {
  return join(dirname(findRedisServer()), 'redis-cli');
}

/** Runs `redis-cli -p <port> <args>` (at most `timeoutMs`) and resolves with its output. */
export function cli(port: number, args: readonly string[], timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      redisCli(),
      ['-h', '127.0.0.1', '-p', String(port), ...args],
      { timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cli -p ${port} ${args.join(' ')}: ${error.message} ${stderr}`.trim()));
        else resolve(stdout);
      },
    );
  });
}

/** Polls `check` every 50 ms until it resolves true; fails after `timeoutMs` naming `what`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

async function stopAll(processes: readonly Running[], dir: string): Promise<void> {
  await Promise.all(
    processes.map(async (process) => {
      const child = process.child;
      process.child = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await waitForExit(child);
      clearTimeout(timer);
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}

/** Distinct free loopback ports (freePort can hand out the same port twice in a row). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count && tries < count * 10; tries += 1) ports.add(await freePort());
  if (ports.size < count) throw new Error(`could not find ${count} free ports`);
  return [...ports];
}

// ---- cluster -----------------------------------------------------------------------------

export interface RedisCluster {
  /** All 6 nodes (primaries and replicas), for `createCluster({ rootNodes })` and ioredis. */
  readonly nodes: readonly Node[];
  /** `{ url }` entries for node-redis `createCluster({ rootNodes })`. */
  readonly rootNodes: ReadonlyArray<{ url: string }>;
  /** The slot of `key` (`CLUSTER KEYSLOT`), asked of the cluster itself. */
  keySlot(key: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'token-store-redis-cluster-'));
  const processes: Running[] = [];
  try {
    const ports = await freePorts(12);
    const nodePorts = ports.slice(0, 6);
    await Promise.all(
      nodePorts.map(async (port, index) => {
        const nodeDir = join(dir, String(port));
        mkdirSync(nodeDir);
        const running: Running = { port, child: undefined };
        processes.push(running);
        running.child = await launchRedis(binary, port, nodeDir, [
          ...baseArgs(port, nodeDir),
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(ports[6 + index]),
          '--cluster-config-file',
          join(nodeDir, 'nodes.conf'),
          '--cluster-node-timeout',
          '2000',
        ]);
      }),
    );
    await cli(
      nodePorts[0] as number,
      [
        '--cluster',
        'create',
        ...nodePorts.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      30_000,
    );
    await waitUntil('cluster_state:ok and 6 known nodes on every node', async () => {
      const infos = await Promise.all(nodePorts.map((port) => cli(port, ['CLUSTER', 'INFO'])));
      return infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:6'));
    });
    const nodes = nodePorts.map((port) => ({ host: '127.0.0.1', port }) as const);
    return {
      nodes,
      rootNodes: nodePorts.map((port) => ({ url: `redis://127.0.0.1:${port}` })),
      async keySlot(key) {
        return Number((await cli(nodePorts[0] as number, ['CLUSTER', 'KEYSLOT', key])).trim());
      },
      stop: () => stopAll(processes, dir),
    };
  } catch (error) {
    await stopAll(processes, dir);
    throw error;
  }
}

// ---- sentinel ----------------------------------------------------------------------------

export const SENTINEL_MASTER_NAME = 'mymaster';

export interface RedisSentinelGroup {
  readonly name: string;
  /** The three sentinels, for `createSentinel({ sentinelRootNodes })` and ioredis `sentinels`. */
  readonly sentinels: readonly Node[];
  /** The primary the group started with. */
  readonly primary: Node;
  /** The replica the group started with. */
  readonly replica: Node;
  /** SIGKILL of the current primary process (no shutdown, no goodbye to the replica). */
  killPrimary(): void;
  /** The primary's address as the first sentinel reports it. */
  primaryAddress(): Promise<Node>;
  /** Resolves once every sentinel reports `port` as the primary. */
  waitForPrimary(port: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function sentinelConfig(
  port: number,
  dir: string,
  ids: readonly string[],
  ports: readonly number[],
  primary: number,
  replica: number,
): string {
  const self = ports.indexOf(port);
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode no',
    'daemonize no',
    `dir ${dir}`,
    'loglevel warning',
    `sentinel myid ${ids[self]}`,
    `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${primary} 2`,
    `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 600`,
    `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
    `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
    `sentinel known-replica ${SENTINEL_MASTER_NAME} 127.0.0.1 ${replica}`,
    ...ports
      .map((other, index) => [other, index] as const)
      .filter(([other]) => other !== port)
      .map(([other, index]) => `sentinel known-sentinel ${SENTINEL_MASTER_NAME} 127.0.0.1 ${other} ${ids[index]}`),
    '',
  ].join('\n');
}

export async function startRedisSentinel(): Promise<RedisSentinelGroup> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'token-store-redis-sentinel-'));
  const processes: Running[] = [];
  const start = async (port: number, args: (nodeDir: string) => string[]): Promise<Running> => {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const running: Running = { port, child: undefined };
    processes.push(running);
    running.child = await launchRedis(binary, port, nodeDir, args(nodeDir));
    return running;
  };
  try {
    const [primaryPort, replicaPort, ...sentinelPorts] = (await freePorts(5)) as [number, number, ...number[]];
    // No 5 s wait before the first (diskless) sync of the replica.
    const primary = await start(primaryPort, (nodeDir) => [
      ...baseArgs(primaryPort, nodeDir),
      '--repl-diskless-sync-delay',
      '0',
    ]);
    await start(replicaPort, (nodeDir) => [
      ...baseArgs(replicaPort, nodeDir),
      '--replicaof',
      '127.0.0.1',
      String(primaryPort),
    ]);
    await waitUntil('the replica to be in sync with the primary', async () =>
      (await cli(replicaPort, ['INFO', 'replication'])).includes('master_link_status:up'),
    );
    const ids = sentinelPorts.map(() => randomBytes(20).toString('hex'));
    await Promise.all(
      sentinelPorts.map((port) =>
        start(port, (nodeDir) => {
          const file = join(nodeDir, 'sentinel.conf');
          writeFileSync(file, sentinelConfig(port, nodeDir, ids, sentinelPorts, primaryPort, replicaPort));
          return [file, '--sentinel'];
        }),
      ),
    );
    await waitUntil('every sentinel to know the primary, the replica and 2 other sentinels', async () => {
      const views = await Promise.all(
        sentinelPorts.map((port) => cli(port, ['SENTINEL', 'MASTER', SENTINEL_MASTER_NAME])),
      );
      return views.every((view) => {
        const fields = view.trim().split('\n');
        const field = (name: string) => fields[fields.indexOf(name) + 1];
        return field('flags') === 'master' && field('num-slaves') === '1' && field('num-other-sentinels') === '2';
      });
    });

    const address = async (sentinelPort: number): Promise<Node> => {
      const [host, port] = (await cli(sentinelPort, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME]))
        .trim()
        .split('\n');
      if (host !== '127.0.0.1') throw new Error(`sentinel reports primary host ${host}`);
      return { host, port: Number(port) };
    };
    return {
      name: SENTINEL_MASTER_NAME,
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port }) as const),
      primary: { host: '127.0.0.1', port: primaryPort },
      replica: { host: '127.0.0.1', port: replicaPort },
      killPrimary() {
        primary.child?.kill('SIGKILL');
      },
      primaryAddress: () => address(sentinelPorts[0] as number),
      async waitForPrimary(port, timeoutMs = 20_000) {
        await waitUntil(
          `every sentinel to report 127.0.0.1:${port} as the primary`,
          async () => (await Promise.all(sentinelPorts.map(address))).every((node) => node.port === port),
          timeoutMs,
        );
      },
      stop: () => stopAll(processes, dir),
    };
  } catch (error) {
    await stopAll(processes, dir);
    throw error;
  }
}
