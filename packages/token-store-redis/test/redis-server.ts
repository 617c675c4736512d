/**
 * Test setup: a real redis-server (the Debian package), never a mock.
 *
 * - `findRedisServer()` looks on PATH and in /usr/bin and /usr/local/bin; when it is missing it
 *   runs `apt-get update && apt-get install -y redis-server` (as root, as on CI) and fails
 *   loudly if that does not give one. Tests never skip for lack of Redis.
 * - `startRedisServer()` starts one on a free port on 127.0.0.1 with no persistence
 *   (`--save '' --appendonly no`), waits until it answers PING, and returns controls to stop,
 *   restart (same port), pause (SIGSTOP: a hung server) and resume it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const CANDIDATE_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin'];

function lookup(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...CANDIDATE_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The redis-server binary; installs the Debian package when it is missing. Throws when it cannot. */
export function findRedisServer(): string {
  const found = lookup();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const command = 'apt-get update && apt-get install -y redis-server';
  if (!isRoot) {
    throw new Error(`redis-server is not installed and this is not root: run \`sudo ${command}\` (Debian/Ubuntu)`);
  }
  console.log(`[token-store-redis] redis-server not found: running \`${command}\``);
  const result = spawnSync('sh', ['-c', command], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = lookup();
  if (result.status !== 0 || !installed) {
    throw new Error(`could not install redis-server (\`${command}\` exited with ${result.status})`);
  }
  return installed;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when a server on `port` answers PING with PONG. */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted) and waits for PING. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  readonly running: boolean;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * The global setup sets this to a folder where every started server leaves its pid, so that
 * the global teardown can stop servers left behind by a test worker that was killed.
 */
export const RUN_DIR_VARIABLE = 'TOKEN_STORE_REDIS_RUN_DIR';

function remember(child: ChildProcess, dataDir: string): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (dir && child.pid) writeFileSync(join(dir, String(child.pid)), dataDir);
}

function forget(child: ChildProcess): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (dir && child.pid) rmSync(join(dir, String(child.pid)), { force: true });
}

/** Kills the redis-servers recorded in `dir` that are still running (checked by command name). */
export function killLeftoverServers(dir: string): number {
  let killed = 0;
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    const dataDir = readFileSync(join(dir, name), 'utf8');
    if (dataDir.includes('token-store-redis-')) rmSync(dataDir, { recursive: true, force: true });
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(findRedisServer())) {
        process.kill(pid, 'SIGKILL');
        killed += 1;
      }
    } catch {
      // already gone
    }
  }
  return killed;
}

/**
 * Spawns redis-server with `args` (listening on `port` of 127.0.0.1), records it for the global
 * teardown, and waits until it answers PING (at most 10 s). Also used for cluster nodes and
 * sentinels (test/redis-topology.ts).
 */
export async function launchRedis(
  binary: string,
  port: number,
  dir: string,
  args: readonly string[],
): Promise<ChildProcess> {
  const child = spawn(binary, [...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  live.add(child);
  remember(child, dir);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
    live.delete(child);
    forget(child);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited at start on port ${port}: ${stderr.trim()}`);
    if (await ping(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within 10 s`);
}

/** The options every test redis-server gets: loopback only, nothing persisted, quiet. */
export function baseArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
}

function launch(binary: string, port: number, dir: string): Promise<ChildProcess> {
  return launchRedis(binary, port, dir, baseArgs(port, dir));
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a private redis-server on a free port of 127.0.0.1. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'token-store-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt += 1) {
    port = await freePort();
    try {
      child = await launch(binary, port, dir);
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
  let current: ChildProcess | undefined = child;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return current !== undefined;
    },
    async stop() {
      const running = current;
      if (!running) return;
      current = undefined;
      running.kill('SIGCONT');
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 2_000);
      await waitForExit(running);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await server.stop();
      mkdirSync(dir, { recursive: true });
      current = await launch(binary, port, dir);
    },
    pause() {
      current?.kill('SIGSTOP');
    },
    resume() {
      current?.kill('SIGCONT');
    },
  };
  return server;
}
